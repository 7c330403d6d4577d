import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import sharp from "sharp";
import { purgeExpiredMedia } from "../../src/tasks/media-retention";
import { Harness, TEST_API_URL } from "../support/harness";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

jest.setTimeout(60_000);

// Many requests from one user: generous limits (rate limits have their own tests).
// A database of its own: the retention job takes what is due across every user, a batch at a time.
const h = new Harness({ projectId: `demo-media-uploads-${Date.now()}`, rateLimits: RELAXED_RATE_LIMITS });
const CLIP = readFileSync(path.join(__dirname, "..", "fixtures", "media", "clip.mp4"));
let key: string;
beforeAll(async () => {
  key = (await h.tenant({ keys: [{ mode: "live" }] })).key;
});
afterAll(() => h.close());
afterEach(() => {
  h.offsetMs = 0;
});

interface Session {
  id: string;
  uploadUrl: string;
  state: string;
}

const api = (apiKey = key) => ({
  open: (body: unknown) =>
    request(h.app)
      .post("/v1/media/uploads")
      .set("soku-api-key", apiKey)
      .send(body as object),
  complete: (id: string) => request(h.app).post(`/v1/media/uploads/${id}/complete`).set("soku-api-key", apiKey),
  get: (id: string) => request(h.app).get(`/v1/media/uploads/${id}`).set("soku-api-key", apiKey),
});

async function open(contentType: string, size: number): Promise<Session> {
  const res = await api().open({ contentType, size, fileName: "clip.mp4" });
  expect(res.status).toBe(201);
  return res.body as Session;
}

/** A PUT to the session URL, as a Cloud Storage client sends it. */
function put(session: Session, body: Buffer, contentRange?: string) {
  const req = request(h.app).put(new URL(session.uploadUrl).pathname).set("content-type", "application/octet-stream");
  if (contentRange !== undefined) req.set("content-range", contentRange);
  return req.send(body);
}

const onDisk = (session: Session) =>
  path.join(h.mediaDir, new URL(session.uploadUrl).pathname.slice("/media-uploads/".length));

describe("POST /v1/media/uploads", () => {
  it("opens a resumable session that takes chunks, resumes after a status query and becomes probed media", async () => {
    const total = CLIP.length;
    const res = await api().open({ contentType: "video/mp4", size: total, fileName: "clip.mp4" });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/media/uploads/${res.body.id as string}`);
    expect(res.body).toMatchObject({
      state: "open",
      contentType: "video/mp4",
      size: total,
      fileName: "clip.mp4",
      method: "PUT",
      uploadUrl: expect.stringMatching(/^https:\/\/api\.postcast\.test\/media-uploads\/uploads\/.+/),
      completeUrl: `${TEST_API_URL}/v1/media/uploads/${res.body.id as string}/complete`,
    });
    const session = res.body as Session;

    // Nothing stored yet.
    const empty = await put(session, Buffer.alloc(0), `bytes */${total}`);
    expect(empty.status).toBe(308);
    expect(empty.headers.range).toBeUndefined();

    const first = await put(session, CLIP.subarray(0, 5000), `bytes 0-4999/*`);
    expect(first.status).toBe(308);
    expect(first.headers.range).toBe("bytes=0-4999");

    // The client lost the answer and asks what is stored, then resends an overlapping chunk.
    const status = await put(session, Buffer.alloc(0), `bytes */${total}`);
    expect(status.headers.range).toBe("bytes=0-4999");
    const overlap = await put(session, CLIP.subarray(4000, 9000), `bytes 4000-8999/${total}`);
    expect(overlap.status).toBe(308);
    expect(overlap.headers.range).toBe("bytes=0-8999");

    // Completing now is refused: bytes are missing.
    const early = await api().complete(session.id);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: "conflict", details: { status: "uploading" } });

    const last = await put(session, CLIP.subarray(9000), `bytes 9000-${total - 1}/${total}`);
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ size: total, contentType: "video/mp4" });

    const done = await api().complete(session.id);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      id: session.id,
      contentType: "video/mp4",
      size: total,
      width: 320,
      height: 568,
      durationSeconds: 2,
    });
    const served = await request(h.app)
      .get(new URL(done.body.url as string).pathname)
      .buffer(true);
    expect(Buffer.compare(served.body as Buffer, CLIP)).toBe(0);
    expect((await request(h.app).get(`/v1/media/${session.id}`).set("soku-api-key", key)).body).toEqual(done.body);

    // Completing again answers the same media; the session shows it and no longer its URL.
    const again = await api().complete(session.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(done.body);
    const shown = await api().get(session.id);
    expect(shown.body).toMatchObject({ state: "completed", mediaId: session.id });
    expect(shown.body).not.toHaveProperty("uploadUrl");
    // The session's own copy is gone (the media has its own path), and its URL takes no more bytes.
    expect(existsSync(onDisk(session))).toBe(false);
    expect(
      (await request(h.app).get(new URL(session.uploadUrl).pathname.replace("/media-uploads/", "/media-files/")))
        .status,
    ).toBe(404);
  });

  it("takes the whole file in one PUT without Content-Range; the bytes decide the type", async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 4, background: "#f00" } })
      .png()
      .toBuffer();
    const session = await open("image/jpeg", png.length);
    expect((await put(session, png)).status).toBe(200);
    const done = await api().complete(session.id);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ contentType: "image/png", width: 300, height: 200, size: png.length });
  });

  it("refuses bytes beyond the declared size, a different total and a gap, keeping what was stored", async () => {
    const session = await open("video/mp4", 6000);
    const over = await put(session, CLIP.subarray(0, 7000), "bytes 0-6999/7000");
    expect(over.status).toBe(400);
    const beyond = await put(session, CLIP.subarray(0, 7000), "bytes 0-6999/*");
    expect(beyond.status).toBe(400);
    const gap = await put(session, CLIP.subarray(100, 200), "bytes 100-199/6000");
    expect(gap.status).toBe(400);
    const garbled = await put(session, CLIP.subarray(0, 10), "bytes=0-9");
    expect(garbled.status).toBe(400);
    const short = await put(session, CLIP.subarray(0, 50), "bytes 0-99/6000");
    expect(short.status).toBe(400);
    // The 50 bytes that did arrive are kept, as Cloud Storage keeps what it received.
    const status = await put(session, Buffer.alloc(0), "bytes */6000");
    expect(status.status).toBe(308);
    expect(status.headers.range).toBe("bytes=0-49");
  });

  it("refuses bytes that are not an accepted type at completion, and says so again on a retry", async () => {
    const html = Buffer.from("<!doctype html><html><body>not a video</body></html>");
    const session = await open("video/mp4", html.length);
    expect((await put(session, html)).status).toBe(200);
    const refused = await api().complete(session.id);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "upload_failed", details: { reason: "unsupported_type" } });
    const retried = await api().complete(session.id);
    expect(retried.status).toBe(400);
    expect(retried.body.error.details.reason).toBe("unsupported_type");
    expect((await api().get(session.id)).body).toMatchObject({
      state: "failed",
      failure: { reason: "unsupported_type" },
    });
    expect(existsSync(onDisk(session))).toBe(false);
    expect((await request(h.app).get(`/v1/media/${session.id}`).set("soku-api-key", key)).status).toBe(404);
  });

  it.each([
    [{ size: 10 }, "validation_error", "contentType"],
    [{ contentType: "video/mp4" }, "validation_error", "size"],
    [{ contentType: "video/mp4", size: -1 }, "validation_error", "size"],
    [{ contentType: "video/mp4", size: 10, extra: 1 }, "validation_error", "extra"],
  ])("refuses a malformed session request %j", async (body, code, field) => {
    const res = await api().open(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, details: { field } });
  });

  it.each([
    [{ contentType: "text/html", size: 10 }, "unsupported_type"],
    [{ contentType: "application/pdf", size: 10 }, "unsupported_type"],
    [{ contentType: "image/png", size: 50 * 1024 * 1024 + 1 }, "too_large"],
    [{ contentType: "video/quicktime", size: 500 * 1024 * 1024 + 1 }, "too_large"],
  ])("refuses a session for %j with upload_failed", async (body, reason) => {
    const res = await api().open(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "upload_failed", details: { reason } });
  });

  it("keeps sessions to their owner", async () => {
    const session = await open("video/mp4", CLIP.length);
    const other = (await h.tenant({ keys: [{ mode: "live" }] })).key;
    expect((await api(other).get(session.id)).status).toBe(404);
    expect((await api(other).complete(session.id)).status).toBe(404);
    expect((await api().complete("no-such-upload")).status).toBe(404);
  });

  it("expires a session not completed in 24 hours; the retention job deletes its bytes and closes its URL", async () => {
    const session = await open("video/mp4", CLIP.length);
    expect((await put(session, CLIP.subarray(0, 1000), `bytes 0-999/${CLIP.length}`)).status).toBe(308);
    h.offsetMs = 25 * 3600_000;
    const late = await api().complete(session.id);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: "conflict", details: { status: "expired" } });
    expect((await put(session, CLIP.subarray(1000), `bytes 1000-${CLIP.length - 1}/${CLIP.length}`)).status).toBe(410);

    await purgeExpiredMedia({
      records: h.deps.media.records,
      uploads: h.deps.media.uploads,
      store: h.deps.media.store,
      pendingPostsUsing: h.deps.media.pendingPostsUsing,
      clock: h.clock,
    });
    expect(existsSync(`${onDisk(session)}.part`)).toBe(false);
    expect((await put(session, Buffer.alloc(0), `bytes */${CLIP.length}`)).status).toBe(404);
  });

  it("lets a post use the uploaded media by id", async () => {
    const t = await h.tenant({ keys: [{ mode: "live" }] });
    const res = await api(t.key).open({ contentType: "video/mp4", size: CLIP.length });
    const session = res.body as Session;
    expect((await put(session, CLIP)).status).toBe(200);
    const media = await api(t.key).complete(session.id);
    expect(media.status).toBe(201);
    const created = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({ post: { content: { text: "uploaded", platform: ["tiktok"], mediaIds: [session.id] } } });
    expect(created.status).toBe(202);
    const stored = (await h.db.doc(`postSubmissions/${created.body.postSubmissionId as string}`).get()).data()!;
    expect(stored.request.post.content).toMatchObject({ mediaType: "video", videoUrl: media.body.url });
    expect(stored.mediaIds).toEqual([session.id]);
  });
});
