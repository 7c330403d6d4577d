import { AppError } from "../../../src/domain/errors";
import { parsePostRequest } from "../../../src/domain/post-request";

const now = new Date("2026-03-01T12:00:00Z");
const ctx = { now, mode: "test" as const };

function reject(body: unknown, mode: "live" | "test" = "test") {
  try {
    parsePostRequest(body, { now, mode });
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe("validation_error");
    return e.details as { field: string; reason: string; issues: { field: string; reason: string }[] };
  }
  throw new Error("expected a validation_error");
}

const post = (content: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  post: { content },
  ...extra,
});

describe("parsePostRequest", () => {
  it("accepts a string, an array and mixed targets, normalizing names and the twitter alias", () => {
    expect(parsePostRequest(post({ text: "hi", platform: "X" }), ctx).post.content.platform).toEqual([
      { platform: "x", accountId: null },
    ]);
    const mixed = parsePostRequest(
      post({ text: "hi", platform: [{ platform: "Twitter", accountId: "a1" }, "threads"] }),
      ctx,
    );
    expect(mixed.post.content.platform).toEqual([
      { platform: "x", accountId: "a1" },
      { platform: "threads", accountId: null },
    ]);
    expect(mixed.post.content.mediaType).toBe("text");
    expect(mixed.scheduledTime).toBeNull();
  });

  it("requires text for a text post, with Soku's field and reason", () => {
    const d = reject(post({ platform: ["x"] }));
    expect(d.field).toBe("post.content.text");
    expect(d.reason).toBe("required");
  });

  it("rejects unknown fields at every level, naming them", () => {
    expect(reject(post({ text: "a", platform: "x", imageUrl: "https://a.b/c.jpg" })).field).toBe(
      "post.content.imageUrl",
    );
    expect(reject({ ...post({ text: "a", platform: "x" }), extra: 1 }).field).toBe("extra");
    const d = reject(post({ text: "a", platform: [{ platform: "x", accountid: "a" }] }));
    expect(d.issues.map((i) => i.field)).toContain("post.content.platform[0].accountid");
  });

  it("reports an unknown platform at its index and an empty platform array", () => {
    const d = reject(post({ text: "a", platform: ["x", "myspace"] }));
    expect(d.field).toBe("post.content.platform[1]");
    expect(d.reason).toBe("unsupported_platform");
    expect(reject(post({ text: "a", platform: [] })).field).toBe("post.content.platform");
  });

  it("lists every problem found, not only the first", () => {
    const d = reject(post({ platform: ["nope"], videoUrl: "ftp://x" }, { scheduledTime: "tomorrow" }));
    expect(d.issues.length).toBeGreaterThanOrEqual(2);
  });

  it("infers the media type and checks it against an explicit one", () => {
    const img = parsePostRequest(
      post({ platform: "instagram", mediaUrls: ["https://cdn.test/a.jpg", "https://cdn.test/b.png"] }),
      ctx,
    );
    expect(img.post.content).toMatchObject({
      mediaType: "image",
      imageUrls: ["https://cdn.test/a.jpg", "https://cdn.test/b.png"],
      videoUrl: null,
    });
    const vid = parsePostRequest(post({ platform: "tiktok", mediaUrls: ["https://cdn.test/v.MP4?sig=1"] }), ctx);
    expect(vid.post.content).toMatchObject({
      mediaType: "video",
      videoUrl: "https://cdn.test/v.MP4?sig=1",
      imageUrls: [],
    });
    const declared = parsePostRequest(
      post({ platform: "tiktok", mediaType: "video", mediaUrls: ["https://cdn.test/stream"] }),
      ctx,
    );
    expect(declared.post.content.videoUrl).toBe("https://cdn.test/stream");

    expect(reject(post({ platform: "x", mediaType: "image" })).reason).toBe("required");
    expect(reject(post({ platform: "x", mediaType: "video", imageUrls: ["https://a.b/c.jpg"] })).field).toBe(
      "post.content.videoUrl",
    );
    expect(reject(post({ platform: "x", mediaType: "text", text: "a", imageUrls: ["https://a.b/c.jpg"] })).reason).toBe(
      "inconsistent",
    );
    expect(
      reject(post({ platform: "x", videoUrl: "https://a.b/v.mp4", imageUrls: ["https://a.b/c.jpg"] })).reason,
    ).toBe("inconsistent");
    expect(reject(post({ platform: "x", mediaUrls: ["https://a.b/v.mp4", "https://a.b/c.jpg"] })).reason).toBe(
      "inconsistent",
    );
  });

  it("accepts only absolute http(s) URLs", () => {
    for (const url of ["ftp://a.b/c.jpg", "/relative.jpg", "javascript:alert(1)", "https://"]) {
      expect(reject(post({ platform: "x", imageUrls: [url] })).reason).toBe("invalid_url");
    }
  });

  it("applies the scheduledTime rules: zone required, real date, at least 60 s ahead", () => {
    expect(reject(post({ text: "a", platform: "x" }, { scheduledTime: "2026-03-01T13:00:30+01:00" })).reason).toBe(
      "too_soon",
    );
    expect(
      parsePostRequest(post({ text: "a", platform: "x" }, { scheduledTime: "2026-03-01T14:00:00+01:00" }), ctx)
        .scheduledTime,
    ).toBe("2026-03-01T13:00:00.000Z");
    expect(reject(post({ text: "a", platform: "x" }, { scheduledTime: "2026-03-02T09:00:00" })).reason).toBe(
      "invalid_format",
    );
    expect(reject(post({ text: "a", platform: "x" }, { scheduledTime: "2026-02-30T09:00:00Z" })).reason).toBe(
      "invalid_format",
    );
    expect(reject(post({ text: "a", platform: "x" }, { scheduledTime: "2026-03-01T12:00:30Z" })).reason).toBe(
      "too_soon",
    );
    expect(parsePostRequest(post({ text: "a", platform: "x" }, { scheduledTime: null }), ctx).scheduledTime).toBeNull();
  });

  it("accepts trial_reel and enableRepurposing=false; refuses enableRepurposing=true", () => {
    const ok = parsePostRequest(
      post({ platform: "instagram", videoUrl: "https://a.b/v.mp4" }, { trial_reel: true, enableRepurposing: false }),
      ctx,
    );
    expect(ok.trial_reel).toBe(true);
    expect(reject(post({ text: "a", platform: "x" }, { enableRepurposing: true })).reason).toBe("unsupported");
  });

  it("takes sandbox outcomes from test keys only", () => {
    const body = post({ text: "a", platform: "x" }, { sandbox: { outcomes: { x: "fail" } } });
    expect(parsePostRequest(body, ctx).sandbox).toEqual({ outcomes: { x: "fail" } });
    expect(reject(body, "live").field).toBe("sandbox");
    expect(reject(post({ text: "a", platform: "x" }, { sandbox: { outcomes: { x: "explode" } } })).field).toBe(
      "sandbox.outcomes.x",
    );
  });

  it("refuses the same account named twice", () => {
    const d = reject(
      post({
        text: "a",
        platform: [
          { platform: "x", accountId: "a" },
          { platform: "twitter", accountId: "a" },
        ],
      }),
    );
    expect(d).toMatchObject({ field: "post.content.platform[1]", reason: "duplicate" });
  });

  it("rejects bodies of the wrong shape with a 400, never a crash", () => {
    for (const body of [
      null,
      [],
      "text",
      42,
      { post: null },
      { post: { content: [] } },
      { post: { content: { platform: 5 } } },
    ]) {
      expect(reject(body).reason).toBeDefined();
    }
  });
});
