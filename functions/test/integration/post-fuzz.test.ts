import fc from "fast-check";
import request from "supertest";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";
import { Harness } from "../support/harness";

const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
afterAll(() => h.close());

const platformName = fc.constantFrom(
  "x",
  "X",
  "twitter",
  "threads",
  "instagram",
  "tiktok",
  "youtube",
  "linkedin",
  "snapchat",
  "facebook",
  "myspace",
  "",
  "x ",
);
const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom("https://cdn.test/v.mp4", "https://cdn.test/a.jpg", "ftp://x/y", "not a url", ""),
);
const target = fc.oneof(
  platformName,
  fc.record(
    {
      platform: platformName,
      accountId: fc.oneof(fc.constantFrom("x_primary", "x_brand", "threads_main"), fc.string()),
    },
    { requiredKeys: ["platform"] },
  ),
  fc.anything(),
);
const isoTime = fc.oneof(
  fc
    .date({ min: new Date(Date.now() - 86_400_000), max: new Date(Date.now() + 400 * 86_400_000), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom("2030-01-01T12:00:00", "2030-02-30T12:00:00Z", "tomorrow", "2030-01-01T12:00:00+01:00"),
  fc.constant(null),
);
const content = fc.record(
  {
    text: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
    mediaType: fc.oneof(fc.constantFrom("text", "image", "video", "gif"), fc.constant(null)),
    mediaUrls: fc.oneof(fc.array(url, { maxLength: 3 }), fc.string()),
    imageUrls: fc.array(url, { maxLength: 3 }),
    videoUrl: url,
    platform: fc.oneof(target, fc.array(target, { maxLength: 4 })),
    imageUrl: url,
  },
  { requiredKeys: [] },
);
const validBody = fc.record({
  post: fc.record({
    content: fc.oneof(
      fc.record({
        text: fc.string({ minLength: 1 }),
        platform: fc.constantFrom("threads", ["threads", "instagram"], [{ platform: "x", accountId: "x_brand" }]),
      }),
      fc.record({
        text: fc.string(),
        imageUrls: fc.array(fc.webUrl(), { minLength: 1, maxLength: 3 }),
        platform: fc.constant(["instagram"]),
      }),
    ),
  }),
  scheduledTime: fc.oneof(
    fc.constant(null),
    fc.integer({ min: 120, max: 86_400 }).map((s) => new Date(Date.now() + s * 1000).toISOString()),
  ),
});
// A valid body with one part replaced by something arbitrary.
const mutatedBody = fc
  .tuple(
    validBody,
    fc.constantFrom("post", "scheduledTime", "trial_reel", "sandbox", "post.content.platform", "post.content.text"),
    fc.anything(),
  )
  .map(([b, path, value]) => {
    const copy = JSON.parse(JSON.stringify(b)) as Record<string, Record<string, unknown>>;
    const [head, ...rest] = path.split(".");
    if (rest.length === 0) copy[head!] = value as Record<string, unknown>;
    else (copy.post!.content as Record<string, unknown>)[rest[1]!] = value;
    return copy;
  });
const body = fc.oneof(
  { arbitrary: validBody, weight: 3 },
  { arbitrary: mutatedBody, weight: 3 },
  fc.record(
    {
      post: fc.oneof(fc.record({ content }, { requiredKeys: [] }), fc.anything()),
      scheduledTime: isoTime,
      trial_reel: fc.oneof(fc.boolean(), fc.string()),
      enableRepurposing: fc.boolean(),
      sandbox: fc.record({ outcomes: fc.dictionary(platformName, fc.constantFrom("succeed", "fail", "boom")) }),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
  fc.jsonValue(),
);

describe("POST /v1/posts under random and mutated bodies", () => {
  it("answers every body with a 202 or a 4xx envelope, and rejected bodies create nothing", async () => {
    const t = await h.tenant({
      accounts: { x: ["x_primary", "x_brand"], threads: ["threads_main"], instagram: ["instagram_main"] },
    });
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const before = await h.countSubmissions(t.uid);
        const res = await request(h.app)
          .post("/v1/posts")
          .set("soku-api-key", t.key)
          .set("Content-Type", "application/json")
          .send(JSON.stringify(b) ?? "null");
        const after = await h.countSubmissions(t.uid);
        if (res.status === 202) {
          accepted += 1;
          expect(typeof res.body.postSubmissionId).toBe("string");
          expect(after - before).toBeLessThanOrEqual(1);
          return;
        }
        rejected += 1;
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body.error).toMatchObject({ code: expect.any(String), requestId: res.headers["x-request-id"] });
        expect(after).toBe(before);
      }),
      { numRuns: 1000 },
    );
    // The generators must reach both outcomes, or the property says little.
    expect(accepted).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(500);
  }, 240_000);
});
