import request from "supertest";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";
import { Harness } from "../support/harness";

const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
afterAll(() => h.close());

const IMG = "https://cdn.example.com/photo.jpg";
const VID = "https://cdn.example.com/clip.mp4";
const xPrimary = { platform: "x", accountId: "x_primary" };

function post(key: string, body: unknown, query = "") {
  return request(h.app)
    .post(`/v1/posts${query}`)
    .set("soku-api-key", key)
    .send(body as object);
}

describe("platform rules at create time", () => {
  it("refuses a post a platform cannot take, naming the target and the rule, and stores nothing", async () => {
    const t = await h.tenant();
    const res = await post(t.key, { post: { content: { text: "Only words", platform: [xPrimary, "instagram"] } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: "validation_error",
      details: { field: "post.content.platform[1]", reason: "text_only_unsupported" },
    });
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({
        field: "post.content.platform[1]",
        platform: "instagram",
        reason: "text_only_unsupported",
      }),
    ]);
    expect(await h.countSubmissions(t.uid)).toBe(0);
  });

  it("refuses X text over 280 weighted characters, or truncates it with strict: false and records it on the run", async () => {
    const t = await h.tenant();
    const long = `${"word ".repeat(70)}end`;
    const strict = await post(t.key, { post: { content: { text: long, platform: [xPrimary, "threads"] } } });
    expect(strict.status).toBe(400);
    expect(strict.body.error.details).toMatchObject({ reason: "text_too_long", field: "post.content.platform[0]" });
    expect(strict.body.error.message).toContain("280");

    const lenient = await post(t.key, {
      post: { content: { text: long, platform: [xPrimary, "threads"] } },
      strict: false,
    });
    expect(lenient.status).toBe(202);
    await h.drain();
    const view = await request(h.app).get(`/v1/posts/${lenient.body.postSubmissionId}`).set("soku-api-key", t.key);
    const [xRun, threadsRun] = view.body.runs;
    expect(xRun).toMatchObject({
      status: "succeeded",
      adjustments: [expect.objectContaining({ rule: "text_too_long" })],
    });
    expect(threadsRun).toMatchObject({ status: "succeeded", adjustments: [] });
  });

  it("takes per-target text and options, validated by the target's platform", async () => {
    const t = await h.tenant();
    const long = "A long caption for the platforms that allow it. ".repeat(8);
    const ok = await post(t.key, {
      post: {
        content: {
          text: long,
          videoUrl: VID,
          platform: [
            { ...xPrimary, text: "Short for X" },
            { platform: "tiktok", options: { privacyLevel: "SELF_ONLY", disableDuet: true } },
            { platform: "youtube", options: { title: "My video", privacyStatus: "unlisted", tags: ["a", "b"] } },
          ],
        },
      },
    });
    expect(ok.status).toBe(202);

    const bad = await post(t.key, {
      post: {
        content: {
          videoUrl: VID,
          platform: [
            { platform: "tiktok", options: { privacyLevel: "EVERYONE", duet: false } },
            { platform: "youtube", options: { privacyStatus: "public", madeForKids: "no" } },
          ],
        },
      },
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body.error.details.issues as { field: string; reason: string }[]).map(
      (i) => `${i.field}:${i.reason}`,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        "post.content.platform[0].options.privacyLevel:invalid_value",
        "post.content.platform[0].options.duet:unknown_field",
        "post.content.platform[1].options.madeForKids:invalid_type",
      ]),
    );
  });

  it("applies the rules to an edit as to a new post", async () => {
    const t = await h.tenant();
    const at = new Date(Date.now() + 3600_000).toISOString();
    const created = await post(t.key, { post: { content: { text: "Fine", platform: [xPrimary] } }, scheduledTime: at });
    expect(created.status).toBe(202);
    const id = created.body.postSubmissionId as string;
    const edit = await request(h.app)
      .patch(`/v1/posts/${id}`)
      .set("soku-api-key", t.key)
      .send({ post: { content: { text: "x".repeat(281) } } });
    expect(edit.status).toBe(400);
    expect(edit.body.error.details.reason).toBe("text_too_long");
  });
});

describe("POST /v1/posts?dryRun=true", () => {
  it("shows per target what would be sent, adjusted or refused, and stores nothing", async () => {
    const t = await h.tenant();
    const body = {
      post: {
        content: {
          text: "t".repeat(600),
          imageUrls: Array.from({ length: 12 }, (_, i) => `${IMG}?n=${i}`),
          platform: [xPrimary, "threads", "youtube"],
        },
      },
      strict: false,
    };
    const res = await post(t.key, body, "?dryRun=true");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, valid: false, strict: false });
    const [x, threads, youtube] = res.body.targets;
    expect(x).toMatchObject({ platform: "x", accountId: "x_primary", runId: "x", outcome: "adjusted" });
    expect(x.content.imageUrls).toHaveLength(4);
    expect(x.adjustments.map((a: { rule: string }) => a.rule).sort()).toEqual(["text_too_long", "too_many_images"]);
    expect(threads).toMatchObject({ outcome: "adjusted" });
    expect(threads.content.text).toHaveLength(500);
    expect(youtube).toMatchObject({
      outcome: "rejected",
      violations: [expect.objectContaining({ rule: "media_type_unsupported" })],
    });
    expect(await h.countSubmissions(t.uid)).toBe(0);

    // The dry run used no idempotency key: the same body posted for real is a new submission.
    const real = await post(t.key, {
      ...body,
      post: { content: { ...body.post.content, platform: [xPrimary, "threads"] } },
    });
    expect(real.status).toBe(202);
    expect(real.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("still refuses malformed bodies and unknown accounts, and a bad dryRun value", async () => {
    const t = await h.tenant();
    const malformed = await post(t.key, { post: { content: { platform: ["x"], txt: "typo" } } }, "?dryRun=true");
    expect(malformed.status).toBe(400);
    const missing = await post(
      t.key,
      { post: { content: { text: "hi", platform: [{ platform: "x", accountId: "nope" }] } } },
      "?dryRun=true",
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("missing_account");
    const badFlag = await post(t.key, { post: { content: { text: "hi", platform: [xPrimary] } } }, "?dryRun=maybe");
    expect(badFlag.status).toBe(400);
    expect(badFlag.body.error.details.field).toBe("dryRun");
    expect(await h.countSubmissions(t.uid)).toBe(0);
  });
});
