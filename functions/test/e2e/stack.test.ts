/**
 * The whole local stack as `npm start` runs it: POSTs go to the Functions emulator, the Cloud Tasks
 * emulator dispatches the orchestrator and publishers, and the outcome is read from Firestore.
 */
import type { Firestore } from "firebase-admin/firestore";
import { DEFAULT_ACCOUNTS, DEMO_LIVE_KEY, DEMO_TARGETS_ALL_PLATFORMS, DEMO_TEST_KEY } from "../../dev/seed";
import { PLATFORMS } from "../../src/domain/platforms";
import { connectOnStack } from "../../dev/local-connect";
import { DEMO_UID } from "../../dev/seed";
import {
  checkReference,
  describeInChromium,
  launchChromium,
  NO_FINDINGS,
  type OpenApiPaths,
} from "../support/reference-page";
import { runningStack } from "./running-stack";
import { until } from "./until";

jest.setTimeout(240_000);

const stack = runningStack();

async function submit(body: object, key = DEMO_TEST_KEY): Promise<string> {
  const res = await fetch(`${stack.base}/v1/posts`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "soku-api-key": key },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { postSubmissionId: string };
  expect({ status: res.status, json }).toMatchObject({ status: 202 });
  return json.postSubmissionId;
}

const submission = (db: Firestore, id: string) => async () =>
  (await db.doc(`postSubmissions/${id}`).get()).data() ?? {};
const runs = async (db: Firestore, id: string) =>
  Object.fromEntries((await db.collection(`postSubmissions/${id}/runs`).get()).docs.map((d) => [d.id, d.data()]));
const final = (s: Record<string, unknown>) =>
  ["completed", "partially_failed", "failed", "dispatch_failed"].includes(String(s.status));
// A video post: valid on every platform's rules.
const text = (platform: unknown, extra: object = {}) => ({
  post: {
    content: { text: `e2e ${Date.now()} ${Math.random()}`, videoUrl: "https://cdn.example.com/e2e.mp4", platform },
  },
  ...extra,
});

describe("the local stack end to end", () => {
  it("publishes now, on schedule, with a partial failure and with retries", async () => {
    // Well over the 60 s minimum: the emulator's cold start can take seconds under a loaded suite.
    const at = new Date(Date.now() + 90_000);
    const [now, scheduled, partial, retried] = await Promise.all([
      submit(text([...DEMO_TARGETS_ALL_PLATFORMS, { platform: "x", accountId: "x_brand" }])),
      submit(text(["threads"], { scheduledTime: at.toISOString() })),
      submit(text(["threads", "linkedin"], { sandbox: { outcomes: { linkedin: "fail" } } })),
      submit(
        text(["tiktok", "facebook"], { sandbox: { outcomes: { tiktok: "transient", facebook: "rate_limited" } } }),
      ),
    ]);
    const db = stack.db;

    const done = await until("the immediate post", submission(db, now), final, 60_000);
    expect(done).toMatchObject({ status: "completed", summary: { total: 9, succeeded: 9, failed: 0, pending: 0 } });
    const nowRuns = await runs(db, now);
    expect(Object.keys(nowRuns).sort()).toEqual([
      "facebook",
      "instagram",
      "linkedin",
      "snapchat",
      "threads",
      "tiktok",
      "x:x_brand",
      "x:x_primary",
      "youtube",
    ]);
    for (const r of Object.values(nowRuns)) expect(r).toMatchObject({ status: "succeeded", attempts: 1 });

    expect(await until("the partial failure", submission(db, partial), final, 60_000)).toMatchObject({
      status: "partially_failed",
      summary: { succeeded: 1, failed: 1 },
    });

    expect(await until("the retried post", submission(db, retried), final, 120_000)).toMatchObject({
      status: "completed",
    });
    const retriedRuns = await runs(db, retried);
    expect(retriedRuns.tiktok).toMatchObject({ status: "succeeded", attempts: 3 });
    expect(retriedRuns.facebook).toMatchObject({ status: "succeeded", attempts: 2 });

    // Scheduled: untouched before its time, published within a few seconds after it.
    expect((await submission(db, scheduled)()).status).toBe("scheduled");
    const published = await until("the scheduled post", submission(db, scheduled), final, 100_000);
    expect(published.status).toBe("completed");
    const finishedAt = (await runs(db, scheduled)).threads!.finishedAt.toDate() as Date;
    expect(finishedAt.getTime()).toBeGreaterThanOrEqual(at.getTime());
    expect(finishedAt.getTime() - at.getTime()).toBeLessThan(10_000);

    const api = await fetch(`${stack.base}/v1/posts/${now}`, { headers: { "soku-api-key": DEMO_TEST_KEY } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { status: string }).status).toBe("completed");
  });

  it("answers browsers as production does: no CORS header from the emulator, content routes refused", async () => {
    const origin = { origin: "https://evil.example" };
    const read = await fetch(`${stack.base}/v1/posts`, { headers: { ...origin, "soku-api-key": DEMO_TEST_KEY } });
    const preflight = await fetch(`${stack.base}/v1/posts`, {
      method: "OPTIONS",
      headers: { ...origin, "access-control-request-method": "POST", "access-control-request-headers": "soku-api-key" },
    });
    for (const res of [read, preflight]) {
      expect([...res.headers.keys()].filter((k) => k.startsWith("access-control-"))).toEqual([]);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe(
        "browser_origin",
      );
    }
  });

  it("fetches media only from the fakes' media origin, never another local address", async () => {
    const res = await fetch(`${stack.base}/v1/media`, {
      method: "POST",
      headers: { "content-type": "application/json", "soku-api-key": DEMO_TEST_KEY },
      body: JSON.stringify({ url: "http://127.0.0.1:8080/" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe(
      "blocked_address",
    );
  });

  it("publishes with a live key through every fake platform, exactly once each", async () => {
    const db = stack.db;
    const caption = `live e2e ${Date.now()}`;
    const videoUrl = `${stack.fakes.urls.media}/media/e2e-live.mp4?bytes=300000`;
    const id = await submit(
      { post: { content: { text: caption, videoUrl, platform: DEMO_TARGETS_ALL_PLATFORMS } } },
      DEMO_LIVE_KEY,
    );

    const done = await until("the live post", submission(db, id), final, 120_000);
    expect(done).toMatchObject({ status: "completed", summary: { total: 8, succeeded: 8, failed: 0 } });
    // The orchestrator rehosted the video once; every platform got the api's copy.
    const copy = (done.request as { post: { content: { videoUrl: string } } }).post.content.videoUrl;
    expect(copy.startsWith(`${stack.base}/media-files/users/${DEMO_UID}/media/rh_`)).toBe(true);
    expect(stack.fakes.fakes.instagram.postsOf(DEFAULT_ACCOUNTS.instagram[0]!).at(-1)!.media).toEqual([copy]);
    const liveRuns = await runs(db, id);
    for (const platform of PLATFORMS) {
      const accountId = DEFAULT_ACCOUNTS[platform][0]!;
      const posted = stack.fakes.fakes[platform].postsOf(accountId).filter((p) => p.text.includes(caption));
      expect({ platform, posts: posted.length }).toEqual({ platform, posts: 1 });
      const run = liveRuns[platform] as { status: string; platformPostId?: string };
      expect(run).toMatchObject({ status: "succeeded", platformPostId: posted[0]!.id });
    }
  });

  it("takes a file through a resumable upload session in chunks, as Cloud Storage's protocol does", async () => {
    const body = Buffer.from(
      await (await fetch(`${stack.fakes.urls.media}/media/upload.mp4?bytes=600000`)).arrayBuffer(),
    );
    const headers = { "Content-Type": "application/json", "soku-api-key": DEMO_TEST_KEY };
    const opened = await fetch(`${stack.base}/v1/media/uploads`, {
      method: "POST",
      headers,
      body: JSON.stringify({ contentType: "video/mp4", size: body.length }),
    });
    expect(opened.status).toBe(201);
    const session = (await opened.json()) as { id: string; uploadUrl: string };
    const half = 256 * 1024;
    const first = await fetch(session.uploadUrl, {
      method: "PUT",
      headers: { "Content-Range": `bytes 0-${half - 1}/*` },
      body: body.subarray(0, half),
    });
    expect({ status: first.status, range: first.headers.get("range") }).toEqual({
      status: 308,
      range: `bytes=0-${half - 1}`,
    });
    const last = await fetch(session.uploadUrl, {
      method: "PUT",
      headers: { "Content-Range": `bytes ${half}-${body.length - 1}/${body.length}` },
      body: body.subarray(half),
    });
    expect(last.status).toBe(200);
    const done = await fetch(`${stack.base}/v1/media/uploads/${session.id}/complete`, { method: "POST", headers });
    expect(done.status).toBe(201);
    expect(await done.json()).toMatchObject({
      id: session.id,
      contentType: "video/mp4",
      size: body.length,
      width: 320,
    });
  });

  it("connects an account of each platform through the fakes' OAuth and publishes to it with a live key", async () => {
    const db = stack.db;
    const targets: { platform: string; accountId: string }[] = [];
    for (const platform of PLATFORMS) {
      const [accountId] = await connectOnStack(stack.base, DEMO_UID, platform);
      targets.push({ platform, accountId: accountId! });
    }
    const caption = `connected e2e ${Date.now()}`;
    const videoUrl = `${stack.fakes.urls.media}/media/e2e-connected.mp4?bytes=300000`;
    const id = await submit({ post: { content: { text: caption, videoUrl, platform: targets } } }, DEMO_LIVE_KEY);
    const done = await until("the post to the new accounts", submission(db, id), final, 120_000);
    expect(done).toMatchObject({ status: "completed", summary: { total: 8, succeeded: 8 } });
    for (const t of targets) {
      const posted = stack.fakes.fakes[t.platform as (typeof PLATFORMS)[number]].postsOf(t.accountId);
      expect({ ...t, posts: posted.filter((p) => p.text.includes(caption)).length }).toEqual({ ...t, posts: 1 });
    }
  });
});

describeInChromium("the stack's /docs")("the stack's API reference", () => {
  it("shows every operation of the stack's own document at $BASE/docs, in Chromium, under the emulator's prefix", async () => {
    const doc = (await (await fetch(`${stack.base}/v1/openapi.json`)).json()) as OpenApiPaths;
    const browser = await launchChromium();
    try {
      const findings = await checkReference(browser, `${stack.base}/docs`, doc, { dir: `${stack.base}/docs/` });
      expect(findings).toEqual(NO_FINDINGS);
    } finally {
      await browser.close();
    }
  });
});
