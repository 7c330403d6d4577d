import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import request from "supertest";
import { rehostedMediaId } from "../../src/tasks/media-preparation";
import { TASK_FUNCTIONS } from "../../src/tasks/dispatch";
import { liveSuite, uniqueText } from "../support/adapter-suite";
import { publishedMedia, runOf, type LiveTenant, liveTenantOn } from "../support/live-publish";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

jest.setTimeout(60_000);

// Only URLs the media store produced are the user's media. Anything else, however much it looks
// like one, is fetched once through safe fetching at orchestration (or refused there), and a
// publisher never fetches a URL: it reads the stored file.
const { h, live } = liveSuite({ rateLimits: RELAXED_RATE_LIMITS });

/** A server on another loopback address that watches who fetches what from it. */
const watcher = { url: "", hits: new Map<string, number>(), server: null as Server | null };
let served: Buffer;
let original: Buffer;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  const image = (r: number) =>
    sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g: 90, b: 30 } } })
      .jpeg()
      .toBuffer();
  served = await image(10);
  original = await image(240);
  watcher.server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0]!;
    watcher.hits.set(path, (watcher.hits.get(path) ?? 0) + 1);
    res.writeHead(200, { "content-type": "image/jpeg" }).end(path.startsWith("/cdn/") ? original : served);
  });
  await new Promise<void>((resolve) => watcher.server!.listen(0, "127.0.0.2", resolve));
  watcher.url = `http://127.0.0.2:${(watcher.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  watcher.server?.closeAllConnections();
  await new Promise((resolve) => watcher.server?.close(resolve));
});
afterEach(() => {
  h.tasks.pending.length = 0;
});

async function submit(t: { key: string; accounts: LiveTenant[] }, imageUrls: string[]): Promise<string> {
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", t.key)
    .send({
      post: {
        content: {
          text: uniqueText("trust"),
          imageUrls,
          platform: t.accounts.map((a) => ({ platform: a.platform, accountId: a.account })),
        },
      },
    });
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

/** Runs the orchestration only: whatever is fetched now is fetched before any publisher runs. */
async function orchestrateOnly() {
  const orchestrate = h.handlers()[TASK_FUNCTIONS.orchestratePost]!;
  await h.tasks.drain({ [TASK_FUNCTIONS.orchestratePost]: orchestrate }, { ignoreSchedule: true });
}

const hits = (path: string) => watcher.hits.get(path) ?? 0;
const xReceived = (account: string) => live.fakes.x.receivedMedia.filter((m) => m.accountId === account);

describe("which media URLs are trusted", () => {
  it("fetches a crafted URL on another address through safe fetching at orchestration, never in a publisher", async () => {
    const t = await liveTenantOn(h, live, ["x", "instagram"]);
    const path = `/users/${t.uid}/media/x/y`;
    const crafted = `${watcher.url}${path}`;
    const id = await submit(t, [crafted]);

    await orchestrateOnly();
    expect(hits(path)).toBe(1);
    const [copy] = await publishedMedia(h, id);
    const rehosted = await h.deps.media.records.get(t.uid, rehostedMediaId(id, crafted));
    expect(copy).toBe(rehosted!.url);
    expect(rehosted!.sourceUrl).toBe(crafted);

    await h.drain({ ignoreSchedule: true });
    expect((await h.submissions.get(id))!.status).toBe("completed");
    // The publishers read the stored copy: the crafted URL was fetched once, by the orchestrator.
    expect(hits(path)).toBe(1);
    expect(xReceived(t.accounts[0]!.account)).toEqual([expect.objectContaining({ sha256: sha(served) })]);
    expect(live.fakes.instagram.postsOf(t.accounts[1]!.account)[0]!.media).toEqual([copy]);
  });

  it("refuses a crafted URL on a private address at orchestration, before any connection", async () => {
    const t = await liveTenantOn(h, live, ["x"]);
    const id = await submit(t, [`http://10.0.0.5:8080/users/${t.uid}/media/x/y`]);
    await h.drain({ ignoreSchedule: true });
    const run = await runOf(h, id, "x");
    expect(run).toMatchObject({ status: "failed", attempts: 0, error: { code: "upload_failed" } });
    expect(run.error.message).toContain("blocked_address");
    expect(xReceived(t.accounts[0]!.account)).toEqual([]);
  });

  it("rehosts a look-alike of a real stored URL on another host instead of trusting it", async () => {
    const t = await liveTenantOn(h, live, ["x"]);
    const media = await request(h.app)
      .post("/v1/media")
      .set("soku-api-key", t.key)
      .send({ url: `${watcher.url}/cdn/original.jpg` });
    expect(media.status).toBe(201);
    const stored = media.body.url as string;
    const lookAlike = `${watcher.url}${new URL(stored).pathname}`;
    const id = await submit(t, [lookAlike]);

    await orchestrateOnly();
    expect(hits(new URL(stored).pathname)).toBe(1);
    const [copy] = await publishedMedia(h, id);
    expect(copy).not.toBe(stored);
    expect(copy).toBe((await h.deps.media.records.get(t.uid, rehostedMediaId(id, lookAlike)))!.url);

    await h.drain({ ignoreSchedule: true });
    // X got what the look-alike served, not the user's stored media.
    expect(xReceived(t.accounts[0]!.account)).toEqual([expect.objectContaining({ sha256: sha(served) })]);
    expect(hits(new URL(stored).pathname)).toBe(1);
  });

  it("trusts the stored URL (whatever its token), names it canonically and never fetches it again", async () => {
    const t = await liveTenantOn(h, live, ["x", "instagram"]);
    const media = await request(h.app)
      .post("/v1/media")
      .set("soku-api-key", t.key)
      .send({ url: `${watcher.url}/cdn/photo.jpg` });
    const stored = media.body.url as string;
    expect(hits("/cdn/photo.jpg")).toBe(1);
    const id = await submit(t, [`${stored}?token=another`]);

    const sub = (await h.submissions.get(id))!;
    expect(sub.request.post.content.imageUrls).toEqual([stored]);
    expect(sub.mediaIds).toEqual([media.body.id]);

    await h.drain({ ignoreSchedule: true });
    expect((await h.submissions.get(id))!.status).toBe("completed");
    expect(await publishedMedia(h, id)).toEqual([stored]);
    expect(await h.deps.media.records.get(t.uid, rehostedMediaId(id, `${stored}?token=another`))).toBeNull();
    expect(hits("/cdn/photo.jpg")).toBe(1);
    expect(xReceived(t.accounts[0]!.account)).toEqual([expect.objectContaining({ sha256: sha(original) })]);
    expect(live.fakes.instagram.postsOf(t.accounts[1]!.account)[0]!.media).toEqual([stored]);
  });

  it("fails a run for good when its media URL is not the user's stored media, and fetches nothing", async () => {
    const t = await liveTenantOn(h, live, ["x"]);
    const id = await submit(t, [`${watcher.url}/cdn/legit.jpg`]);
    await orchestrateOnly();
    // A document naming a URL the store never produced (written by an older version, say).
    const path = `/users/${t.uid}/media/rh_forged/y.jpg`;
    await h.submissions.ref(id).update({
      "request.post.content.imageUrls": [`${watcher.url}${path}`],
      mediaPrepared: true,
    } as never);

    await h.drain({ ignoreSchedule: true });
    const run = await runOf(h, id, "x");
    expect(run).toMatchObject({ status: "failed", attempts: 1, error: { code: "rejected", retryable: false } });
    expect(run.error.message).toMatch(/not one of the user's stored media/);
    expect(hits(path)).toBe(0);
    expect(xReceived(t.accounts[0]!.account)).toEqual([]);
  });
});
