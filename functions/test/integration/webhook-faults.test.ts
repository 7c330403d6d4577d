import request from "supertest";
import { Webhook } from "standardwebhooks";
import type { NewEvent } from "../../src/domain/events";
import type { EventRef } from "../../src/store/event-store";
import { Harness } from "../support/harness";
import type { QueuedTask } from "../support/inline-tasks";
import { WebhookReceiver } from "../support/webhook-receiver";

/**
 * The fault suite: 1,000 events delivered to a receiver that fails (500), never answers (the 15 s
 * timeout, shortened here), answers slowly (sometimes after the sender gave up, so it processed a
 * request the sender counts as failed: a duplicate follows), while Cloud Tasks redelivers some
 * deliveries that had succeeded. Every event must be acknowledged, none lost, and every duplicate
 * carry the same webhook-id and body.
 */
const EVENTS = 1000;
const CONCURRENCY = 25;
const TIMEOUT_MS = 150;

const h = new Harness({ projectId: `demo-webhook-faults-${Date.now()}` });
const receiver = new WebhookReceiver();
beforeAll(() => receiver.start());
afterAll(async () => {
  await receiver.stop();
  await h.close();
});

/** A repeatable pseudo-random stream (a failure plan that is the same on every run). */
function lcg(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** Delivers queued tasks `CONCURRENCY` at a time, redelivering failures as Cloud Tasks does. */
async function drainConcurrently(redeliverShare: number, random: () => number) {
  const handlers = h.handlers();
  const redelivered = { count: 0 };
  const attempts = new Map<string, number>();
  while (h.tasks.pending.length > 0) {
    const batch = h.tasks.pending.splice(0, CONCURRENCY);
    await Promise.all(
      batch.map(async (task: QueuedTask) => {
        attempts.set(task.taskId, task.retryCount + 1);
        try {
          await handlers[task.fn]!(task.payload, { retryCount: task.retryCount });
          // At least once: some tasks that succeeded are delivered again.
          if (task.fn === "deliverWebhook" && task.retryCount < 30 && random() < redeliverShare) {
            redelivered.count += 1;
            h.tasks.pending.push({ ...task, retryCount: task.retryCount + 1 });
          }
        } catch {
          h.tasks.pending.push({ ...task, retryCount: task.retryCount + 1 });
        }
      }),
    );
  }
  return { redelivered: redelivered.count, maxAttempts: Math.max(...attempts.values()) };
}

it(`${EVENTS} events through failures, timeouts, slow answers and redeliveries: all acknowledged, none lost, duplicates only with the same webhook-id`, async () => {
  const t = await h.tenant();
  const created = await request(h.app).post("/v1/webhooks").set("soku-api-key", t.key).send({ url: receiver.url });
  expect(created.status).toBe(201);
  const secret = created.body.secret as string;
  h.webhookRequest = { timeoutMs: TIMEOUT_MS, loopbackOrigins: "any" };

  const plan = lcg(42);
  const tally = { failed: 0, hung: 0, slow: 0, late: 0, ok: 0 };
  const acked = new Set<string>();
  receiver.behave = (r) => {
    const roll = plan();
    const id = String(r.headers["webhook-id"]);
    if (roll < 0.2) return ((tally.failed += 1), { status: 500 });
    if (roll < 0.25) return ((tally.hung += 1), { hang: true });
    // Answers after the sender gave up: processed here, a failure there.
    if (roll < 0.3) return ((tally.late += 1), acked.add(id), { status: 200, delayMs: TIMEOUT_MS * 2 });
    if (roll < 0.4) return ((tally.slow += 1), acked.add(id), { status: 200, delayMs: TIMEOUT_MS / 3 });
    tally.ok += 1;
    acked.add(id);
    return { status: 204 };
  };

  // 1,000 events, recorded as changes record them, and relayed.
  const events = h.deps.submissions.events;
  const refs: EventRef[] = [];
  for (let i = 0; i < EVENTS; i += 250) {
    const batch = h.db.batch();
    for (let n = i; n < Math.min(EVENTS, i + 250); n += 1) {
      const event: NewEvent = {
        userId: t.uid,
        livemode: false,
        type: "post.published",
        change: `fault-suite/${n}`,
        data: { postId: `p${n}`, runId: "threads", platform: "threads", accountId: "threads_main" },
      };
      refs.push(events.write(batch, event));
    }
    await batch.commit();
  }
  await events.relay(refs);

  const started = Date.now();
  const { redelivered, maxAttempts } = await drainConcurrently(0.05, lcg(7));
  const elapsed = Date.now() - started;

  const ids = refs.map((r) => r.eventId);
  const received = new Map<string, string[]>();
  for (const r of receiver.received) {
    const id = String(r.headers["webhook-id"]);
    received.set(id, [...(received.get(id) ?? []), r.body]);
    expect(new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).toMatchObject({ id });
  }
  const lost = ids.filter((id) => !acked.has(id));
  const sendersView = await h.db.collection(`users/${t.uid}/webhookDeliveries`).where("statusCode", ">=", 200).get();
  const confirmed = new Set(
    sendersView.docs.filter((d) => (d.get("statusCode") as number) < 300).map((d) => d.get("eventId") as string),
  );
  const duplicates = [...received.values()].filter((bodies) => bodies.length > 1);

  console.log(
    [
      `webhook fault suite: ${EVENTS} events, ${receiver.received.length} requests in ${(elapsed / 1000).toFixed(1)} s`,
      `  receiver: ${tally.ok} ok, ${tally.slow} slow, ${tally.late} answered after the timeout, ${tally.failed} × 500, ${tally.hung} never answered`,
      `  redelivered after success: ${redelivered}; most attempts for one delivery: ${maxAttempts}`,
      `  acknowledged: ${acked.size}/${EVENTS} (sender confirmed ${confirmed.size}); lost: ${lost.length}; events seen more than once: ${duplicates.length}`,
    ].join("\n"),
  );

  expect(lost).toEqual([]);
  expect([...received.keys()].sort()).toEqual([...ids].sort());
  expect(confirmed.size).toBe(EVENTS);
  // A duplicate is the same event: the same webhook-id (the map's key) and the same body.
  for (const bodies of duplicates) expect(new Set(bodies).size).toBe(1);
  expect(duplicates.length).toBeGreaterThan(0);
  expect(receiver.received.length).toBe([...received.values()].reduce((n, b) => n + b.length, 0));
}, 300_000);
