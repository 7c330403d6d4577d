import { readdirSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import sharp from "sharp";
import { sniffMediaType } from "../../src/domain/media-type";
import { rehostedMediaId } from "../../src/tasks/media-preparation";
import { TASK_FUNCTIONS } from "../../src/tasks/dispatch";
import { liveSuite, uniqueText } from "../support/adapter-suite";
import { publishedMedia, runOf, type LiveTenant, liveTenantOn } from "../support/live-publish";
import { MediaOrigin } from "../support/media-origin";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";
import { storeUnverifiedMedia } from "../support/unverified-media";

jest.setTimeout(120_000);

// Live posts with external media: Postcast fetches the caller's URL once, at orchestration, and
// every platform (the fakes) fetches Postcast's copy.
const { h, live } = liveSuite({ rateLimits: RELAXED_RATE_LIMITS });
const origin = new MediaOrigin();
beforeAll(() => origin.start());
afterAll(() => origin.stop());
afterEach(() => {
  h.tasks.pending.length = 0;
});

async function submit(key: string, content: Record<string, unknown>, targets: LiveTenant[]): Promise<string> {
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", key)
    .send({
      post: { content: { ...content, platform: targets.map((t) => ({ platform: t.platform, accountId: t.account })) } },
    });
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

const filesUnder = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );
  } catch {
    return [];
  }
};

describe("external media in live posts", () => {
  it("is fetched once before fan-out, and every platform gets the same stable copy", async () => {
    const t = await liveTenantOn(h, live, ["instagram", "tiktok", "youtube", "x"]);
    const url = `${origin.url}/files/clip.mp4?once=${Date.now()}`;
    const id = await submit(t.key, { text: uniqueText("rehosted"), videoUrl: url }, t.accounts);
    await h.drain({ ignoreSchedule: true });

    const sub = (await h.submissions.get(id))!;
    expect(sub.status).toBe("completed");
    expect(origin.hits.get("/files/clip.mp4")).toBe(1);
    const [copy] = await publishedMedia(h, id);
    const mediaId = rehostedMediaId(id, url);
    expect(copy).toBe((await h.deps.media.records.get(t.uid, mediaId))!.url);
    expect(copy!.startsWith(`${h.publicUrl}/media-files/users/${t.uid}/media/${mediaId}/`)).toBe(true);
    expect(sub.mediaIds).toEqual([mediaId]);
    const media = await request(h.app).get(`/v1/media/${mediaId}`).set("soku-api-key", t.key);
    expect(media.body).toMatchObject({ contentType: "video/mp4", width: 320, height: 568, durationSeconds: 2 });
    expect((await h.deps.media.records.get(t.uid, mediaId))!.sourceUrl).toBe(url);

    // Instagram pulled the copy by URL; the others uploaded its bytes.
    for (const a of t.accounts) expect((await runOf(h, id, a.platform)).status).toBe("succeeded");
    expect(live.fakes.instagram.postsOf(t.accounts[0]!.account)[0]!.media).toEqual([copy]);
    for (const a of t.accounts) expect(live.fakes[a.platform].postsOf(a.account)).toHaveLength(1);
  });

  it("converts a PNG once to JPEG for a platform that takes only JPEG, and every target gets that copy", async () => {
    const t = await liveTenantOn(h, live, ["instagram", "facebook"]);
    const url = `${origin.url}/files/logo.png?png=${Date.now()}`;
    const id = await submit(t.key, { text: uniqueText("png"), imageUrls: [url] }, t.accounts);
    await h.drain({ ignoreSchedule: true });
    expect((await h.submissions.get(id))!.status).toBe("completed");
    const [copy] = await publishedMedia(h, id);
    const media = (await h.deps.media.records.get(t.uid, rehostedMediaId(id, url)))!;
    expect(media.contentType).toBe("image/png");
    expect(copy).toBe(media.jpeg!.url);
    expect(copy).toMatch(/\.jpg$/);
    expect(live.fakes.instagram.postsOf(t.accounts[0]!.account)[0]!.media).toEqual([copy]);
    expect(live.fakes.facebook.postsOf(t.accounts[1]!.account)[0]!.media).toEqual([copy]);
  });

  it("is rehosted once when the orchestration is delivered twice at the same time", async () => {
    const t = await liveTenantOn(h, live, ["threads"]);
    const url = `${origin.url}/files/photo.jpg?twice=${Date.now()}`;
    const id = await submit(t.key, { text: uniqueText("twice"), imageUrls: [url] }, t.accounts);
    const orchestrate = h.handlers()[TASK_FUNCTIONS.orchestratePost]!;
    h.tasks.pending.length = 0;
    await Promise.all([
      orchestrate({ postSubmissionId: id }, { retryCount: 0 }),
      orchestrate({ postSubmissionId: id }, { retryCount: 0 }),
    ]);
    await h.drain({ ignoreSchedule: true });
    expect((await h.submissions.get(id))!.status).toBe("completed");
    const mediaId = rehostedMediaId(id, url);
    // One copy kept (the loser of the race deleted its own), and one post.
    expect(filesUnder(path.join(h.mediaDir, "users", t.uid, "media", mediaId))).toHaveLength(1);
    expect(live.fakes.threads.postsOf(t.accounts[0]!.account)).toHaveLength(1);
    expect((await publishedMedia(h, id))[0]).toBe((await h.deps.media.records.get(t.uid, mediaId))!.url);
  });

  it.each([
    ["a 404", "/status/404", "http_error", 1],
    ["an HTML page", "/page.html", "unsupported_type", 1],
    ["an internal address", "http://10.0.0.7/photo.jpg", "blocked_address", 0],
    ["a server failing every attempt", "/status/503", "http_error", 8],
  ])(
    "that cannot be fetched (%s) fails every run with upload_failed, and nothing is sent",
    async (_label, where, reason, hits) => {
      const t = await liveTenantOn(h, live, ["threads", "facebook"]);
      const url = where.startsWith("http") ? where : `${origin.url}${where}?r=${Math.random()}`;
      const path = new URL(url).pathname;
      const before = origin.hits.get(path) ?? 0;
      const id = await submit(t.key, { text: uniqueText("unfetchable"), imageUrls: [url] }, t.accounts);
      await h.drain({ ignoreSchedule: true });
      const sub = (await h.submissions.get(id))!;
      expect(sub.status).toBe("failed");
      for (const a of t.accounts) {
        const run = await runOf(h, id, a.platform);
        expect(run).toMatchObject({
          status: "failed",
          attempts: 0,
          error: { code: "upload_failed", retryable: false },
        });
        expect(run.error.message).toContain(reason);
        expect(live.fakes[a.platform].postsOf(a.account)).toHaveLength(0);
      }
      // Retried only while another attempt may succeed (Cloud Tasks' 8 attempts for a 503).
      if (!where.startsWith("http")) expect((origin.hits.get(path) ?? 0) - before).toBe(hits);
    },
  );

  it("whose stored copy does not decode (rehosted before ingestion decoded images) fails every run with upload_failed, once, and nothing is sent", async () => {
    const t = await liveTenantOn(h, live, ["instagram", "facebook"]);
    const url = `${origin.url}/files/logo.png?unverified=${Date.now()}`;
    const id = await submit(t.key, { text: uniqueText("unverified"), imageUrls: [url] }, t.accounts);
    // An earlier delivery stored the copy, as ingestion did when it read only headers: a PNG cut
    // off half way. This delivery reuses it, and its JPEG copy for Instagram cannot be made.
    const png = await sharp({
      create: {
        width: 640,
        height: 480,
        channels: 4,
        background: "#c00",
        noise: { type: "gaussian", mean: 90, sigma: 40 },
      },
    })
      .png()
      .toBuffer();
    const cut = png.subarray(0, png.length >> 1);
    await storeUnverifiedMedia(
      h.db,
      h.mediaFiles,
      { userId: t.uid, mode: "live", mediaId: rehostedMediaId(id, url) },
      cut,
      sniffMediaType(cut)!,
      { width: 640, height: 480 },
    );

    const fetched = origin.hits.get("/files/logo.png") ?? 0;
    const errors = await h.drain({ ignoreSchedule: true });
    expect(errors).toEqual([]);
    expect((await h.submissions.get(id))!.status).toBe("failed");
    for (const a of t.accounts) {
      const run = await runOf(h, id, a.platform);
      expect(run).toMatchObject({ status: "failed", attempts: 0, error: { code: "upload_failed", retryable: false } });
      expect(run.error.message).toContain("corrupt_media");
      expect(live.fakes[a.platform].postsOf(a.account)).toHaveLength(0);
    }
    // Not retried: one delivery of the orchestration, and the origin never asked again.
    const deliveries = h.tasks.delivered.filter(
      (d) =>
        d.fn === TASK_FUNCTIONS.orchestratePost && (d.payload as { postSubmissionId: string }).postSubmissionId === id,
    );
    expect(deliveries).toHaveLength(1);
    expect(origin.hits.get("/files/logo.png") ?? 0).toBe(fetched);
  });

  it("is left alone in the sandbox (a test key's post fetches nothing)", async () => {
    const t = await h.tenant({ keys: [{ mode: "test" }], accounts: { threads: ["th_sandbox"] } });
    const url = `${origin.url}/files/photo.webp?sandbox=${Date.now()}`;
    const res = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({ post: { content: { text: "sandboxed", imageUrls: [url], platform: ["threads"] } } });
    await h.drain({ ignoreSchedule: true });
    expect((await h.submissions.get(res.body.postSubmissionId as string))!.status).toBe("completed");
    expect(await publishedMedia(h, res.body.postSubmissionId as string)).toEqual([url]);
    expect(origin.hits.get("/files/photo.webp") ?? 0).toBe(0);
  });
});
