import { DEFAULT_RATE_LIMITS, rateLimitConfig } from "../../../src/config/rate-limits";
import { decide, endpointKey, entriesToAgeOut, retryAfterSeconds, tierOf } from "../../../src/domain/rate-limit";

describe("rate-limit rules", () => {
  it("picks tiers: admin role, then subscription, then any valid key; nothing → default", () => {
    expect(tierOf(null)).toBe("default");
    expect(tierOf({ subscriptionActive: false, role: null })).toBe("authenticated");
    expect(tierOf({ subscriptionActive: true, role: null })).toBe("premium");
    expect(tierOf({ subscriptionActive: false, role: "admin" })).toBe("admin");
  });

  it("reports the scope with the least room, and refuses when any scope is over", () => {
    const at = new Date(1_000_000);
    const tier = { scope: "tier" as const, allowance: 200, count: 40 };
    const endpoint = { scope: "endpoint" as const, allowance: 30, count: 30 };
    expect(decide([tier, endpoint], at, 60_000)).toMatchObject({ allowed: true, binding: endpoint, remaining: 0 });
    const over = decide([tier, { ...endpoint, count: 31 }], at, 60_000);
    expect(over).toMatchObject({ allowed: false, remaining: 0, resetAt: 1060 });
    expect(over.binding.scope).toBe("endpoint");
  });

  it("computes how long until one more request fits", () => {
    expect(entriesToAgeOut({ scope: "tier", allowance: 7, count: 8 })).toBe(2);
    expect(retryAfterSeconds(new Date(10_000), new Date(12_500), 3_000)).toBe(1);
    expect(retryAfterSeconds(new Date(10_000), new Date(10_100), 60_000)).toBe(60);
  });

  it("matches endpoint limits by method and path, ignoring a trailing slash", () => {
    expect(endpointKey(DEFAULT_RATE_LIMITS, "post", "/v1/posts/")).toBe("POST /v1/posts");
    // The router matches case-insensitively: so does the limit.
    expect(endpointKey(DEFAULT_RATE_LIMITS, "POST", "/V1/POSTS")).toBe("POST /v1/posts");
    expect(endpointKey(DEFAULT_RATE_LIMITS, "POST", "/V1/Media/Uploads/")).toBe("POST /v1/media/uploads");
    expect(endpointKey(DEFAULT_RATE_LIMITS, "GET", "/v1/posts")).toBeNull();
  });

  it("counts an alias against the endpoint it names (Soku's render-og is POST /v1/templates)", () => {
    expect(endpointKey(DEFAULT_RATE_LIMITS, "POST", "/v1/templates")).toBe("POST /v1/templates");
    expect(endpointKey(DEFAULT_RATE_LIMITS, "POST", "/V1/media/render-og/")).toBe("POST /v1/templates");
    expect(endpointKey(DEFAULT_RATE_LIMITS, "GET", "/v1/media/render-og")).toBeNull();
  });

  it("reads overrides from POSTCAST_RATE_LIMITS and rejects malformed ones", () => {
    const config = rateLimitConfig({ POSTCAST_RATE_LIMITS: '{"tiers":{"premium":{"limit":500,"burst":0}}}' });
    expect(config.tiers.premium).toEqual({ limit: 500, burst: 0 });
    expect(config.tiers.default).toEqual(DEFAULT_RATE_LIMITS.tiers.default);
    expect(() => rateLimitConfig({ POSTCAST_RATE_LIMITS: '{"tiers":{"premium":{"limit":-1,"burst":0}}}' })).toThrow();
    expect(rateLimitConfig({})).toBe(DEFAULT_RATE_LIMITS);
  });
});
