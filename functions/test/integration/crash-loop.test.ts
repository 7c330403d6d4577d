import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import path from "node:path";
import type { Platform } from "../../src/domain/platforms";
import { MAX_PUBLISH_ATTEMPTS, PUBLISH_LEASE_MS } from "../../src/tasks/queue-options";
import { SWEEP } from "../../src/tasks/sweeper";
import { Harness } from "../support/harness";
import type { QueuedTask } from "../support/inline-tasks";
import { TEST_KEYRING_VALUE } from "../support/keyring";
import { LivePlatforms } from "../support/live-platforms";
import { liveTenant, runOf, submitLive } from "../support/live-publish";
import { TASK_LINE, type ChildDelivery } from "../support/child-delivery";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

/**
 * Deliveries that die (out of memory, timeout, kill) never reach the failure handling, so the run
 * itself must stop them: the claim that finds its attempts used up finishes it. The publisher runs
 * in a child process that the fake platform kills with SIGKILL when the publishing call arrives,
 * before it records a post; the sweeper, in this process, hands the run on as it would in
 * production. The sweeper reads the whole database, so this file has a Firestore project of its own.
 */
const projectId = `demo-crash-${Date.now()}`;
const h = new Harness({ projectId, rateLimits: RELAXED_RATE_LIMITS });
const live = new LivePlatforms();
const x = live.fakes.x;
// tsx's loader in the one process (its CLI would run the script in a grandchild the kill misses).
const TSX = require.resolve("tsx/cjs");
const CHILD = path.join(__dirname, "..", "support", "publish-child.ts");
/** Past a dead delivery's lease and the sweeper's grace. */
const LEASE_GONE_MS = PUBLISH_LEASE_MS + SWEEP.graceMs + 1000;

beforeAll(async () => {
  await live.start();
  h.adapters = live.registry();
  live.followClock(h.clock);
});
afterAll(async () => {
  await live.stop();
  await h.close();
});
afterEach(() => {
  x.clearFaults();
  h.tasks.pending.length = 0;
});

let publishing: ChildProcess | null = null;

/** The fake's hook on the publishing call: the process that sent it dies before anything is done. */
async function killPublisher(): Promise<void> {
  const child = publishing;
  if (!child) throw new Error("no child process is publishing");
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

/** Delivers a task in a fresh child process; the tasks it enqueued go to this process's queue. */
async function deliverInChild(platform: Platform, task: QueuedTask) {
  const spec: ChildDelivery = {
    mediaDir: h.mediaDir,
    platform,
    projectId,
    keyring: TEST_KEYRING_VALUE,
    offsetMs: h.offsetMs,
    settings: { ...live.settings[platform], clientSecret: live.settings[platform].clientSecret() },
    payload: task.payload,
  };
  const child = spawn(process.execPath, ["--require", TSX, CHILD], {
    cwd: path.join(__dirname, "..", ".."),
    env: { ...process.env, POSTCAST_CHILD: JSON.stringify(spec) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  publishing = child;
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
  publishing = null;
  for (const line of stdout.split("\n").filter((l) => l.startsWith(TASK_LINE))) {
    const t = JSON.parse(line.slice(TASK_LINE.length)) as {
      fn: QueuedTask["fn"];
      payload: object;
      options: { taskId: string; scheduleTime?: string };
    };
    const at = t.options.scheduleTime ? { scheduleTime: new Date(t.options.scheduleTime) } : {};
    await h.tasks.enqueue(t.fn, t.payload, { taskId: t.options.taskId, ...at });
  }
  return { code, signal, stderr };
}

const publishCalls = () => x.requests.filter((r) => r.method === "POST" && r.path === "/2/tweets").length;
const deadLetters = (id: string) => h.db.collection("deadLetters").where("postSubmissionId", "==", id).get();

async function submitted(t: Awaited<ReturnType<typeof liveTenant>>) {
  const id = await submitLive(h, t, { text: `Crash loop ${randomUUID()}` });
  await h.tasks.drain({ orchestratePost: h.handlers().orchestratePost! });
  return id;
}

/**
 * The tasks about publishing. A sweep also relays events whose relay never ran, across the shared
 * emulator's database (other files' events among them); those are not this file's subject.
 */
const publishTask = (task: { fn: string }) => task.fn !== "relayEvent";

describe("crash loops end", () => {
  it("a publisher killed mid-publish on every attempt ends unknown after 5 attempts: one publishing call each, never a post", async () => {
    const t = await liveTenant(h, live, "x");
    const id = await submitted(t);
    const start = publishCalls();
    x.inject({ method: "POST", path: "/2/tweets", kind: "drop", times: 6, onMatch: killPublisher });

    for (let delivery = 1; delivery <= MAX_PUBLISH_ATTEMPTS + 1; delivery += 1) {
      const tasks = h.tasks.pending.splice(0).filter(publishTask);
      expect(tasks.map((task) => task.fn)).toEqual(["publishX"]);
      const before = publishCalls();
      const result = await deliverInChild("x", tasks[0]!);
      const run = await runOf(h, id, "x");
      if (delivery <= MAX_PUBLISH_ATTEMPTS) {
        expect({ delivery, signal: result.signal, calls: publishCalls() - before }).toEqual({
          delivery,
          signal: "SIGKILL",
          calls: 1,
        });
        expect(run).toMatchObject({ status: "processing", attempts: delivery, pendingCommit: expect.anything() });
      } else {
        expect({ code: result.code, calls: publishCalls() - before }).toEqual({ code: 0, calls: 0 });
        // The claim finished the run, and said so in the logs.
        expect(result.stderr).toContain("run finished at claim");
        expect(result.stderr).toContain('"status":"unknown","attempts":5');
      }
      h.offsetMs += LEASE_GONE_MS;
      await h.sweep();
    }

    expect(h.tasks.pending.filter(publishTask)).toEqual([]);
    expect(publishCalls() - start).toBe(MAX_PUBLISH_ATTEMPTS);
    expect(x.postsOf(t.account)).toEqual([]);
    const run = await runOf(h, id, "x");
    expect(run).toMatchObject({
      status: "unknown",
      attempts: 5,
      platformPostId: null,
      pendingCommit: null,
      leaseId: null,
      error: { code: "outcome_unknown", retryable: false },
    });
    expect(run.error.message).toMatch(/may have published.*gave up after 5 attempts/);
    const dead = await deadLetters(id);
    expect(dead.docs.map((d) => d.data())).toEqual([
      expect.objectContaining({ runId: "x", status: "unknown", attempts: 5, userId: t.uid }),
    ]);
    expect((await h.db.doc(`postSubmissions/${id}`).get()).data()).toMatchObject({
      status: "failed",
      summary: { total: 1, succeeded: 0, failed: 1, pending: 0 },
    });

    // Final means final: a later sweep hands nothing over, and a stray redelivery changes nothing.
    const settled = await h.db.doc(`postSubmissions/${id}/runs/x`).get();
    h.offsetMs += LEASE_GONE_MS;
    await h.sweep();
    expect(h.tasks.pending.filter(publishTask)).toEqual([]);
    await h.handlers().publishX!({ postSubmissionId: id, runId: "x" }, { retryCount: 9 });
    const after = await h.db.doc(`postSubmissions/${id}/runs/x`).get();
    expect(after.updateTime?.isEqual(settled.updateTime!)).toBe(true);
    expect(publishCalls() - start).toBe(MAX_PUBLISH_ATTEMPTS);
    expect((await deadLetters(id)).size).toBe(1);
  }, 180_000);

  it("a run whose deliveries all died before a publishing call ends failed with a dead letter at the next claim", async () => {
    const t = await liveTenant(h, live, "x");
    const id = await submitted(t);
    h.tasks.pending.length = 0;
    // What a delivery killed while it fetched its media leaves behind: a claim, and nothing else.
    for (let n = 1; n <= MAX_PUBLISH_ATTEMPTS; n += 1) {
      const claim = await h.runs.claim(id, "x", `dead-${n}`, h.clock(), PUBLISH_LEASE_MS, {
        countAttempt: true,
        maxAttempts: MAX_PUBLISH_ATTEMPTS,
      });
      expect(claim.kind).toBe("claimed");
      h.offsetMs += LEASE_GONE_MS;
    }
    const before = x.requests.length;
    await h.sweep();
    expect(h.tasks.pending.filter(publishTask).map((task) => task.payload)).toEqual([
      { postSubmissionId: id, runId: "x" },
    ]);
    await h.drain();

    expect(x.requests.length).toBe(before);
    const run = await runOf(h, id, "x");
    expect(run).toMatchObject({
      status: "failed",
      attempts: 5,
      pendingCommit: null,
      leaseId: null,
      error: { code: "transient", retryable: false },
    });
    expect(run.error.message).toMatch(/gave up after 5 attempts/);
    expect((await deadLetters(id)).docs.map((d) => d.data())).toEqual([
      expect.objectContaining({ status: "failed", attempts: 5 }),
    ]);
    expect((await h.db.doc(`postSubmissions/${id}`).get()).data()).toMatchObject({
      status: "failed",
      summary: { failed: 1, pending: 0 },
    });
  });
});
