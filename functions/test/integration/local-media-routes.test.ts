import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import { Harness } from "../support/harness";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

/**
 * The local stack's file routes (/media-files serves media, /media-uploads takes upload sessions)
 * stay inside their own prefix of the store, whatever encoding a path uses.
 */
const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
afterAll(() => h.close());

const CLIP = readFileSync(path.join(__dirname, "..", "fixtures", "media", "clip.mp4"));

let uid: string;
/** The store path of an unfinished upload's bytes (`uploads/<uid>/<id>/<token>`). */
let upload: string;
beforeAll(async () => {
  const t = await h.tenant({ keys: [{ mode: "live" }] });
  uid = t.uid;
  const opened = await request(h.app)
    .post("/v1/media/uploads")
    .set("soku-api-key", t.key)
    .send({ contentType: "video/mp4", size: CLIP.length });
  expect(opened.status).toBe(201);
  const url = new URL(opened.body.uploadUrl as string);
  upload = url.pathname.slice("/media-uploads/".length);
  const first = await request(h.app)
    .put(url.pathname)
    .set("content-range", "bytes 0-999/*")
    .set("content-type", "application/octet-stream")
    .send(CLIP.subarray(0, 1000));
  expect(first.status).toBe(308);
  // Files a traversal would reach: a media's and two named like a session's.
  const media = path.join(h.mediaDir, "users", uid, "media", "m1");
  mkdirSync(media, { recursive: true });
  writeFileSync(path.join(media, "photo.jpg"), "media bytes");
  writeFileSync(path.join(media, "victim.session.json"), "{}");
  writeFileSync(path.join(media, "victim.part"), "kept");
});

const rest = () => upload.slice("uploads/".length);

describe("local media routes", () => {
  it("serve a media file at its own path (the routes work at all)", async () => {
    const res = await request(h.app).get(`/media-files/users/${uid}/media/m1/photo.jpg`);
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body as Buffer).toString()).toBe("media bytes");
  });

  it("never serve an upload's unfinished bytes through /media-files, in any encoding", async () => {
    expect(existsSync(path.join(h.mediaDir, `${upload}.part`))).toBe(true);
    const targets = [
      `users/..%2Fuploads/${rest()}.part`,
      `users/%2E%2E%2Fuploads/${rest()}.part`,
      `users/%2e%2e/uploads/${rest()}.part`,
      `users/../uploads/${rest()}.part`,
      `users/./../uploads/${rest()}.part`,
      `users/x/..%2F..%2Fuploads/${rest()}.part`,
      `users/..%5Cuploads/${rest()}.part`,
      `users/%252E%252E%252Fuploads/${rest()}.part`,
      `users/..%00/uploads/${rest()}.part`,
      `..%2Fuploads/${rest()}.part`,
      `uploads/${rest()}.part`,
      `users/${uid}/..%2F..%2F..%2F${upload}.part`,
      `users%2F..%2Fuploads%2F${rest()}.part`,
    ];
    for (const target of targets) {
      const res = await request(h.app).get(`/media-files/${target}`);
      expect({ target, status: res.status }).toEqual({ target, status: 404 });
      expect(res.body.error?.code).toBe("not_found");
    }
  });

  it("never delete or write outside the uploads prefix through /media-uploads", async () => {
    const victim = `users/${uid}/media/m1/victim`;
    for (const target of [
      `uploads/..%2F${victim}`,
      `uploads/%2E%2E%2F${victim}`,
      `uploads/x/..%2F..%2F${victim}`,
      `uploads/../${victim}`,
      `uploads%2F..%2F${victim}`,
      victim,
    ]) {
      const del = await request(h.app).delete(`/media-uploads/${target}`);
      expect({ target, status: del.status }).toEqual({ target, status: 404 });
      const put = await request(h.app).put(`/media-uploads/${target}`).set("content-range", "bytes 0-3/*").send("evil");
      expect({ target, status: put.status }).toEqual({ target, status: 404 });
    }
    const media = path.join(h.mediaDir, "users", uid, "media", "m1");
    expect(readFileSync(path.join(media, "victim.part"), "utf8")).toBe("kept");
    expect(existsSync(path.join(media, "victim.session.json"))).toBe(true);
    // The real session is untouched and still takes its next chunk.
    const next = await request(h.app)
      .put(`/media-uploads/${upload}`)
      .set("content-range", `bytes 1000-1999/*`)
      .set("content-type", "application/octet-stream")
      .send(CLIP.subarray(1000, 2000));
    expect(next.status).toBe(308);
    expect(next.headers.range).toBe("bytes=0-1999");
  });
});
