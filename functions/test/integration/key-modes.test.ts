import { readFileSync } from "node:fs";
import path from "node:path";
import { FieldValue, type DocumentReference } from "firebase-admin/firestore";
import request from "supertest";
import { Harness } from "../support/harness";
import { MediaOrigin } from "../support/media-origin";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

jest.setTimeout(60_000);

/**
 * Test and live keys are two worlds (docs/api.md, "Authentication"): a key sees and changes only the
 * posts, media and uploads made with keys of its own mode; the others are 404 and stay as they were.
 */
const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
const origin = new MediaOrigin();
const CLIP = readFileSync(path.join(__dirname, "..", "fixtures", "media", "clip.mp4"));
beforeAll(() => origin.start());
afterAll(async () => {
  await origin.stop();
  await h.close();
});

/** A tenant with one key of each mode (every platform connected; threads has one account). */
async function twoWorlds() {
  const t = await h.tenant({ keys: [{ mode: "live" }, { mode: "test" }] });
  return { uid: t.uid, live: t.keys[0]!, test: t.keys[1]! };
}

const api = (key: string) => ({
  post: (body: unknown, headers: Record<string, string> = {}) =>
    request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", key)
      .set(headers)
      .send(body as object),
  get: (id: string) => request(h.app).get(`/v1/posts/${id}`).set("soku-api-key", key),
  list: (query = "") => request(h.app).get(`/v1/posts${query}`).set("soku-api-key", key),
  patch: (id: string, body: unknown) =>
    request(h.app)
      .patch(`/v1/posts/${id}`)
      .set("soku-api-key", key)
      .send(body as object),
  cancel: (id: string) => request(h.app).delete(`/v1/posts/${id}`).set("soku-api-key", key),
  publishNow: (id: string) => request(h.app).post(`/v1/posts/${id}/publish-now`).set("soku-api-key", key),
  media: (body: unknown, headers: Record<string, string> = {}) =>
    request(h.app)
      .post("/v1/media")
      .set("soku-api-key", key)
      .set(headers)
      .send(body as object),
  getMedia: (id: string) => request(h.app).get(`/v1/media/${id}`).set("soku-api-key", key),
  deleteMedia: (id: string) => request(h.app).delete(`/v1/media/${id}`).set("soku-api-key", key),
  openUpload: (body: unknown) =>
    request(h.app)
      .post("/v1/media/uploads")
      .set("soku-api-key", key)
      .send(body as object),
  getUpload: (id: string) => request(h.app).get(`/v1/media/uploads/${id}`).set("soku-api-key", key),
  completeUpload: (id: string) => request(h.app).post(`/v1/media/uploads/${id}/complete`).set("soku-api-key", key),
  accounts: () => request(h.app).get("/v1/accounts").set("soku-api-key", key),
});

const inAnHour = () => new Date(h.clock().getTime() + 3600_000).toISOString();
const scheduled = (text: string) => ({
  post: { content: { text, platform: ["threads"] } },
  scheduledTime: inAnHour(),
});

/** A document as it is now: its fields and the time of its last write. */
async function state(ref: DocumentReference) {
  const snap = await ref.get();
  return { exists: snap.exists, data: snap.data(), updateTime: snap.updateTime?.toMillis() ?? null };
}

function expectNotFound(res: request.Response) {
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 404, code: "not_found" });
}

describe("test and live keys are separate worlds", () => {
  it("a key cannot read, list, edit, cancel or publish now a post of the other mode (404), and the post stays as it was", async () => {
    const w = await twoWorlds();
    const livePost = (await api(w.live).post(scheduled("live post"))).body.postSubmissionId as string;
    const testPost = (await api(w.test).post(scheduled("test post"))).body.postSubmissionId as string;
    expect(livePost).toEqual(expect.any(String));
    expect(testPost).toEqual(expect.any(String));

    for (const [key, id] of [
      [w.test, livePost],
      [w.live, testPost],
    ] as const) {
      const ref = h.db.collection("postSubmissions").doc(id);
      const before = await state(ref);
      expectNotFound(await api(key).get(id));
      expectNotFound(await api(key).patch(id, { post: { content: { text: "rewritten" } } }));
      expectNotFound(await api(key).publishNow(id));
      expectNotFound(await api(key).cancel(id));
      expect(await state(ref)).toEqual(before);
      expect(before.data).toMatchObject({ status: "scheduled" });
    }
    // Each key still reaches its own post.
    expect((await api(w.live).get(livePost)).body).toMatchObject({ postSubmissionId: livePost, mode: "live" });
    expect((await api(w.test).get(testPost)).body).toMatchObject({ postSubmissionId: testPost, mode: "test" });
  });

  it("lists only the posts of the key's mode, whatever the filters", async () => {
    const w = await twoWorlds();
    const live = (await api(w.live).post(scheduled("listed live"))).body.postSubmissionId as string;
    const test = (await api(w.test).post(scheduled("listed test"))).body.postSubmissionId as string;
    for (const query of ["", "?status=scheduled", "?platform=threads", "?status=scheduled,queued&platform=threads"]) {
      const ids = (key: string) =>
        api(key)
          .list(query)
          .then((res) => {
            expect(res.status).toBe(200);
            return (res.body.data as { postSubmissionId: string }[]).map((p) => p.postSubmissionId);
          });
      expect({ query, live: await ids(w.live), test: await ids(w.test) }).toEqual({
        query,
        live: [live],
        test: [test],
      });
    }
  });

  it("keeps idempotency apart: the same Idempotency-Key or body with a test and a live key are two requests", async () => {
    const w = await twoWorlds();
    const body = scheduled("same body, both worlds");
    const test = await api(w.test).post(body, { "Idempotency-Key": "deploy-42" });
    const keyRecords = h.db.collection("users").doc(w.uid).collection("idempotencyKeys");
    const testRecord = (await keyRecords.get()).docs.map((d) => d.ref);
    expect(testRecord).toHaveLength(1);
    const before = await state(testRecord[0]!);

    const live = await api(w.live).post(body, { "Idempotency-Key": "deploy-42" });
    expect([test.status, live.status]).toEqual([202, 202]);
    expect(live.headers["idempotent-replayed"]).toBeUndefined();
    expect(live.body.postSubmissionId).not.toBe(test.body.postSubmissionId);
    expect(await state(testRecord[0]!)).toEqual(before);

    // Each replays in its own world only.
    const again = await api(w.test).post(body, { "Idempotency-Key": "deploy-42" });
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.postSubmissionId).toBe(test.body.postSubmissionId);
    const liveAgain = await api(w.live).post(body, { "Idempotency-Key": "deploy-42" });
    expect(liveAgain.body.postSubmissionId).toBe(live.body.postSubmissionId);

    // Without the header too (the key derived from the body).
    const plain = scheduled("derived key, both worlds");
    const a = await api(w.test).post(plain);
    const b = await api(w.live).post(plain);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.postSubmissionId).not.toBe(a.body.postSubmissionId);

    // And a different body under the same key in the other world is no conflict.
    const other = await api(w.test).post(scheduled("another body"), { "Idempotency-Key": "only-live-so-far" });
    const otherLive = await api(w.live).post(scheduled("yet another"), { "Idempotency-Key": "only-live-so-far" });
    expect([other.status, otherLive.status]).toEqual([202, 202]);
  });

  it("media: the other mode's is 404 to read and delete, and a post may not use it (400 naming it)", async () => {
    const w = await twoWorlds();
    const made = {
      live: (await api(w.live).media({ url: `${origin.url}/files/photo.jpg?w=live` })).body as {
        id: string;
        url: string;
      },
      test: (await api(w.test).media({ url: `${origin.url}/files/photo.jpg?w=test` })).body as {
        id: string;
        url: string;
      },
    };
    expect(made.live.id).toEqual(expect.any(String));
    expect(made.test.id).toEqual(expect.any(String));

    for (const [key, media, mediaMode] of [
      [w.test, made.live, "live"],
      [w.live, made.test, "test"],
    ] as const) {
      const ref = h.db.collection("users").doc(w.uid).collection("media").doc(media.id);
      const before = await state(ref);
      expect(before.data).toMatchObject({ mode: mediaMode });
      expectNotFound(await api(key).getMedia(media.id));
      expectNotFound(await api(key).deleteMedia(media.id));

      const byId = await api(key).post({
        post: { content: { text: "x", mediaIds: [media.id], platform: ["threads"] } },
      });
      expect(byId.status).toBe(400);
      expect(byId.body.error.details).toMatchObject({ field: "post.content.mediaIds[0]", reason: "not_found" });

      const byUrl = await api(key).post({
        post: { content: { text: "x", imageUrls: [media.url], platform: ["threads"] } },
      });
      expect(byUrl.status).toBe(400);
      expect(byUrl.body.error.details).toMatchObject({ field: "post.content.imageUrls[0]", reason: "other_mode" });
      expect(byUrl.body.error.message).toContain(media.id);

      const dryRun = await request(h.app)
        .post("/v1/posts?dryRun=true")
        .set("soku-api-key", key)
        .send({ post: { content: { text: "x", imageUrls: [media.url], platform: ["threads"] } } });
      expect(dryRun.status).toBe(400);

      expect(await state(ref)).toEqual(before);
      expect((await request(h.app).get(new URL(media.url).pathname)).status).toBe(200); // the file is still there
      expect(await h.countSubmissions(w.uid)).toBe(0);
    }

    // Each mode's own media works as before.
    const own = await api(w.test).post({
      post: { content: { text: "x", mediaIds: [made.test.id], platform: ["threads"] } },
    });
    expect(own.status).toBe(202);
    expect((await api(w.live).getMedia(made.live.id)).status).toBe(200);
  });

  it("media idempotency is per mode too: the same Idempotency-Key makes one media in each", async () => {
    const w = await twoWorlds();
    const url = `${origin.url}/files/logo.png?idem=${Date.now()}`;
    const test = await api(w.test).media({ url }, { "Idempotency-Key": "logo" });
    const live = await api(w.live).media({ url }, { "Idempotency-Key": "logo" });
    expect([test.status, live.status]).toEqual([201, 201]);
    expect(live.body.id).not.toBe(test.body.id);
    expect((await api(w.test).media({ url: `${url}&other` }, { "Idempotency-Key": "logo" })).status).toBe(409);
  });

  it("uploads: the other mode's session is 404 to read and to complete, and stays as it was", async () => {
    const w = await twoWorlds();
    const opened = await api(w.live).openUpload({ contentType: "video/mp4", size: CLIP.length, fileName: "clip.mp4" });
    expect(opened.status).toBe(201);
    const { id, uploadUrl } = opened.body as { id: string; uploadUrl: string };
    const put = await request(h.app)
      .put(new URL(uploadUrl).pathname)
      .set("content-type", "application/octet-stream")
      .send(CLIP);
    expect(put.status).toBe(200);

    const ref = h.db.collection("users").doc(w.uid).collection("mediaUploads").doc(id);
    const before = await state(ref);
    expectNotFound(await api(w.test).getUpload(id));
    expectNotFound(await api(w.test).completeUpload(id));
    expect(await state(ref)).toEqual(before);
    expect(before.data).toMatchObject({ state: "open", mode: "live" });

    const completed = await api(w.live).completeUpload(id);
    expect(completed.status).toBe(201);
    expectNotFound(await api(w.test).getMedia(id));
    expect((await api(w.live).getMedia(id)).status).toBe(200);
    expect((await api(w.test).openUpload({ contentType: "video/mp4", size: CLIP.length })).status).toBe(201);
  });

  it("media stored before modes were recorded belong to live keys", async () => {
    const w = await twoWorlds();
    const made = (await api(w.live).media({ url: `${origin.url}/files/photo.jpg?older` })).body as { id: string };
    await h.db.collection("users").doc(w.uid).collection("media").doc(made.id).update({ mode: FieldValue.delete() });
    expect((await api(w.live).getMedia(made.id)).status).toBe(200);
    expectNotFound(await api(w.test).getMedia(made.id));
  });

  it("accounts are the user's: both modes list the same ones", async () => {
    const w = await twoWorlds();
    const live = await api(w.live).accounts();
    const test = await api(w.test).accounts();
    expect(live.status).toBe(200);
    expect(test.body).toEqual(live.body);
    expect((live.body.data as unknown[]).length).toBeGreaterThan(0);
  });
});
