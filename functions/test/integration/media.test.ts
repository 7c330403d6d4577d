import { internalUrls } from "../support/internal-urls";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import sharp from "sharp";
import { purgeExpiredMedia } from "../../src/tasks/media-retention";
import { Harness } from "../support/harness";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";
import { MediaOrigin } from "../support/media-origin";

jest.setTimeout(60_000);

// Many requests from one user: generous limits (rate limits have their own tests).
// A database of its own: the retention job takes what is due across every user, a batch at a time,
// so other files' media in a shared database could fill the batch this file's tests look for.
const h = new Harness({ projectId: `demo-media-${Date.now()}`, rateLimits: RELAXED_RATE_LIMITS });
const origin = new MediaOrigin();
let key: string;
beforeAll(async () => {
  await origin.start();
  key = (await h.tenant({ keys: [{ mode: "live" }] })).key;
});
afterAll(async () => {
  await origin.stop();
  await h.close();
});
afterEach(() => {
  h.offsetMs = 0;
  h.media.fetchOptions.loopbackOrigins = "any";
  h.media.fetchOptions.totalTimeoutMs = 15 * 60_000;
});

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );

const post = (body: unknown, headers: Record<string, string> = {}) =>
  request(h.app)
    .post("/v1/media")
    .set("soku-api-key", key)
    .set(headers)
    .send(body as object);

async function refused(url: string) {
  const res = await post({ url });
  expect({ url, status: res.status, code: res.body.error?.code }).toEqual({ url, status: 400, code: "upload_failed" });
  return (res.body.error as { details: { reason: string } }).details.reason;
}

describe("POST /v1/media", () => {
  it.each([
    ["photo.jpg", "image/jpeg", { width: 640, height: 480 }],
    ["logo.png", "image/png", { width: 640, height: 480 }],
    ["anim.gif", "image/gif", { width: 640, height: 480 }],
    ["photo.webp", "image/webp", { width: 640, height: 480 }],
    ["clip.mp4", "video/mp4", { width: 320, height: 568, durationSeconds: 2 }],
    ["clip.mov", "video/quicktime", { width: 320, height: 240, durationSeconds: 1.533 }],
    ["clip.webm", "video/webm", { width: 256, height: 256, durationSeconds: 1 }],
    ["clip.mkv", "video/x-matroska", { width: 256, height: 144, durationSeconds: 1 }],
  ])("rehosts %s as %s, with its probed facts", async (name, contentType, facts) => {
    // The server lies about the type: the bytes decide.
    const res = await post({ url: `${origin.url}/files/${name}?as=text/plain` });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), contentType, size: expect.any(Number), ...facts });
    if (contentType.startsWith("image/")) expect(res.body).not.toHaveProperty("durationSeconds");
    const stored = await request(h.app).get(new URL(res.body.url as string).pathname);
    expect(stored.status).toBe(200);
    expect(Number(stored.headers["content-length"])).toBe(res.body.size);

    const got = await request(h.app)
      .get(`/v1/media/${res.body.id as string}`)
      .set("soku-api-key", key);
    // The same media; only POST's answer says whether it was a replay.
    expect(got.body).toEqual({ ...res.body, replayed: undefined });
  });

  it("is idempotent: the same body (or Idempotency-Key) gets the same media without a second download", async () => {
    const url = `${origin.url}/files/photo.webp?run=${Date.now()}`;
    const first = await post({ url });
    const again = await post({ url });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    // A replay says so, in the body and the header, as POST /v1/posts does.
    expect([first.body.replayed, again.body.replayed]).toEqual([false, true]);
    expect([first.headers["idempotent-replayed"], again.headers["idempotent-replayed"]]).toEqual([undefined, "true"]);
    expect(origin.hits.get("/files/photo.webp")).toBeGreaterThanOrEqual(1);
    const before = origin.hits.get("/files/photo.webp");
    const idempotencyKey = `k-${Date.now()}`;
    await post({ url: `${origin.url}/files/photo.jpg` }, { "Idempotency-Key": idempotencyKey });
    const conflict = await post({ url: `${origin.url}/files/anim.gif` }, { "Idempotency-Key": idempotencyKey });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("idempotency_conflict");
    expect(origin.hits.get("/files/photo.webp")).toBe(before);
  });

  it("refuses bodies that are not an accepted type, whatever the headers say", async () => {
    expect(await refused(`${origin.url}/page.html`)).toBe("unsupported_type");
    expect(await refused(`${origin.url}/document.pdf`)).toBe("unsupported_type");
  });

  it("refuses oversize bodies, declared or not, and keeps nothing of them", async () => {
    expect(await refused(`${origin.url}/big/image?bytes=${51 * 1024 * 1024}`)).toBe("too_large");
    expect(await refused(`${origin.url}/big/image?bytes=${51 * 1024 * 1024}&length=no`)).toBe("too_large");
    expect(await refused(`${origin.url}/big/video?bytes=${501 * 1024 * 1024}`)).toBe("too_large");
    const largest = Math.max(0, ...filesUnder(h.mediaDir).map((f) => statSync(f).size));
    expect(largest).toBeLessThan(1024 * 1024);
  });

  it("reports HTTP errors, unreachable hosts and timeouts", async () => {
    expect(await refused(`${origin.url}/status/404`)).toBe("http_error");
    expect(await refused(`${origin.url}/status/500`)).toBe("http_error");
    expect(await refused("http://127.0.0.1:1/nothing-listens-here.jpg")).toBe("unreachable");
    expect(await refused("ftp://example.com/file.jpg")).toBe("unreachable");
    h.media.fetchOptions.totalTimeoutMs = 500;
    expect(await refused(`${origin.url}/slow`)).toBe("timeout");
  });

  it("follows at most 5 redirects", async () => {
    expect((await post({ url: `${origin.url}/hops/4` })).status).toBe(201);
    expect(await refused(`${origin.url}/hops/6`)).toBe("unreachable");
  });

  it("validates the body", async () => {
    const missing = await post({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("validation_error");
    expect((await post({ url: "x", extra: 1 })).status).toBe(400);
  });
});

describe("media lifetime", () => {
  const retention = () => ({
    records: h.deps.media.records,
    uploads: h.deps.media.uploads,
    store: h.deps.media.store,
    pendingPostsUsing: h.deps.media.pendingPostsUsing,
    clock: h.clock,
  });

  it("cannot be deleted while a scheduled post uses it; can once it is canceled; retention keeps it until then", async () => {
    const t = await h.tenant({ keys: [{ mode: "live" }] });
    const media = await request(h.app)
      .post("/v1/media")
      .set("soku-api-key", t.key)
      .send({ url: `${origin.url}/files/clip.mp4?lifetime=${Date.now()}` });
    expect(media.status).toBe(201);
    const id = media.body.id as string;
    const scheduled = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({
        post: { content: { text: "uses our copy", videoUrl: media.body.url as string, platform: ["tiktok"] } },
        scheduledTime: new Date(Date.now() + 3600_000).toISOString(),
      });
    expect(scheduled.status).toBe(202);

    const refusedDelete = await request(h.app).delete(`/v1/media/${id}`).set("soku-api-key", t.key);
    expect(refusedDelete.status).toBe(409);
    expect(refusedDelete.body.error.details.postSubmissionIds).toEqual([scheduled.body.postSubmissionId]);

    // Past its retention, the job keeps it while the post is pending.
    h.offsetMs = 91 * 24 * 3600_000;
    const kept = await purgeExpiredMedia(retention());
    expect(kept.kept).toBeGreaterThanOrEqual(1);
    expect((await request(h.app).get(`/v1/media/${id}`).set("soku-api-key", t.key)).status).toBe(200);
    h.offsetMs = 0;

    const cancel = await request(h.app)
      .delete(`/v1/posts/${scheduled.body.postSubmissionId as string}`)
      .set("soku-api-key", t.key);
    expect(cancel.status).toBe(200);
    h.offsetMs = 93 * 24 * 3600_000;
    await purgeExpiredMedia(retention());
    h.offsetMs = 0;
    expect((await request(h.app).get(`/v1/media/${id}`).set("soku-api-key", t.key)).status).toBe(404);
    expect((await request(h.app).get(new URL(media.body.url as string).pathname)).status).toBe(404);
  });

  it("DELETE removes the file and the record; another user's media reads as missing", async () => {
    const media = await post({ url: `${origin.url}/files/photo.jpg?delete=${Date.now()}` });
    const other = await h.tenant({ keys: [{ mode: "live" }] });
    expect(
      (
        await request(h.app)
          .get(`/v1/media/${media.body.id as string}`)
          .set("soku-api-key", other.key)
      ).status,
    ).toBe(404);
    expect(
      (
        await request(h.app)
          .delete(`/v1/media/${media.body.id as string}`)
          .set("soku-api-key", other.key)
      ).status,
    ).toBe(404);
    const gone = await request(h.app)
      .delete(`/v1/media/${media.body.id as string}`)
      .set("soku-api-key", key);
    expect(gone.status).toBe(200);
    expect((await request(h.app).get(new URL(media.body.url as string).pathname)).status).toBe(404);
    expect(
      (
        await request(h.app)
          .get(`/v1/media/${media.body.id as string}`)
          .set("soku-api-key", key)
      ).status,
    ).toBe(404);
  });
});

describe("posts that use stored media", () => {
  const submit = (k: string, content: object, query = "") =>
    request(h.app).post(`/v1/posts${query}`).set("soku-api-key", k).send({ post: { content } });

  it("converts a PNG to JPEG once (transparency filled white) when a target takes only JPEG, and every target gets the copy", async () => {
    const t = await h.tenant({ keys: [{ mode: "live" }] });
    const png = await request(h.app)
      .post("/v1/media")
      .set("soku-api-key", t.key)
      .send({ url: `${origin.url}/files/logo.png?convert=${Date.now()}` });
    expect(png.body.contentType).toBe("image/png");
    const targets = ["instagram", { platform: "x", accountId: "x_primary" }, "threads"];
    const first = await submit(t.key, { text: "logo", imageUrls: [png.body.url], platform: targets });
    expect(first.status).toBe(202);
    const stored = (await h.db.doc(`postSubmissions/${first.body.postSubmissionId as string}`).get()).data()!;
    const copyUrl = (stored.request as { post: { content: { imageUrls: string[] } } }).post.content.imageUrls[0]!;
    expect(copyUrl).not.toBe(png.body.url);
    expect(stored.mediaIds).toEqual([png.body.id]);
    const copy = await request(h.app).get(new URL(copyUrl).pathname).buffer(true);
    const meta = await sharp(copy.body as Buffer).metadata();
    expect(meta).toMatchObject({ format: "jpeg", width: 640, height: 480 });
    const [r, g, b] = (
      await sharp(copy.body as Buffer)
        .raw()
        .toBuffer()
    ).subarray(0, 3);
    // 50 % red over white, not over black.
    expect(r!).toBeGreaterThan(200);
    expect(g!).toBeGreaterThan(120);
    expect(b!).toBeGreaterThan(120);

    const second = await submit(t.key, { text: "logo again", imageUrls: [png.body.url], platform: ["instagram"] });
    const again = (await h.db.doc(`postSubmissions/${second.body.postSubmissionId as string}`).get()).data()!;
    expect((again.request as { post: { content: { imageUrls: string[] } } }).post.content.imageUrls[0]).toBe(copyUrl);
  });

  it("takes media by id (post.content.mediaIds) and refuses ids that are not the user's", async () => {
    const t = await h.tenant({ keys: [{ mode: "live" }] });
    const photo = await request(h.app)
      .post("/v1/media")
      .set("soku-api-key", t.key)
      .send({ url: `${origin.url}/files/photo.jpg?ids=${Date.now()}` });
    const res = await submit(t.key, { text: "by id", mediaIds: [photo.body.id], platform: ["threads"] });
    expect(res.status).toBe(202);
    const stored = (await h.db.doc(`postSubmissions/${res.body.postSubmissionId as string}`).get()).data()!;
    expect(stored.request.post.content).toMatchObject({ mediaType: "image", imageUrls: [photo.body.url] });
    expect(stored.mediaIds).toEqual([photo.body.id]);

    const stranger = await h.tenant({ keys: [{ mode: "live" }] });
    const foreign = await submit(stranger.key, { text: "not mine", mediaIds: [photo.body.id], platform: ["threads"] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details).toMatchObject({ field: "post.content.mediaIds[0]", reason: "not_found" });
    const bad = await submit(t.key, { text: "bad", mediaIds: "nope", platform: ["threads"] });
    expect(bad.status).toBe(400);
    expect(await h.countSubmissions(stranger.uid)).toBe(0);
  });

  it("checks probed duration, size, format and aspect against each target's platform at create time", async () => {
    const t = await h.tenant({ keys: [{ mode: "live" }] });
    const clip = await request(h.app)
      .post("/v1/media")
      .set("soku-api-key", t.key)
      .send({ url: `${origin.url}/files/clip.mp4?rules=${Date.now()}` });
    // A 2-second video: Snapchat takes 5 to 60 s; Instagram reels at least 3 s; YouTube is fine.
    const res = await submit(t.key, {
      text: "short",
      videoUrl: clip.body.url,
      platform: ["snapchat", "instagram", "youtube"],
    });
    expect(res.status).toBe(400);
    const issues = res.body.error.details.issues as { field: string; reason: string; platform: string }[];
    expect(issues.map((i) => [i.platform, i.reason])).toEqual([
      ["snapchat", "video_duration"],
      ["instagram", "video_duration"],
    ]);
    expect(issues[0]!.field).toBe("post.content.platform[0]");
    expect(await h.countSubmissions(t.uid)).toBe(0);

    // A GIF for a platform that takes only JPEG cannot be converted (it may be animated).
    const gif = await request(h.app)
      .post("/v1/media")
      .set("soku-api-key", t.key)
      .send({ url: `${origin.url}/files/anim.gif?rules=${Date.now()}` });
    const dry = await submit(
      t.key,
      { text: "gif", imageUrls: [gif.body.url], platform: ["instagram", { platform: "x", accountId: "x_primary" }] },
      "?dryRun=true",
    );
    expect(dry.status).toBe(200);
    expect(dry.body.targets.map((x: { outcome: string }) => x.outcome)).toEqual(["rejected", "send"]);
    expect(dry.body.targets[0].violations[0].rule).toBe("image_format");
  });
});

describe("SSRF: Postcast never fetches an internal address", () => {
  const port = () => origin.port;
  it.each(internalUrls(port))("%s", async (_what, url) => {
    h.media.fetchOptions.loopbackOrigins = [];
    expect(await refused(url())).toBe("blocked_address");
    expect(origin.hits.get("/canary.jpg") ?? 0).toBe(0);
  });

  it.each([
    ["metadata", "http://169.254.169.254/computeMetadata/v1/"],
    ["private", "http://10.1.2.3/a.jpg"],
    ["a decimal private address", "http://167772161/a.jpg"],
    ["IPv4-mapped IPv6 private", "http://[::ffff:192.168.0.1]/a.jpg"],
  ])("a redirect into %s is refused", async (_what, to) => {
    // The origin itself is on loopback (allowed here, as in tests); where it redirects is checked.
    expect(await refused(`${origin.url}/redirect?to=${encodeURIComponent(to)}`)).toBe("blocked_address");
  });
});
