import request from "supertest";
import { PUBLISH_CAPS } from "../../src/domain/publish-caps";
import { RunStore } from "../../src/store/run-store";
import { PUBLISH_FUNCTION } from "../../src/tasks/dispatch";
import { UPLOAD_PROGRESS_STEP } from "../../src/tasks/upload-progress";
import { liveSuite, uniqueText } from "../support/adapter-suite";
import { liveTenant, runOf, submitLive, type LiveTenant } from "../support/live-publish";

jest.setTimeout(120_000);

/**
 * Every kind of wait a run can be in, as GET /v1/posts/{id} shows it and as its run document
 * holds it (a dashboard reads runs straight from Firestore), with the clock moved to where the
 * wait ends; and the wait gone once the run is final.
 */
const { h, live } = liveSuite();
const x = live.fakes.x;

afterEach(() => {
  x.clearFaults();
  h.caps = null;
  h.pollScale = 1;
  h.tasks.pending.length = 0;
});

async function shown(t: LiveTenant, id: string) {
  const res = await request(h.app).get(`/v1/posts/${id}`).set("soku-api-key", t.key);
  expect(res.status).toBe(200);
  return res.body.runs[0] as Record<string, unknown> & { waiting: Record<string, unknown> | null };
}

/** The run document's `waiting`, with its times as ISO strings like the API's. */
async function stored(id: string, runId: string): Promise<{ status: string; waiting: Record<string, unknown> | null }> {
  const run = ((await runOf(h, id, runId as never)) as Record<string, unknown> | undefined) ?? {};
  const w = run.waiting as Record<string, unknown> | null;
  if (!w) return { status: run.status as string, waiting: null };
  const iso = (v: unknown) => (v ? (v as { toDate(): Date }).toDate().toISOString() : null);
  return { status: run.status as string, waiting: { ...w, since: iso(w.since), until: iso(w.until) } };
}

const secondsAfter = (at: Date, seconds: number) => at.getTime() + seconds * 1000;

/** `until`, in ms, within [from, to] (the delivery's clock read lies between the test's two). */
function expectUntil(waiting: { until?: unknown } | null, from: number, to: number) {
  const until = Date.parse(String(waiting?.until));
  expect(until).toBeGreaterThanOrEqual(from);
  expect(until).toBeLessThanOrEqual(to);
}

describe("a run waiting on the platform's processing", () => {
  it("shows platform_processing until the next check, in the API and the run document, and clears it when published", async () => {
    const t = await liveTenant(h, live, "threads");
    const id = await submitLive(h, t, { text: uniqueText("Container") });
    const before = h.clock();
    await h.drain();
    const after = h.clock();
    const run = await shown(t, id);
    expect(run).toMatchObject({
      status: "processing",
      waiting: {
        reason: "platform_processing",
        message: expect.stringMatching(/^Threads is processing container /),
        since: expect.any(String),
      },
    });
    // Threads' advised 30 s: the check task is scheduled for exactly the time shown.
    expectUntil(run.waiting, secondsAfter(before, 30), secondsAfter(after, 30));
    expect(h.tasks.pending.map((task) => task.scheduleTime?.toISOString())).toEqual([run.waiting!.until]);
    expect(await stored(id, "threads")).toEqual({ status: "processing", waiting: run.waiting });
    const listed = await request(h.app).get("/v1/posts").set("soku-api-key", t.key);
    expect(listed.body.data[0].runs[0].waiting).toEqual(run.waiting);

    h.offsetMs = 30_000;
    await h.drain();
    expect(await shown(t, id)).toMatchObject({ status: "succeeded", waiting: null });
    expect(await stored(id, "threads")).toEqual({ status: "succeeded", waiting: null });
  });

  it("checks sooner by PLATFORM_POLL_SCALE, which a Harness sets as the local stack does", async () => {
    h.pollScale = 0.02;
    const t = await liveTenant(h, live, "threads");
    const id = await submitLive(h, t, { text: uniqueText("Scaled") });
    const before = h.clock();
    await h.drain();
    const after = h.clock();
    // 30 s × 0.02 = 0.6 s.
    expectUntil((await shown(t, id)).waiting, before.getTime() + 600, after.getTime() + 600);
  });
});

describe("a run uploading a video", () => {
  it("shows its progress every 16 MB, not per chunk, while the bytes go out", async () => {
    const size = 2 * UPLOAD_PROGRESS_STEP + 3 * 1024 * 1024; // X takes it in 4 MB segments: 9 of them
    const t = await liveTenant(h, live, "x");
    const id = await submitLive(h, t, { text: uniqueText("Upload"), videoUrl: live.media.media("clip.mp4", size) });
    // Hold X's answer to the 6th segment (bytes 20–24 MB): the upload is mid-way while it waits.
    let appends = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    x.inject({
      method: "POST",
      path: /\/append$/,
      kind: "hold_answer",
      times: 9,
      release: () => (++appends === 6 ? held : Promise.resolve()),
    });
    const writes = jest.spyOn(RunStore.prototype, "uploading");
    try {
      const drained = h.drain();
      let mid: Awaited<ReturnType<typeof stored>> = { status: "", waiting: null };
      for (let i = 0; i < 200 && appends < 6; i++) await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 100 && !((mid.waiting?.progress as { sentBytes?: number })?.sentBytes ?? 0); i++) {
        await new Promise((r) => setTimeout(r, 50));
        mid = await stored(id, "x");
      }
      expect(appends).toBe(6);
      const progress = mid.waiting?.progress as { sentBytes: number; totalBytes: number };
      // Shown at the first 16 MB step: the 6th segment's bytes (to 24 MB) are under the next step.
      expect(progress.totalBytes).toBe(size);
      expect(progress.sentBytes).toBeGreaterThanOrEqual(UPLOAD_PROGRESS_STEP);
      expect(progress.sentBytes).toBeLessThan(2 * UPLOAD_PROGRESS_STEP);
      expect(mid).toMatchObject({
        status: "processing",
        waiting: {
          reason: "uploading",
          until: null,
          message: expect.stringMatching(/^Uploading the video to X: 16\.\d of 36\.7 MB\.$/),
        },
      });
      expect(await shown(t, id)).toMatchObject({ status: "processing", waiting: mid.waiting });
      release();
      await drained;
      await h.drain({ ignoreSchedule: true }); // X's processing check
      // At 0, 16 and 32 MB and at the end: four writes at most for 9 segments of 64 KB reads each.
      expect(writes.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(writes.mock.calls.length).toBeLessThanOrEqual(4);
    } finally {
      release();
      writes.mockRestore();
    }
    expect(await shown(t, id)).toMatchObject({ status: "succeeded", waiting: null });
    expect(await stored(id, "x")).toEqual({ status: "succeeded", waiting: null });
  });
});

describe("a run held back by the account's posting cap", () => {
  it("shows pacing until the window has room, then publishes", async () => {
    h.caps = { ...PUBLISH_CAPS, x: { limit: 1, windowSeconds: 600 } };
    const t = await liveTenant(h, live, "x");
    await submitLive(h, t, { text: uniqueText("First") });
    const before = h.clock();
    await h.drain();
    const id = await submitLive(h, t, { text: uniqueText("Second") });
    await h.drain();
    const after = h.clock();
    const run = await shown(t, id);
    expect(run).toMatchObject({
      status: "queued",
      attempts: 0,
      error: null,
      waiting: {
        reason: "pacing",
        message: "X allows 1 post per account in 10 minutes; this one is sent when the window has room.",
      },
    });
    expectUntil(run.waiting, secondsAfter(before, 600), secondsAfter(after, 601));
    expect(await stored(id, "x")).toEqual({ status: "queued", waiting: run.waiting });
    h.offsetMs = 602_000;
    await h.drain();
    expect(await shown(t, id)).toMatchObject({ status: "succeeded", waiting: null });
    expect(await stored(id, "x")).toEqual({ status: "succeeded", waiting: null });
  });
});

describe("a run after a retryable failure", () => {
  it("shows rate_limited until the platform's reset, with the error, then publishes", async () => {
    const t = await liveTenant(h, live, "x");
    const reset = Math.ceil(h.clock().getTime() / 1000) + 120;
    x.inject({
      method: "POST",
      path: "/2/tweets",
      kind: "respond",
      status: 429,
      headers: { "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(reset) },
      body: { title: "Too Many Requests", type: "https://api.x.com/2/problems/rate-limit-exceeded", status: 429 },
    });
    const id = await submitLive(h, t, { text: uniqueText("Throttled") });
    await h.drain();
    const run = await shown(t, id);
    expect(run).toMatchObject({
      status: "queued",
      attempts: 1,
      error: { code: "rate_limited", retryable: true },
      waiting: { reason: "rate_limited", message: expect.stringMatching(/^Throttled \(attempt 1 of 5\): /) },
    });
    expectUntil(run.waiting, reset * 1000 - 1000, reset * 1000 + 1000);
    expect(h.tasks.pending.map((task) => task.scheduleTime?.toISOString())).toEqual([run.waiting!.until]);
    expect(await stored(id, "x")).toEqual({ status: "queued", waiting: run.waiting });
    h.offsetMs = 121_000;
    await h.drain();
    expect(await shown(t, id)).toMatchObject({ status: "succeeded", error: null, waiting: null });
    expect(await stored(id, "x")).toEqual({ status: "succeeded", waiting: null });
  });

  it("shows retry_backoff until about when Cloud Tasks retries, with the error, then publishes", async () => {
    const t = await liveTenant(h, live, "x");
    // A 503 before anything could publish (the image's upload), so a plain retry.
    x.inject({
      method: "POST",
      path: "/2/media/upload/initialize",
      kind: "respond",
      status: 503,
      body: { title: "Service Unavailable" },
    });
    const id = await submitLive(h, t, { text: uniqueText("Flaky"), imageUrls: [live.media.media("a.jpg", 3000)] });
    const before = h.clock();
    // One delivery each, so the run is seen between the failure and Cloud Tasks' redelivery.
    const errors = await h.tasks.drain(h.handlers(), { now: h.clock, maxAttempts: 1 });
    const after = h.clock();
    expect(errors).toHaveLength(1); // the publish task asks Cloud Tasks for its retry
    const run = await shown(t, id);
    expect(run).toMatchObject({
      status: "queued",
      attempts: 1,
      error: { code: "transient", retryable: true },
      waiting: {
        reason: "retry_backoff",
        message: expect.stringMatching(/^Failed \(attempt 1 of 5\), will be tried again: /),
      },
    });
    // The publishers' queue retries first after 5 s.
    expectUntil(run.waiting, secondsAfter(before, 5), secondsAfter(after, 5));
    expect(await stored(id, "x")).toEqual({ status: "queued", waiting: run.waiting });
    await h.handlers()[PUBLISH_FUNCTION.x]!({ postSubmissionId: id, runId: "x" }, { retryCount: 1 });
    expect(await shown(t, id)).toMatchObject({ status: "succeeded", error: null, waiting: null });
    expect(await stored(id, "x")).toEqual({ status: "succeeded", waiting: null });
  });
});
