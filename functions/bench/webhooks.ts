/**
 * Section 9 of `npm run bench`: webhooks.
 *  - Firestore writes per event, counted at the emulator: the event in its change's commit, the
 *    relay's mark, and one attempt record per endpoint (a failed attempt may add the endpoint's
 *    failing state, once per failing period).
 *  - Event committed (its `createdAt`, the commit's time) → the receiver has the first attempt,
 *    p50/p95: in-process (the Harness delivers each task as soon as it is enqueued: Postcast's own
 *    path, no queue) and, when given the running stack, through the Functions and Cloud Tasks
 *    emulators to a receiver on 127.0.0.1:9200 (the local stack's allowed loopback origin), one
 *    post at a time (each waits for the previous one's events), after one post that warms the
 *    relay and delivery functions' workers (its figure shown apart).
 */
import type { Firestore } from "firebase-admin/firestore";
import type { Harness } from "../test/support/harness";
import { WebhookReceiver } from "../test/support/webhook-receiver";
import { fmt, percentile } from "./stats";

type Stats = { writes: number; reads: number; reset: () => void };

/** Milliseconds from each received event's commit to its first arrival. */
async function latencies(db: Firestore, uid: string, receiver: WebhookReceiver): Promise<number[]> {
  const first = new Map<string, number>();
  for (const r of receiver.received) {
    const id = String(r.headers["webhook-id"]);
    if (!first.has(id)) first.set(id, r.at);
  }
  const out: number[] = [];
  for (const [id, at] of first) {
    const created = (await db.doc(`users/${uid}/events/${id}`).get()).get("createdAt") as { toMillis(): number };
    out.push(at - created.toMillis());
  }
  return out.sort((a, b) => a - b);
}

export async function webhooksInProcess(h: Harness, stats: Stats, log = console.log): Promise<void> {
  const receiver = new WebhookReceiver();
  await receiver.start();
  try {
    const t = await h.tenant();
    await fetchApp(h, t.key, "/v1/webhooks", { url: receiver.url });
    const events = h.deps.submissions.events;
    const n = 200;
    h.tasks.pending.length = 0;
    stats.reset();
    for (let i = 0; i < n; i += 1) {
      const batch = h.db.batch();
      const ref = events.write(batch, {
        userId: t.uid,
        livemode: false,
        type: "post.published",
        change: `bench/${i}`,
        data: { postId: `p${i}`, platform: "threads" },
      });
      await batch.commit();
      await events.relay([ref]);
      await h.drain();
    }
    const writes = stats.writes / n;
    const reads = stats.reads / n;
    log(`   per event, one endpoint, delivered first time: ${fmt(writes, 1)} writes, ${fmt(reads, 1)} reads`);
    const ms = await latencies(h.db, t.uid, receiver);
    log(
      `   in-process (no queue): ${ms.length} events, committed → first attempt p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms`,
    );
  } finally {
    await receiver.stop();
  }
}

export async function webhooksOnStack(
  stack: { base: string; db: Firestore },
  key: string,
  uid: string,
  post: (i: number) => Promise<void>,
  log = console.log,
): Promise<void> {
  const receiver = new WebhookReceiver();
  try {
    await receiver.start(9200);
  } catch {
    log("   on the stack: skipped, 127.0.0.1:9200 is taken (a webhooks:listen running?)");
    return;
  }
  try {
    const res = await fetch(`${stack.base}/v1/webhooks`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "soku-api-key": key },
      body: JSON.stringify({ url: "http://127.0.0.1:9200/bench", events: ["post.published", "post.completed"] }),
    });
    const endpoint = (await res.json()) as { id: string };
    if (res.status !== 201)
      throw new Error(`registering the bench receiver: ${res.status} ${JSON.stringify(endpoint)}`);
    const distinct = () => new Set(receiver.received.map((r) => r.headers["webhook-id"])).size;
    /** Posts one post and waits for its two events (30 s at most), so no post waits behind another's. */
    const oneAtATime = async (i: number) => {
      const before = distinct();
      await post(i);
      const deadline = Date.now() + 30_000;
      while (distinct() < before + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    // The first delivery starts the relay and delivery functions' workers: shown apart.
    await oneAtATime(-1);
    const cold = await latencies(stack.db, uid, receiver);
    receiver.received.length = 0;
    const posts = 20;
    for (let i = 0; i < posts; i += 1) await oneAtATime(i);
    const ms = await latencies(stack.db, uid, receiver);
    log(
      `   on the stack (Functions + Cloud Tasks emulators), ${posts} posts one after another: ${ms.length}/${posts * 2} events, committed → first attempt p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms`,
    );
    log(
      `   (the very first, while the emulator starts the functions' workers: ${cold.map((v) => `${v} ms`).join(", ")})`,
    );
    await fetch(`${stack.base}/v1/webhooks/${endpoint.id}`, { method: "DELETE", headers: { "soku-api-key": key } });
  } finally {
    await receiver.stop();
  }
}

async function fetchApp(h: Harness, key: string, path: string, body: object): Promise<unknown> {
  const { default: request } = await import("supertest");
  const res = await request(h.app).post(path).set("soku-api-key", key).send(body);
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
