import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import functionsTest from "firebase-functions-test";
import { wrapV2 } from "firebase-functions-test/lib/v2";
import { Timestamp } from "firebase-admin/firestore";
import request from "supertest";
import { PLATFORMS, type Platform } from "../../src/domain/platforms";
import { CLIENT_SECRETS, REFRESH_NEEDS_SECRET } from "../../src/config/secrets";
import { PUBLISH_FUNCTION, TASK_FUNCTIONS } from "../../src/tasks/dispatch";
import {
  MAX_PUBLISH_ATTEMPTS,
  ORCHESTRATOR_RATE_LIMITS,
  ORCHESTRATOR_RETRY,
  PUBLISHER_TIMEOUT_SECONDS,
  PUBLISH_LEASE_MS,
  PUBLISH_RATE_LIMITS,
  PUBLISH_RETRY,
  RELAY_RATE_LIMITS,
  RELAY_RETRY,
  WEBHOOK_RATE_LIMITS,
  WEBHOOK_RETRY,
} from "../../src/tasks/queue-options";
import { Harness } from "../support/harness";

/**
 * The task and scheduled functions as deployed: src/index.ts's exports, wrapped by
 * firebase-functions-test, against the Firestore emulator, with their own runtime wiring
 * (config/task-runtime.ts). Cloud Tasks is a recording stand-in for firebase-tools' emulator, reached
 * the way production code reaches that emulator (CLOUD_TASKS_EMULATOR_HOST).
 */

// A project of its own: the deployed sweeper queries the whole database.
const PROJECT = `demo-function-wiring-${Date.now()}`;
process.env.GCLOUD_PROJECT = PROJECT;
process.env.GOOGLE_CLOUD_PROJECT = PROJECT;

interface RecordedTask {
  queue: string;
  taskId: string;
  scheduleTime: string | null;
  data: Record<string, unknown>;
}

/** Answers as firebase-tools' Cloud Tasks emulator does (409 for an id it has), or 503 while `down`. */
class RecordingCloudTasks {
  readonly tasks: RecordedTask[] = [];
  down = false;
  private readonly server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const match = /^\/projects\/([^/]+)\/locations\/([^/]+)\/queues\/([^/]+)\/tasks$/.exec(req.url ?? "");
      if (this.down || req.method !== "POST" || !match) {
        res.writeHead(this.down ? 503 : 404).end();
        return;
      }
      const { task } = JSON.parse(body) as {
        task: { name: string; scheduleTime?: string; httpRequest: { body: string } };
      };
      const taskId = task.name.split("/").pop()!;
      if (this.tasks.some((t) => t.taskId === taskId)) {
        res.writeHead(409).end();
        return;
      }
      const payload = JSON.parse(Buffer.from(task.httpRequest.body, "base64").toString()) as {
        data: Record<string, unknown>;
      };
      this.tasks.push({ queue: match[3]!, taskId, scheduleTime: task.scheduleTime ?? null, data: payload.data });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });

  async start(): Promise<string> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  of(postSubmissionId: string): RecordedTask[] {
    return this.tasks.filter((t) => t.data.postSubmissionId === postSubmissionId);
  }
}

const cloudTasks = new RecordingCloudTasks();
const fft = functionsTest({ projectId: PROJECT });
const h = new Harness({ projectId: PROJECT });
type Functions = typeof import("../../src/index");
let fns: Functions;

beforeAll(async () => {
  process.env.CLOUD_TASKS_EMULATOR_HOST = await cloudTasks.start();
  // Loaded after the env is set, as the Functions emulator loads the built code.
  fns = await import("../../src/index");
});
afterAll(async () => {
  fft.cleanup();
  await cloudTasks.stop();
  await h.close();
});

// firebase-functions-test's typings name CloudEvent and callable functions only; at run time it
// wraps any v2 function by calling its `run` with what it is given (a task request, a scheduled event).
const wrap = (fn: unknown) => fft.wrap(fn as Parameters<typeof fft.wrap>[0]) as (input: object) => unknown;

/** A deployed task function, delivered as Cloud Tasks delivers: a payload and its retry count. */
async function deliver(fn: keyof typeof TASK_FUNCTIONS, data: unknown, retryCount = 0): Promise<unknown> {
  const delivery = { data, retryCount, executionCount: retryCount, queueName: fn, id: "task", scheduledTime: "" };
  return await wrap(fns[fn])(delivery);
}

/**
 * A deployed scheduled function, run as Cloud Scheduler runs it. Through wrapV2 itself: fft.wrap
 * tells v1 from v2 by the function's arity, and an onSchedule function is an HTTP handler (req, res).
 */
async function schedule(fn: "sweepSubmissions" | "renewTokens" | "purgeMedia"): Promise<unknown> {
  const wrapped = wrapV2(fns[fn] as unknown as Parameters<typeof wrapV2>[0]);
  const event = { scheduleTime: new Date().toISOString(), jobName: fn };
  return await (wrapped as (event: object) => unknown)(event);
}

/** A test-mode post accepted through the api; its orchestration task stays in the harness's queue. */
async function accepted(platforms: Platform[], extra: Record<string, unknown> = {}): Promise<string> {
  const t = await h.tenant();
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", t.key)
    .send({ post: { content: { text: `wiring ${Math.random()}`, platform: platforms } }, ...extra });
  expect([res.status, res.body]).toEqual([202, expect.objectContaining({ postSubmissionId: expect.any(String) })]);
  return res.body.postSubmissionId as string;
}

const submission = async (id: string) => (await h.db.doc(`postSubmissions/${id}`).get()).data()!;
const runOf = async (id: string, runId: string) =>
  (await h.db.doc(`postSubmissions/${id}/runs/${runId}`).get()).data()!;

// The module object itself (an `import * as` namespace has read-only bindings to spy on).
const logger = jest.requireActual<typeof import("firebase-functions/logger")>("firebase-functions/logger");

/** What the functions' log lines said at `severity` while `work` ran. */
async function logged(severity: "warn" | "error", work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const spy = jest.spyOn(logger, severity).mockImplementation(() => undefined);
  try {
    await work();
    return spy.mock.calls.map(([message, fields]) => ({ message, ...(fields as object) }));
  } finally {
    spy.mockRestore();
  }
}

type Endpoint = {
  region?: string[];
  timeoutSeconds?: number;
  availableMemoryMb?: number;
  cpu?: number;
  concurrency?: number;
  secretEnvironmentVariables?: { key: string }[];
  taskQueueTrigger?: { retryConfig?: object; rateLimits?: object };
  scheduleTrigger?: { schedule?: string };
};
const endpoint = (fn: keyof Functions): Endpoint => (fns[fn] as unknown as { __endpoint: Endpoint }).__endpoint;
const secrets = (fn: keyof Functions) => (endpoint(fn).secretEnvironmentVariables ?? []).map((s) => s.key).sort();
const ALL_SECRETS = ["CREDENTIALS_KEY", ...Object.values(CLIENT_SECRETS).map((s) => s.name)].sort();

describe("the deployed functions' options", () => {
  it("every task function the code enqueues to is exported as a task queue function under its name", () => {
    for (const name of Object.values(TASK_FUNCTIONS)) {
      expect(endpoint(name).taskQueueTrigger).toBeDefined();
      expect(endpoint(name).region).toEqual(["us-central1"]);
    }
  });

  it("orchestratePost: its retries, rate limits, 1 GiB and 540 s (it rehosts media)", () => {
    const e = endpoint("orchestratePost");
    expect(e.taskQueueTrigger).toMatchObject({ retryConfig: ORCHESTRATOR_RETRY, rateLimits: ORCHESTRATOR_RATE_LIMITS });
    expect(e).toMatchObject({ timeoutSeconds: 540, availableMemoryMb: 1024 });
    expect(secrets("orchestratePost")).toEqual([]);
  });

  it.each(PLATFORMS)(
    "publish %s: its queue's limits, a retry budget above the run's attempts, a lease outliving it",
    (p) => {
      const e = endpoint(PUBLISH_FUNCTION[p]);
      expect(e.taskQueueTrigger).toMatchObject({ retryConfig: PUBLISH_RETRY, rateLimits: PUBLISH_RATE_LIMITS[p] });
      // Deliveries that find the run held are retried without spending an attempt.
      expect(PUBLISH_RETRY.maxAttempts).toBeGreaterThan(MAX_PUBLISH_ATTEMPTS);
      expect(e).toMatchObject({
        timeoutSeconds: PUBLISHER_TIMEOUT_SECONDS,
        availableMemoryMb: 512,
        cpu: 1,
        concurrency: 40,
      });
      expect(PUBLISH_LEASE_MS).toBeGreaterThan(PUBLISHER_TIMEOUT_SECONDS * 1000);
      const own = REFRESH_NEEDS_SECRET.has(p) ? [CLIENT_SECRETS[p].name] : [];
      expect(secrets(PUBLISH_FUNCTION[p])).toEqual(["CREDENTIALS_KEY", ...own].sort());
    },
  );

  it("relayEvent and deliverWebhook: their queues' retries (about 3 days for deliveries) and limits", () => {
    expect(endpoint("relayEvent").taskQueueTrigger).toMatchObject({
      retryConfig: RELAY_RETRY,
      rateLimits: RELAY_RATE_LIMITS,
    });
    expect(secrets("relayEvent")).toEqual([]);
    expect(endpoint("deliverWebhook").taskQueueTrigger).toMatchObject({
      retryConfig: WEBHOOK_RETRY,
      rateLimits: WEBHOOK_RATE_LIMITS,
    });
    // A delivery's 15 s timeout and its bookkeeping fit; the secrets are sealed with CREDENTIALS_KEY.
    expect(endpoint("deliverWebhook")).toMatchObject({ timeoutSeconds: 60, concurrency: 80 });
    expect(secrets("deliverWebhook")).toEqual(["CREDENTIALS_KEY"]);
  });

  it("the scheduled functions: their schedules, timeouts and secrets", () => {
    expect(endpoint("sweepSubmissions")).toMatchObject({
      scheduleTrigger: { schedule: "every 1 minutes" },
      timeoutSeconds: 300,
    });
    expect(secrets("sweepSubmissions")).toEqual([]);
    expect(endpoint("renewTokens")).toMatchObject({
      scheduleTrigger: { schedule: "every 30 minutes" },
      timeoutSeconds: 540,
    });
    expect(secrets("renewTokens")).toEqual(ALL_SECRETS);
    expect(endpoint("purgeMedia")).toMatchObject({
      scheduleTrigger: { schedule: "every 6 hours" },
      timeoutSeconds: 540,
    });
    expect(secrets("api")).toEqual(ALL_SECRETS);
  });
});

describe("the deployed task functions' deliveries", () => {
  it("orchestratePost hands each run to its platform's queue under the run's task id; the publishers publish them", async () => {
    const id = await accepted(["linkedin", "threads"]);
    await deliver("orchestratePost", { postSubmissionId: id });
    expect(await submission(id)).toMatchObject({ status: "dispatched" });
    const [linkedin, threads] = cloudTasks.of(id).sort((a, b) => a.queue.localeCompare(b.queue));
    expect([linkedin, threads]).toEqual([
      {
        queue: "publishLinkedin",
        taskId: `pub-${id}-linkedin-0`,
        scheduleTime: null,
        data: { postSubmissionId: id, runId: "linkedin" },
      },
      {
        queue: "publishThreads",
        taskId: `pub-${id}-threads-0`,
        scheduleTime: null,
        data: { postSubmissionId: id, runId: "threads" },
      },
    ]);

    // A redelivery enqueues nothing new (the ids are taken).
    await deliver("orchestratePost", { postSubmissionId: id }, 1);
    expect(cloudTasks.of(id)).toHaveLength(2);

    await deliver("publishLinkedin", linkedin!.data);
    expect(await runOf(id, "linkedin")).toMatchObject({ status: "succeeded", attempts: 1 });
    // Runs never write the submission (no hot document): the last to finish settles it.
    expect(await submission(id)).toMatchObject({ status: "dispatched", summary: { succeeded: 0, pending: 2 } });
    await deliver("publishThreads", threads!.data);
    expect(await runOf(id, "threads")).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await submission(id)).toMatchObject({ status: "completed", summary: { succeeded: 2, pending: 0 } });
  });

  it("a publisher drops a run of another platform without touching it", async () => {
    const id = await accepted(["threads"]);
    await deliver("orchestratePost", { postSubmissionId: id });
    const [threads] = cloudTasks.of(id);
    const warnings = await logged("warn", () => expect(deliver("publishX", threads!.data)).resolves.toBeUndefined());
    expect(warnings).toEqual([
      expect.objectContaining({ message: "task dropped", task: "publishX", reason: "run belongs to another platform" }),
    ]);
    // Dropped before it is claimed: no attempt spent, no lease left for publishThreads to wait out.
    expect(await runOf(id, "threads")).toMatchObject({ status: "queued", attempts: 0, leaseId: null });
    await deliver("publishThreads", threads!.data);
    expect(await runOf(id, "threads")).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  // A malformed payload was not made by Postcast's dispatch: redelivering it cannot make it valid,
  // and the work it stood for is not lost by dropping it (the post is in Firestore, and the sweeper
  // hands any post or run left waiting to a new task). So it is logged and acknowledged.
  it.each([
    ["orchestratePost", { postSubmissionId: 42 }],
    ["orchestratePost", "not an object"],
    ["publishX", { postSubmissionId: "p" }],
    ["publishLinkedin", null],
  ] as const)("%s with a malformed payload (%j): logged and acknowledged, not retried", async (fn, data) => {
    const warnings = await logged("warn", () => expect(deliver(fn, data)).resolves.toBeUndefined());
    expect(warnings).toEqual([
      expect.objectContaining({ message: "task dropped", task: fn, reason: "malformed payload" }),
    ]);
  });

  it("orchestratePost rejects while Cloud Tasks refuses its enqueues, so Cloud Tasks retries; its last attempt records the failure", async () => {
    const id = await accepted(["threads"]);
    cloudTasks.down = true;
    try {
      await expect(deliver("orchestratePost", { postSubmissionId: id }, 0)).rejects.toThrow(/503/);
      expect(await submission(id)).toMatchObject({ status: "orchestrating" });
      await expect(
        deliver("orchestratePost", { postSubmissionId: id }, ORCHESTRATOR_RETRY.maxAttempts - 1),
      ).resolves.toBeUndefined();
    } finally {
      cloudTasks.down = false;
    }
    expect(await runOf(id, "threads")).toMatchObject({ status: "failed", error: { code: "dispatch_failed" } });
  });

  it("a publisher rejects on a transient failure (Cloud Tasks' backoff retries it) and succeeds on the redelivery", async () => {
    const id = await accepted(["linkedin"], { sandbox: { outcomes: { linkedin: "transient" } } });
    await deliver("orchestratePost", { postSubmissionId: id });
    const [task] = cloudTasks.of(id);
    await expect(deliver("publishLinkedin", task!.data, 0)).rejects.toThrow(/transient/);
    expect(await runOf(id, "linkedin")).toMatchObject({
      status: "queued",
      attempts: 1,
      waiting: { reason: "retry_backoff" },
    });
    await expect(deliver("publishLinkedin", task!.data, 1)).rejects.toThrow(/transient/);
    await deliver("publishLinkedin", task!.data, 2);
    expect(await runOf(id, "linkedin")).toMatchObject({ status: "succeeded", attempts: 3 });
  });

  it("a publisher rejects while another delivery holds the run, without spending an attempt", async () => {
    const id = await accepted(["facebook"]);
    await deliver("orchestratePost", { postSubmissionId: id });
    const [task] = cloudTasks.of(id);
    const held = await h.runs.claim(id, "facebook", "another-delivery", new Date(), PUBLISH_LEASE_MS, {
      countAttempt: true,
      maxAttempts: MAX_PUBLISH_ATTEMPTS,
    });
    expect(held.kind).toBe("claimed");
    await expect(deliver("publishFacebook", task!.data)).rejects.toThrow(/held by another delivery/);
    expect(await runOf(id, "facebook")).toMatchObject({
      status: "processing",
      attempts: 1,
      leaseId: "another-delivery",
    });
  });
});

describe("the deployed webhook functions", () => {
  it("relayEvent hands an event to deliverWebhook's queue once per endpoint, under the event's and endpoint's id", async () => {
    const t = await h.tenant();
    const hook = await request(h.app)
      .post("/v1/webhooks")
      .set("soku-api-key", t.key)
      .send({ url: "https://8.8.8.8/in" });
    expect(hook.status).toBe(201);
    const res = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({
        post: { content: { text: "relay", platform: ["threads"] } },
        scheduledTime: new Date(Date.now() + 3600_000).toISOString(),
      });
    expect(res.status).toBe(202);
    // The api relayed post.scheduled to the harness's queue; the deployed relay is fed the same payload.
    const relay = h.tasks.pending.find(
      (task) => task.fn === "relayEvent" && (task.payload as { userId: string }).userId === t.uid,
    );
    expect(relay).toMatchObject({ taskId: expect.stringMatching(/^rly-evt_[0-9a-f]{32}$/) });
    const payload = relay!.payload as { userId: string; eventId: string };
    await deliver("relayEvent", payload);
    await deliver("relayEvent", payload, 1);
    expect(
      cloudTasks.tasks.filter((task) => task.queue === "deliverWebhook" && task.data.eventId === payload.eventId),
    ).toEqual([
      {
        queue: "deliverWebhook",
        taskId: `whk-${payload.eventId}-${hook.body.id as string}`,
        scheduleTime: null,
        data: { userId: t.uid, eventId: payload.eventId, endpointId: hook.body.id as string },
      },
    ]);
  });

  it.each([
    ["relayEvent", { userId: "u" }],
    ["deliverWebhook", { userId: "u", eventId: "evt_x", endpointId: "we_1" }],
  ] as const)("%s with a malformed payload (%j): logged and acknowledged", async (fn, data) => {
    const warnings = await logged("warn", () => expect(deliver(fn, data)).resolves.toBeUndefined());
    expect(warnings).toEqual([
      expect.objectContaining({ message: "task dropped", task: fn, reason: "malformed payload" }),
    ]);
  });
});

describe("the deployed scheduled functions", () => {
  it("sweepSubmissions hands a post whose orchestration was lost to the queue again", async () => {
    const id = await accepted(["threads"]);
    // Accepted, but its task never ran (the harness's queue is not drained): make it old enough.
    await h.db.doc(`postSubmissions/${id}`).update({ updatedAt: Timestamp.fromMillis(Date.now() - 10 * 60_000) });
    await schedule("sweepSubmissions");
    const [task] = cloudTasks.of(id);
    expect(task).toMatchObject({ queue: "orchestratePost", data: { postSubmissionId: id } });
    expect(task!.taskId).toMatch(new RegExp(`^orch-${id}-now-sweep-\\d+$`));
  });

  it("sweepSubmissions rejects when it cannot enqueue (the next run tries again)", async () => {
    const id = await accepted(["threads"]);
    await h.db.doc(`postSubmissions/${id}`).update({ updatedAt: Timestamp.fromMillis(Date.now() - 10 * 60_000) });
    cloudTasks.down = true;
    try {
      await expect(schedule("sweepSubmissions")).rejects.toThrow(/503/);
    } finally {
      cloudTasks.down = false;
    }
  });

  it("renewTokens and purgeMedia run over an empty project", async () => {
    await expect(schedule("renewTokens")).resolves.toBeUndefined();
    await expect(schedule("purgeMedia")).resolves.toBeUndefined();
  });
});
