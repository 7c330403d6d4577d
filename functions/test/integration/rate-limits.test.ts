import { randomUUID } from "node:crypto";
import request from "supertest";
import { DEFAULT_RATE_LIMITS } from "../../src/config/rate-limits";
import { bucketOf, countInWindow, type RateLimitConfig } from "../../src/domain/rate-limit";
import { RateLimitStore } from "../../src/store/rate-limit-store";
import { Harness } from "../support/harness";

// Small numbers and a short window, so the rolling behaviour shows in seconds.
const SMALL: RateLimitConfig = {
  windowMs: 3_000,
  tiers: {
    default: { limit: 3, burst: 1 },
    authenticated: { limit: 4, burst: 1 },
    premium: { limit: 5, burst: 2 },
    admin: { limit: 9, burst: 3 },
  },
  endpoints: { "POST /v1/posts": 3, "POST /v1/media": 3 },
};
const h = new Harness({ rateLimits: SMALL });
afterAll(() => h.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const accounts = (key: string) => request(h.app).get("/v1/accounts").set("soku-api-key", key);
const statuses = (rs: request.Response[]) => rs.map((r) => r.status).sort((a, b) => a - b);

describe("rate limits", () => {
  it("admits exactly the tier's allowance under concurrent load, with headers and a 429 envelope", async () => {
    const t = await h.tenant();
    const other = await h.tenant();
    const [mine, theirs] = await Promise.all([
      Promise.all(Array.from({ length: 15 }, () => accounts(t.key))),
      Promise.all(Array.from({ length: 5 }, () => accounts(other.key))),
    ]);
    expect(statuses(mine)).toEqual([...Array(7).fill(200), ...Array(8).fill(429)]);
    expect(statuses(theirs)).toEqual(Array(5).fill(200)); // other users are unaffected

    const ok = mine.find((r) => r.status === 200)!;
    expect(ok.headers["x-ratelimit-limit"]).toBe("7");
    expect(ok.headers["x-ratelimit-tier"]).toBe("premium");
    expect(Number(ok.headers["x-ratelimit-remaining"])).toBeGreaterThanOrEqual(0);
    const reset = Number(ok.headers["x-ratelimit-reset"]);
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3);

    const refused = mine.find((r) => r.status === 429)!;
    expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    // Never more than the window (3 s): domain/rate-limit.ts.
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(refused.body.error).toMatchObject({
      type: "invalid_request_error",
      code: "rate_limit_exceeded",
      details: { limit: 7, scope: "tier:premium", retryAfter },
    });
  });

  it("uses a rolling window: capacity returns as requests age out, not at a minute boundary", async () => {
    const t = await h.tenant();
    await Promise.all(Array.from({ length: 7 }, () => accounts(t.key)));
    const refused = await accounts(t.key);
    expect(refused.status).toBe(429);
    await sleep(Number(refused.headers["retry-after"]) * 1000 + 100);
    expect((await accounts(t.key)).status).toBe(200);
  });

  it("keeps Retry-After within the window for a burst at the start of a bucket, and admits a client that waits exactly that long", async () => {
    const t = await h.tenant();
    // The clock moved to just after a bucket starts: a bucket counted whole to its end would ask for 4 s.
    const bucketMs = SMALL.windowMs / 6;
    h.offsetMs = Math.ceil(Date.now() / bucketMs + 1) * bucketMs + 5 - Date.now();
    try {
      const burst = await Promise.all(Array.from({ length: 8 }, () => accounts(t.key)));
      expect(statuses(burst)).toEqual([...Array(7).fill(200), 429]);
      const retryAfter = Number(burst.find((r) => r.status === 429)!.headers["retry-after"]);
      expect(retryAfter).toBe(3);
      h.offsetMs += retryAfter * 1000;
      const retried = await accounts(t.key);
      expect(retried.status).toBe(200);
    } finally {
      h.offsetMs = 0;
    }
  });

  it("applies POST /v1/posts' own limit on top of the tier", async () => {
    const t = await h.tenant();
    const body = () => ({ post: { content: { text: `t ${randomUUID()}`, platform: ["threads"] } } });
    const posts = await Promise.all(
      Array.from({ length: 5 }, () => request(h.app).post("/v1/posts").set("soku-api-key", t.key).send(body())),
    );
    expect(statuses(posts)).toEqual([202, 202, 202, 429, 429]);
    const refused = posts.find((r) => r.status === 429)!;
    expect(refused.body.error.details).toMatchObject({ limit: 3, scope: "endpoint:POST /v1/posts" });
    expect(refused.headers["x-ratelimit-limit"]).toBe("3");
    // The limit is decided beside the post's own reads, yet still answers before anything else.
    const malformed = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .set("Content-Type", "application/json")
      .send("{not json");
    expect(malformed.status).toBe(429);
    expect(malformed.body.error.details).toMatchObject({ scope: "endpoint:POST /v1/posts" });
    expect(await h.countSubmissions(t.uid)).toBe(3);
    expect((await accounts(t.key)).status).toBe(200); // the tier still has room
  });

  it("picks the tier from the caller: anonymous by IP, no subscription, admin", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const anon = await Promise.all(
      Array.from({ length: 6 }, () => request(h.app).get("/v1/accounts").set("X-Forwarded-For", ip)),
    );
    expect(statuses(anon)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(anon[0]!.headers["x-ratelimit-tier"]).toBe("default");
    const elsewhere = await request(h.app).get("/v1/accounts").set("X-Forwarded-For", "198.51.100.7");
    expect(elsewhere.status).toBe(401);

    const lapsed = await h.tenant({ subscription: null });
    const res = await accounts(lapsed.key);
    expect(res.status).toBe(403);
    expect(res.headers).toMatchObject({ "x-ratelimit-tier": "authenticated", "x-ratelimit-limit": "5" });

    const admin = await h.tenant({ role: "admin" });
    expect((await accounts(admin.key)).headers).toMatchObject({
      "x-ratelimit-tier": "admin",
      "x-ratelimit-limit": "12",
    });
  });

  it("keys anonymous callers on the address Google's front end appended, whatever the client wrote before it", async () => {
    const real = `198.51.100.${Math.floor(Math.random() * 250)}`;
    // Each request claims another origin in the part of X-Forwarded-For the client controls.
    const spoofed = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        request(h.app).get("/v1/accounts").set("X-Forwarded-For", `10.9.8.${i}, 192.0.2.${i}, ${real}`),
      ),
    );
    expect(statuses(spoofed)).toEqual([401, 401, 401, 401, 429, 429]);
    // Another real address is another subject, with its own allowance.
    const other = await request(h.app).get("/v1/accounts").set("X-Forwarded-For", `${real}, 198.51.100.251`);
    expect(other.status).toBe(401);
  });

  it("limits /V1/POSTS like /v1/posts (the router matches both)", async () => {
    const t = await h.tenant();
    const body = () => ({ post: { content: { text: `t ${randomUUID()}`, platform: ["threads"] } } });
    const paths = ["/v1/posts", "/V1/POSTS", "/v1/Posts/", "/V1/posts", "/v1/POSTS"];
    const posts = await Promise.all(paths.map((p) => request(h.app).post(p).set("soku-api-key", t.key).send(body())));
    expect(statuses(posts)).toEqual([202, 202, 202, 429, 429]);
    for (const refused of posts.filter((r) => r.status === 429)) {
      expect(refused.body.error.details).toMatchObject({ scope: "endpoint:POST /v1/posts" });
    }
    expect(await h.countSubmissions(t.uid)).toBe(3);
  });

  it("holds at 100 requests per second from one user with Soku's numbers", async () => {
    h.rateLimits = DEFAULT_RATE_LIMITS;
    try {
      const t = await h.tenant();
      // 250 requests in 2.5 s against Premium's 100 + 100 burst per minute.
      const sent: Promise<request.Response>[] = [];
      for (let i = 0; i < 250; i++) {
        sent.push(
          request(h.app)
            .get("/v1/nothing-here")
            .set("soku-api-key", t.key)
            .then((r) => r),
        );
        if (i % 10 === 9) await sleep(100);
      }
      const rs = await Promise.all(sent);
      expect(rs.filter((r) => r.status === 404)).toHaveLength(200);
      expect(rs.filter((r) => r.status === 429)).toHaveLength(50);
    } finally {
      h.rateLimits = SMALL;
    }
  });

  it("shares one count between instances, at one write and one query per check", async () => {
    // Two instances: each has its own counter documents and sees the other's once committed.
    const a = new RateLimitStore(h.db);
    const b = new RateLimitStore(h.db);
    const subject = `user:${randomUUID()}`;
    const now = new Date();
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await (i % 2 === 0 ? a : b).consume(subject, "POST /v1/posts", now, 60_000);
      seen.push(r.tier.reduce((n, x) => n + x.count, 0));
      expect(r.endpoint?.reduce((n, x) => n + x.count, 0)).toBe(i + 1);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    const docs = await h.db.collection(`rateLimits/${RateLimitStore.subjectId(subject)}/rateCounters`).get();
    expect(docs.size).toBe(2); // one per instance and bucket, whatever the number of requests
  });

  it("tells other instances when a bucket's latest request was, so they let it go as early as its own instance", async () => {
    const a = new RateLimitStore(h.db);
    const b = new RateLimitStore(h.db);
    const subject = `user:${randomUUID()}`;
    const windowMs = 60_000;
    const start = (bucketOf(new Date(), windowMs) + 1) * (windowMs / 6);
    for (let i = 0; i < 3; i++) await a.consume(subject, null, new Date(start + i), windowMs);
    const seen = await b.consume(subject, null, new Date(start + 10), windowMs);
    const bucket = bucketOf(new Date(start), windowMs);
    expect(seen.tier).toEqual(
      expect.arrayContaining([
        { bucket, count: 3, last: start + 2 },
        { bucket, count: 1, last: start + 10 },
      ]),
    );
    expect(countInWindow(seen.tier, new Date(start + 10), windowMs)).toBe(4);
    // A window after a's last request, only b's own one is left (a bucket's end would keep all four).
    const later = await b.consume(subject, null, new Date(start + 2 + windowMs), windowMs);
    expect(countInWindow(later.tier, new Date(start + 2 + windowMs), windowMs)).toBe(2);
  });

  it("ignores Soku-era hit logs and malformed counters under the same subject", async () => {
    const t = await h.tenant();
    const subjectId = RateLimitStore.subjectId(`user:${t.uid}`);
    await h.db.doc(`rateLimits/${subjectId}`).set({ legacy: true });
    await h.db.collection(`rateLimits/${subjectId}/hits`).add({ at: new Date(), endpoint: null });
    await h.db.collection(`rateLimits/${subjectId}/rateCounters`).doc("x").set({ bucket: "soon", n: "many" });
    await h.db
      .collection(`rateLimits/${subjectId}/rateCounters`)
      .doc("y")
      .set({ bucket: bucketOf(new Date(), SMALL.windowMs), n: -5 });
    const res = await accounts(t.key);
    expect(res.status).toBe(200);
    expect(res.headers["x-ratelimit-remaining"]).toBe("6");
  });
});
