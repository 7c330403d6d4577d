import request from "supertest";
import { Harness } from "../support/harness";

const h = new Harness();
afterAll(() => h.close());

async function submit(key: string, body: Record<string, unknown>) {
  const res = await request(h.app).post("/v1/posts").set("soku-api-key", key).send(body);
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

const sub = async (id: string) => (await h.db.doc(`postSubmissions/${id}`).get()).data()!;
const run = async (id: string, runId: string) => (await h.db.doc(`postSubmissions/${id}/runs/${runId}`).get()).data()!;
// A video post: every platform takes one, so any target is valid under its platform's rules.
const content = (platform: unknown, extra: Record<string, unknown> = {}) => ({
  post: { content: { text: `pipeline ${Math.random()}`, videoUrl: "https://cdn.example.com/clip.mp4", platform } },
  ...extra,
});

describe("the publishing pipeline with the real store", () => {
  it("publishes to every target and completes the submission", async () => {
    const t = await h.tenant();
    const id = await submit(
      t.key,
      content([{ platform: "x", accountId: "x_primary" }, { platform: "x", accountId: "x_brand" }, "threads"]),
    );
    await h.drain();
    expect(await sub(id)).toMatchObject({
      status: "completed",
      summary: { total: 3, succeeded: 3, failed: 0, pending: 0 },
    });
    const r = await run(id, "x:x_brand");
    expect(r).toMatchObject({ platform: "x", accountId: "x_brand", status: "succeeded", attempts: 1, error: null });
    expect(r.platformPostId).toMatch(/^sandbox_/);
    expect(r.finishedAt).not.toBeNull();
  });

  it("ends partially_failed when one run fails for good, failed when all do", async () => {
    const t = await h.tenant();
    const id = await submit(t.key, content(["threads", "linkedin"], { sandbox: { outcomes: { linkedin: "fail" } } }));
    await h.drain();
    expect(await sub(id)).toMatchObject({
      status: "partially_failed",
      summary: { succeeded: 1, failed: 1, pending: 0 },
    });
    expect((await run(id, "linkedin")).error).toMatchObject({ code: "rejected", retryable: false });

    const all = await submit(t.key, content(["threads"], { sandbox: { outcomes: { threads: "auth_expired" } } }));
    await h.drain();
    expect(await sub(all)).toMatchObject({ status: "failed" });
    expect((await run(all, "threads")).error.code).toBe("auth_expired");
  });

  it("retries transient failures and succeeds on the third attempt", async () => {
    const t = await h.tenant();
    const id = await submit(t.key, content(["tiktok"], { sandbox: { outcomes: { tiktok: "transient" } } }));
    const errors = await h.drain();
    expect(errors).toHaveLength(2);
    expect(await run(id, "tiktok")).toMatchObject({ status: "succeeded", attempts: 3, error: null });
  });

  it("honours a rate limit's retry-after with a task scheduled for then", async () => {
    const t = await h.tenant();
    const id = await submit(t.key, content(["facebook"], { sandbox: { outcomes: { facebook: "rate_limited" } } }));
    const before = Date.now();
    await h.drain();
    const r = await run(id, "facebook");
    expect(r).toMatchObject({ status: "queued", attempts: 1, error: { code: "rate_limited", retryable: true } });
    const retry = h.tasks.pending.find(
      (task) => (task.payload as { postSubmissionId: string }).postSubmissionId === id,
    );
    expect(retry?.scheduleTime!.getTime()).toBeGreaterThanOrEqual(before + 2000);
    h.offsetMs = 3000;
    try {
      await h.drain();
    } finally {
      h.offsetMs = 0;
    }
    expect(await run(id, "facebook")).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("reconciles a lost answer instead of publishing again, and records an undecidable one as unknown", async () => {
    const t = await h.tenant();
    const id = await submit(t.key, content(["youtube"], { sandbox: { outcomes: { youtube: "unknown" } } }));
    await h.drain();
    // Attempt 1 published and lost the answer; attempt 2 only asked the platform, which could not tell.
    expect(await run(id, "youtube")).toMatchObject({
      status: "unknown",
      attempts: 2,
      pendingCommit: null,
      error: { code: "outcome_unknown", retryable: false, message: expect.stringContaining("cannot show") },
    });
    expect(await sub(id)).toMatchObject({ status: "failed" });
    const dead = await h.db.collection("deadLetters").where("postSubmissionId", "==", id).get();
    expect(dead.docs.map((d) => d.data())).toEqual([
      expect.objectContaining({ runId: "youtube", status: "unknown", userId: t.uid }),
    ]);
  });

  it("never publishes a succeeded run again, whatever is redelivered", async () => {
    const t = await h.tenant();
    const id = await submit(t.key, content(["snapchat"]));
    await h.drain();
    const first = await run(id, "snapchat");
    const publish = h.handlers().publishSnapchat!;
    await Promise.all(
      Array.from({ length: 5 }, () => publish({ postSubmissionId: id, runId: "snapchat" }, { retryCount: 1 })),
    );
    const orchestrate = h.handlers().orchestratePost!;
    await orchestrate({ postSubmissionId: id }, { retryCount: 1 });
    const after = await run(id, "snapchat");
    expect(after.attempts).toBe(1);
    expect(after.updatedAt.isEqual(first.updatedAt)).toBe(true);
    expect(await sub(id)).toMatchObject({ status: "completed", summary: { succeeded: 1, pending: 0 } });
  });

  it("lets only one of several concurrent deliveries claim a run", async () => {
    const t = await h.tenant();
    const id = await submit(t.key, content(["instagram"]));
    await h.tasks.drain({ orchestratePost: h.handlers().orchestratePost! });
    h.tasks.pending.length = 0;
    const publish = h.handlers().publishInstagram!;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => publish({ postSubmissionId: id, runId: "instagram" }, { retryCount: 0 })),
    );
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    expect(await run(id, "instagram")).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await sub(id)).toMatchObject({ summary: { succeeded: 1, failed: 0, pending: 0 } });
  });

  it("holds a scheduled post until its time, even when the task arrives early", async () => {
    const t = await h.tenant();
    const at = new Date(Date.now() + 5 * 60_000);
    const id = await submit(
      t.key,
      content([{ platform: "x", accountId: "x_primary" }], { scheduledTime: at.toISOString() }),
    );
    // Cloud Tasks delivers the orchestrator task early: nothing happens but a hand-over to a task for `at`.
    await h.handlers().orchestratePost!({ postSubmissionId: id }, { retryCount: 0 });
    expect((await sub(id)).status).toBe("scheduled");
    expect(
      await h.db
        .collection(`postSubmissions/${id}/runs`)
        .count()
        .get()
        .then((s) => s.data().count),
    ).toBe(0);
    const redeferred = h.tasks.pending.filter(
      (task) =>
        task.taskId.startsWith(`orch-${id}-${at.getTime()}-early-`) && task.scheduleTime?.getTime() === at.getTime(),
    );
    expect(redeferred).toHaveLength(1);
    await h.drain();
    expect((await sub(id)).status).toBe("scheduled");
    h.offsetMs = 5 * 60_000 + 1000;
    try {
      await h.drain();
    } finally {
      h.offsetMs = 0;
    }
    expect(await sub(id)).toMatchObject({ status: "completed", summary: { succeeded: 1 } });
  });

  it("marks the submission dispatch_failed when the queues stay unreachable", async () => {
    const t = await h.tenant();
    const id = await submit(t.key, content(["threads"]));
    h.tasks.failNext = 100;
    try {
      await h.drain();
    } finally {
      h.tasks.failNext = 0;
    }
    expect(await sub(id)).toMatchObject({ status: "dispatch_failed", summary: { failed: 1, pending: 0 } });
    expect((await run(id, "threads")).status).toBe("failed");
  });
});

// The sweeper queries the whole database, so it gets a Firestore project of its own.
const hs = new Harness({ projectId: `demo-sweeper-${Date.now()}` });
afterAll(() => hs.close());
async function submitTo(harness: Harness, key: string, body: Record<string, unknown>) {
  const res = await request(harness.app).post("/v1/posts").set("soku-api-key", key).send(body);
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}
const subIn = async (harness: Harness, id: string) => (await harness.db.doc(`postSubmissions/${id}`).get()).data()!;
const runIn = async (harness: Harness, id: string, runId: string) =>
  (await harness.db.doc(`postSubmissions/${id}/runs/${runId}`).get()).data()!;

describe("the sweeper", () => {
  it("the sweeper recovers a post whose enqueue failed, and hands over deferred posts", async () => {
    const t = await hs.tenant();
    hs.tasks.failNext = 1;
    const id = await submitTo(hs, t.key, content(["threads"]));
    await hs.drain();
    expect((await subIn(hs, id)).status).toBe("queued");
    hs.offsetMs = 3 * 60_000;
    try {
      const counts = await hs.sweep();
      expect(counts.queued).toBeGreaterThanOrEqual(1);
      await hs.drain();
    } finally {
      hs.offsetMs = 0;
    }
    expect((await subIn(hs, id)).status).toBe("completed");

    const far = new Date(Date.now() + 35 * 86_400_000);
    const deferred = await submitTo(hs, t.key, content(["threads"], { scheduledTime: far.toISOString() }));
    hs.offsetMs = 7 * 86_400_000;
    try {
      await hs.sweep();
    } finally {
      hs.offsetMs = 0;
    }
    expect((await subIn(hs, deferred)).deferred).toBe(false);
    expect(
      hs.tasks.pending.find((task) => task.taskId === `orch-${deferred}-${far.getTime()}`)?.scheduleTime?.getTime(),
    ).toBe(far.getTime());
  });

  it("the sweeper restarts a run whose publisher died holding its lease", async () => {
    const t = await hs.tenant();
    const id = await submitTo(hs, t.key, content(["linkedin"]));
    await hs.tasks.drain({ orchestratePost: hs.handlers().orchestratePost! });
    hs.tasks.pending.length = 0;
    const claim = await hs.runs.claim(id, "linkedin", "dead-worker", hs.clock(), 60_000);
    expect(claim.kind).toBe("claimed");
    hs.offsetMs = 4 * 60_000;
    try {
      await hs.sweep();
      await hs.drain();
    } finally {
      hs.offsetMs = 0;
    }
    expect(await runIn(hs, id, "linkedin")).toMatchObject({ status: "succeeded", attempts: 2 });
  });
});
