import request from "supertest";
import { Webhook } from "standardwebhooks";
import { Timestamp } from "firebase-admin/firestore";
import { Harness } from "../support/harness";
import { internalUrls } from "../support/internal-urls";
import { MediaOrigin } from "../support/media-origin";
import { WebhookReceiver } from "../support/webhook-receiver";
import { WEBHOOK_RETRY } from "../../src/tasks/queue-options";
import { FAILING_LIMIT_MS } from "../../src/tasks/webhooks";

const h = new Harness();
const receiver = new WebhookReceiver();
const other = new WebhookReceiver();
const origin = new MediaOrigin();
beforeAll(async () => {
  await receiver.start();
  await other.start();
  await origin.start();
});
afterAll(async () => {
  await receiver.stop();
  await other.stop();
  await origin.stop();
  await h.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  other.received.length = 0;
  receiver.behave = () => ({ status: 204 });
  other.behave = () => ({ status: 204 });
  h.webhookRequest = { timeoutMs: 15_000, loopbackOrigins: "any" };
  h.offsetMs = 0;
});

const api = () => request(h.app);

async function register(key: string, body: Record<string, unknown>) {
  const res = await api().post("/v1/webhooks").set("soku-api-key", key).send(body);
  expect([res.status, res.body.secret]).toEqual([201, expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/)]);
  return res.body as { id: string; secret: string };
}

async function publish(key: string, content: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await api()
    .post("/v1/posts")
    .set("soku-api-key", key)
    .send({ post: { content: { text: `hooks ${Math.random()}`, ...content } }, ...extra });
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

async function feed(key: string, query: Record<string, string> = {}) {
  const res = await api().get("/v1/events").query(query).set("soku-api-key", key);
  expect(res.status).toBe(200);
  return res.body as {
    data: { id: string; type: string; data: Record<string, unknown>; livemode: boolean }[];
    next: string;
  };
}

/** Verifies one received request with the standardwebhooks library, as a receiver would. */
function verified(secret: string, r: { body: string; headers: Record<string, unknown> }) {
  return new Webhook(secret).verify(r.body, {
    "webhook-id": String(r.headers["webhook-id"]),
    "webhook-timestamp": String(r.headers["webhook-timestamp"]),
    "webhook-signature": String(r.headers["webhook-signature"]),
  });
}

describe("events: recorded with their change, exactly once", () => {
  it("a published post: post.published per target and post.completed, once each even when every task is delivered again", async () => {
    const t = await h.tenant();
    const hook = await register(t.key, { url: receiver.url });
    const id = await publish(t.key, { platform: ["threads", "linkedin"] });
    await h.drain();

    const types = (await feed(t.key)).data.map((e) => e.type).sort();
    expect(types).toEqual(["post.completed", "post.published", "post.published"]);

    // Every task delivered again, as Cloud Tasks may: no second event, no second delivery of one.
    const handlers = h.handlers();
    for (const task of [...h.tasks.delivered]) await handlers[task.fn]!(task.payload, { retryCount: 1 });
    await h.drain();
    const events = (await feed(t.key)).data;
    expect(events.map((e) => e.type).sort()).toEqual(types);

    const published = events.filter((e) => e.type === "post.published");
    expect(published.map((e) => e.data.platform).sort()).toEqual(["linkedin", "threads"]);
    expect(published[0]!.data).toMatchObject({
      postId: id,
      runId: expect.any(String),
      platformPostId: expect.any(String),
    });
    expect(events.find((e) => e.type === "post.completed")!.data).toMatchObject({
      postId: id,
      status: "completed",
      summary: { total: 2, succeeded: 2, failed: 0, pending: 0, canceled: 0 },
    });
    expect(events.every((e) => e.livemode === false)).toBe(true);

    // Redelivered tasks may deliver again; a receiver sees the same webhook-id each time.
    const ids = receiver.received.map((r) => String(r.headers["webhook-id"]));
    expect([...new Set(ids)].sort()).toEqual(events.map((e) => e.id).sort());
    for (const r of receiver.received) {
      expect(verified(hook.secret, r)).toMatchObject({ id: r.headers["webhook-id"], version: 1, livemode: false });
    }
  });

  it("post.failed (dead_lettered when attempts ran out), post.unknown, and the completed post's status", async () => {
    const t = await h.tenant();
    const id = await publish(
      t.key,
      { platform: ["threads", "linkedin", "facebook"] },
      {
        sandbox: { outcomes: { threads: "fail", linkedin: "unknown" } },
      },
    );
    // Orchestrated only; then facebook's run looks like one whose deliveries all died holding it.
    await h.tasks.drain({ orchestratePost: h.handlers().orchestratePost! });
    await h.db.doc(`postSubmissions/${id}/runs/facebook`).update({
      status: "processing",
      attempts: 5,
      leaseId: "dead",
      leaseExpiresAt: Timestamp.fromMillis(Date.now() - 1000),
    });
    await h.drain();
    const events = (await feed(t.key)).data;
    const byPlatform = (type: string) =>
      Object.fromEntries(events.filter((e) => e.type === type).map((e) => [e.data.platform, e.data]));
    expect(Object.keys(byPlatform("post.failed")).sort()).toEqual(["facebook", "threads"]);
    expect(byPlatform("post.failed").threads).toMatchObject({
      error: { code: expect.any(String) },
      dead_lettered: expect.any(Boolean),
    });
    expect(byPlatform("post.failed").facebook).toMatchObject({
      dead_lettered: true,
      attempts: 5,
      error: { code: "transient" },
    });
    expect(byPlatform("post.unknown").linkedin).toMatchObject({ reason: { code: expect.any(String) } });
    expect(events.filter((e) => e.type === "post.completed").map((e) => e.data.status)).toEqual(["failed"]);
  });

  it("post.scheduled on a scheduled post, post.canceled when it is canceled, once however often", async () => {
    const t = await h.tenant();
    const id = await publish(
      t.key,
      { platform: ["threads"] },
      { scheduledTime: new Date(Date.now() + 3600_000).toISOString() },
    );
    for (let i = 0; i < 2; i += 1) {
      expect((await api().delete(`/v1/posts/${id}`).set("soku-api-key", t.key)).status).toBe(200);
    }
    const events = (await feed(t.key)).data;
    expect(events.map((e) => e.type)).toEqual(["post.scheduled", "post.canceled"]);
    expect(events[0]!.data).toMatchObject({ postId: id, targets: [{ platform: "threads" }] });
  });

  it("test and live keys are separate worlds: a key's feed and endpoints hold its own only", async () => {
    const t = await h.tenant({ keys: [{ mode: "test" }, { mode: "live" }] });
    const [testKey, liveKey] = t.keys as [string, string];
    const hook = await register(testKey, { url: receiver.url });
    await publish(testKey, { platform: ["threads"] });
    await h.drain();
    expect((await feed(testKey)).data.length).toBe(2);
    expect((await feed(liveKey)).data).toEqual([]);
    expect((await api().get(`/v1/webhooks/${hook.id}`).set("soku-api-key", liveKey)).status).toBe(404);
    expect((await api().get("/v1/webhooks").set("soku-api-key", liveKey)).body).toEqual({ data: [] });
  });
});

describe("account and media events", () => {
  const dates = (reconnectBy: Date | null) => ({ tokenExpiresAt: null, reconnectBy });

  it("connected, needs_reauth, disconnected and connected again: each once, in both worlds, and delivered", async () => {
    const t = await h.tenant({ keys: [{ mode: "test" }, { mode: "live" }] });
    const [testKey, liveKey] = t.keys as [string, string];
    await register(liveKey, { url: receiver.url, events: ["account.connected", "account.disconnected"] });
    const account = { userId: t.uid, platform: "linkedin" as const, accountId: "linkedin_second" };
    const profile = { accountId: account.accountId, username: "second", displayName: "Second", avatarUrl: null };
    await h.deps.standing.connected(t.uid, { ...profile, platform: "linkedin" }, dates(null));
    await h.deps.standing.needsReauth(account, "The platform refused the token.");
    await h.deps.standing.needsReauth(account, "Again.");
    await h.deps.standing.disconnected(account);
    await h.deps.standing.disconnected(account);
    await h.deps.standing.connected(t.uid, { ...profile, platform: "linkedin" }, dates(null));
    await h.drain();

    for (const key of [testKey, liveKey]) {
      const events = (await feed(key)).data;
      expect(events.map((e) => e.type)).toEqual([
        "account.connected",
        "account.needs_reauth",
        "account.disconnected",
        "account.connected",
      ]);
      expect(events[0]!.data).toMatchObject({ platform: "linkedin", accountId: "linkedin_second", reconnected: false });
      expect(events[1]!.data).toMatchObject({ reason: "The platform refused the token." });
      expect(events[3]!.data).toMatchObject({ reconnected: true });
    }
    expect(receiver.events().map((e) => [e.type, (e as unknown as { livemode: boolean }).livemode])).toEqual([
      ["account.connected", true],
      ["account.disconnected", true],
      ["account.connected", true],
    ]);
  });

  it("account.expiring names reconnectBy and the scheduled posts of its world that the end puts at risk", async () => {
    const t = await h.tenant({ keys: [{ mode: "test" }, { mode: "live" }] });
    const [testKey, liveKey] = t.keys as [string, string];
    const reconnectBy = new Date(Date.now() + 2 * 24 * 3600_000);
    const start = Date.now();
    const at = (days: number) => new Date(start + days * 24 * 3600_000).toISOString();
    const late = await publish(testKey, { platform: ["linkedin"] }, { scheduledTime: at(3) });
    await publish(testKey, { platform: ["linkedin"] }, { scheduledTime: at(1) });
    const account = { userId: t.uid, platform: "linkedin" as const, accountId: "linkedin_main" };
    await h.deps.standing.reconnectBy(account, reconnectBy);
    await h.deps.standing.reconnectBy(account, reconnectBy);
    const [expiring, ...more] = (await feed(testKey, { type: "account.expiring" })).data;
    expect(more).toEqual([]);
    expect(expiring!.data).toEqual({
      platform: "linkedin",
      accountId: "linkedin_main",
      reconnectBy: reconnectBy.toISOString(),
      scheduledPostsAtRisk: [{ postId: late, scheduledTime: at(3) }],
    });
    expect((await feed(liveKey, { type: "account.expiring" })).data[0]!.data).toMatchObject({
      scheduledPostsAtRisk: [],
    });
  });

  it("media.ready when a caller's media is stored", async () => {
    const t = await h.tenant();
    await register(t.key, { url: receiver.url, events: ["media.ready"] });
    const res = await api()
      .post("/v1/media")
      .set("soku-api-key", t.key)
      .send({ url: `${origin.url}/files/photo.jpg?hooks=${Date.now()}` });
    expect(res.status).toBeLessThan(300);
    await h.drain();
    const [ready] = receiver.events("media.ready");
    expect(ready!.data).toMatchObject({
      mediaId: res.body.id ?? res.body.mediaId,
      contentType: "image/jpeg",
      kind: "image",
    });
  });
});

describe("the feed", () => {
  it("pages in commit order with a cursor that skips nothing written meanwhile, and filters by type", async () => {
    const t = await h.tenant();
    await publish(t.key, { platform: ["threads"] });
    await h.drain();
    // One commit wrote post.published and post.completed: one time, then ordered by id.
    const first = await feed(t.key, { limit: "1" });
    expect(first.data).toHaveLength(1);

    // Events committed concurrently while a reader pages.
    const ids = await Promise.all([1, 2, 3].map(() => publish(t.key, { platform: ["threads", "linkedin"] })));
    const draining = h.drain();
    const seen = [...first.data.map((e) => e.id)];
    let cursor = first.next;
    for (let i = 0; i < 30; i += 1) {
      const page = await feed(t.key, { after: cursor, limit: "2" });
      seen.push(...page.data.map((e) => e.id));
      cursor = page.next;
    }
    await draining;
    for (;;) {
      const page = await feed(t.key, { after: cursor, limit: "5" });
      if (page.data.length === 0) break;
      seen.push(...page.data.map((e) => e.id));
      cursor = page.next;
    }
    const all = (await feed(t.key, { limit: "100" })).data.map((e) => e.id);
    expect(all).toHaveLength(2 + ids.length * 3);
    expect(seen).toEqual(all);

    const completed = await feed(t.key, { type: "post.completed" });
    expect(completed.data.map((e) => e.type)).toEqual(Array(4).fill("post.completed"));
  });

  it.each([
    [{ after: "nope" }, "after"],
    [{ type: "post.nothing" }, "type"],
    [{ limit: "0" }, "limit"],
    [{ limit: "101" }, "limit"],
    [{ other: "x" }, "other"],
  ])("refuses %j with a 400 on %s", async (query, field) => {
    const t = await h.tenant();
    const res = await api().get("/v1/events").query(query).set("soku-api-key", t.key);
    expect([res.status, res.body.error.code, res.body.error.details.field]).toEqual([400, "validation_error", field]);
  });
});

describe("the endpoints API", () => {
  it("creates (secret shown once), lists, reads, updates and deletes an endpoint", async () => {
    const t = await h.tenant();
    const created = await register(t.key, { url: receiver.url, events: ["post.published"], description: "mine" });
    const got = await api().get(`/v1/webhooks/${created.id}`).set("soku-api-key", t.key);
    expect(got.body).toEqual({
      id: created.id,
      url: receiver.url,
      events: ["post.published"],
      description: "mine",
      enabled: true,
      livemode: false,
      createdAt: expect.any(String),
      failingSince: null,
      disabledAt: null,
      disabledReason: null,
      previousSecretExpiresAt: null,
    });
    const list = await api().get("/v1/webhooks").set("soku-api-key", t.key);
    expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([created.id]);
    expect(JSON.stringify(list.body)).not.toContain("whsec_");
    // The stored endpoint holds no secret either; the sealed one is elsewhere.
    expect(JSON.stringify((await h.db.doc(`users/${t.uid}/webhooks/${created.id}`).get()).data())).not.toContain(
      created.secret.slice(6, 20),
    );
    expect(JSON.stringify((await h.db.doc(`webhookSecrets/${created.id}`).get()).data())).not.toContain(
      created.secret.slice(6, 20),
    );

    const patched = await api()
      .patch(`/v1/webhooks/${created.id}`)
      .set("soku-api-key", t.key)
      .send({ events: ["*"], enabled: false });
    expect(patched.body).toMatchObject({ events: ["*"], enabled: false, disabledReason: "user" });
    const deleted = await api().delete(`/v1/webhooks/${created.id}`).set("soku-api-key", t.key);
    expect([deleted.status, deleted.body]).toEqual([200, { id: created.id, deleted: true }]);
    expect((await api().get(`/v1/webhooks/${created.id}`).set("soku-api-key", t.key)).status).toBe(404);
  });

  it.each([
    [{}, "url"],
    [{ url: "ftp://example.test/x" }, "url"],
    [{ url: "not a url" }, "url"],
    [{ url: "https://user:pw@example.test/x" }, "url"],
    [{ url: "https://example.test", events: ["post.nothing"] }, "events[0]"],
    [{ url: "https://example.test", events: [] }, "events"],
    [{ url: "https://example.test", secret: "whsec_x" }, "secret"],
  ])("refuses %j with a 400 on %s", async (body, field) => {
    const t = await h.tenant();
    const res = await api().post("/v1/webhooks").set("soku-api-key", t.key).send(body);
    expect([res.status, res.body.error.code, res.body.error.details.field]).toEqual([400, "validation_error", field]);
  });

  it("sends a webhook.test event to that endpoint only, signed", async () => {
    const t = await h.tenant();
    const a = await register(t.key, { url: receiver.url, events: ["post.published"] });
    await register(t.key, { url: other.url });
    const res = await api().post(`/v1/webhooks/${a.id}/test`).set("soku-api-key", t.key);
    expect([res.status, res.body]).toEqual([202, { eventId: expect.stringMatching(/^evt_/), type: "webhook.test" }]);
    await h.drain();
    expect(receiver.events().map((e) => e.type)).toEqual(["webhook.test"]);
    expect(other.received).toEqual([]);
    expect(verified(a.secret, receiver.received[0]!)).toMatchObject({
      type: "webhook.test",
      data: { endpointId: a.id },
    });
    const deliveries = await api().get(`/v1/webhooks/${a.id}/deliveries`).set("soku-api-key", t.key);
    expect(deliveries.body.data).toEqual([
      {
        eventId: res.body.eventId,
        eventType: "webhook.test",
        attempt: 1,
        statusCode: 204,
        durationMs: expect.any(Number),
        error: null,
        at: expect.any(String),
        nextRetryAt: null,
      },
    ]);
  });

  it("rotation: for 24 h both secrets sign each delivery; after that only the new one", async () => {
    const t = await h.tenant();
    const hook = await register(t.key, { url: receiver.url });
    const rotated = await api().post(`/v1/webhooks/${hook.id}/rotate`).set("soku-api-key", t.key);
    expect(rotated.body).toMatchObject({
      secret: expect.stringMatching(/^whsec_/),
      previousSecretExpiresAt: expect.any(String),
    });
    expect(rotated.body.secret).not.toBe(hook.secret);
    await api().post(`/v1/webhooks/${hook.id}/test`).set("soku-api-key", t.key);
    await h.drain();
    const first = receiver.received[0]!;
    expect(String(first.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verified(hook.secret, first)).toBeDefined();
    expect(verified(rotated.body.secret as string, first)).toBeDefined();

    // 24 h later (the stored expiry moved, not the clock: receivers check timestamps against theirs).
    await h.db.doc(`webhookSecrets/${hook.id}`).update({ previousExpiresAt: Timestamp.fromMillis(Date.now() - 1000) });
    await api().post(`/v1/webhooks/${hook.id}/test`).set("soku-api-key", t.key);
    await h.drain();
    const later = receiver.received[1]!;
    expect(String(later.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(() => verified(hook.secret, later)).toThrow();
    expect(verified(rotated.body.secret as string, later)).toBeDefined();
  });

  it("redelivers an event to its endpoints with the same webhook-id", async () => {
    const t = await h.tenant();
    await register(t.key, { url: receiver.url });
    await publish(t.key, { platform: ["threads"] });
    await h.drain();
    const [published] = (await feed(t.key, { type: "post.published" })).data;
    const res = await api().post(`/v1/events/${published!.id}/redeliver`).set("soku-api-key", t.key);
    expect(res.status).toBe(202);
    await h.drain();
    expect(receiver.events("post.published").map((e) => e.id)).toEqual([published!.id, published!.id]);
    expect(
      (await api().post("/v1/events/evt_00000000000000000000000000000000/redeliver").set("soku-api-key", t.key)).status,
    ).toBe(404);
  });
});

describe("delivery", () => {
  it("retries a failing receiver with the same webhook-id until it answers 2xx; the attempts show each answer and the next retry", async () => {
    const t = await h.tenant();
    const hook = await register(t.key, { url: receiver.url });
    receiver.behave = (_r, n) => (n <= 2 ? { status: 500 } : { status: 200 });
    await api().post(`/v1/webhooks/${hook.id}/test`).set("soku-api-key", t.key);
    await h.drain();
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(receiver.received).toHaveLength(3);
    const attempts = (await api().get(`/v1/webhooks/${hook.id}/deliveries`).set("soku-api-key", t.key)).body.data;
    expect(attempts.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([
      [3, 200],
      [2, 500],
      [1, 500],
    ]);
    expect(attempts[2]).toMatchObject({ error: "HTTP 500", nextRetryAt: expect.any(String) });
    expect(attempts[0].nextRetryAt).toBeNull();
    const endpoint = (await api().get(`/v1/webhooks/${hook.id}`).set("soku-api-key", t.key)).body;
    expect(endpoint).toMatchObject({ enabled: true, failingSince: null });
  });

  it("a timeout is a failure (retried), and only the first KB of an answer is kept", async () => {
    const t = await h.tenant();
    const hook = await register(t.key, { url: receiver.url });
    h.webhookRequest = { timeoutMs: 200, loopbackOrigins: "any" };
    receiver.behave = (_r, n) => (n === 1 ? { hang: true } : { status: 200 });
    await api().post(`/v1/webhooks/${hook.id}/test`).set("soku-api-key", t.key);
    await h.drain();
    const snap = await h.db.collection(`users/${t.uid}/webhookDeliveries`).orderBy("attempt").get();
    expect(snap.docs.map((d) => [d.get("statusCode"), d.get("error")])).toEqual([
      [null, "No answer within 0.2 s."],
      [200, null],
    ]);
    expect((snap.docs[1]!.get("responseBody") as string).length).toBe(1024);
  });

  it("410 disables the endpoint at once, and endpoint.disabled goes to the user's other endpoints", async () => {
    const t = await h.tenant();
    const gone = await register(t.key, { url: receiver.url });
    await register(t.key, { url: other.url });
    receiver.behave = () => ({ status: 410 });
    await api().post(`/v1/webhooks/${gone.id}/test`).set("soku-api-key", t.key);
    await h.drain();
    expect(receiver.received).toHaveLength(1);
    const endpoint = (await api().get(`/v1/webhooks/${gone.id}`).set("soku-api-key", t.key)).body;
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: "gone", disabledAt: expect.any(String) });
    expect(other.events("endpoint.disabled").map((e) => e.data)).toEqual([
      expect.objectContaining({ endpointId: gone.id, reason: "gone" }),
    ]);
    // A disabled endpoint gets nothing more.
    await publish(t.key, { platform: ["threads"] });
    await h.drain();
    expect(receiver.received).toHaveLength(1);
  });

  it("an endpoint failing for 5 days is disabled and says so", async () => {
    const t = await h.tenant();
    const failing = await register(t.key, { url: receiver.url });
    await register(t.key, { url: other.url, events: ["endpoint.disabled"] });
    receiver.behave = () => ({ status: 503 });
    await h.db
      .doc(`users/${t.uid}/webhooks/${failing.id}`)
      .update({ failingSince: Timestamp.fromMillis(Date.now() - FAILING_LIMIT_MS + 60_000) });
    await api().post(`/v1/webhooks/${failing.id}/test`).set("soku-api-key", t.key);
    h.offsetMs = 2 * 60_000;
    await h.drain();
    expect(receiver.received).toHaveLength(1);
    const endpoint = (await api().get(`/v1/webhooks/${failing.id}`).set("soku-api-key", t.key)).body;
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: "failing", failingSince: expect.any(String) });
    expect(other.events().map((e) => [e.type, e.data.reason])).toEqual([["endpoint.disabled", "failing"]]);
  });

  it("the queue's backoff spreads retries over about 3 days", () => {
    const { cloudTasksBackoffSeconds } = jest.requireActual<typeof import("../../src/tasks/queue-options")>(
      "../../src/tasks/queue-options",
    );
    let total = 0;
    for (let retry = 1; retry < WEBHOOK_RETRY.maxAttempts; retry += 1)
      total += cloudTasksBackoffSeconds(WEBHOOK_RETRY, retry);
    expect(total / 86_400).toBeGreaterThan(2.9);
    expect(total / 86_400).toBeLessThan(3.5);
  });

  it("a relay that fails halfway is delivered again by Cloud Tasks: each endpoint gets the event once", async () => {
    const t = await h.tenant();
    await register(t.key, { url: receiver.url });
    await register(t.key, { url: other.url });
    await publish(t.key, { platform: ["threads"] }, { scheduledTime: new Date(Date.now() + 3600_000).toISOString() });
    // The relay's second enqueue fails: it throws after handing the event to one endpoint only.
    let enqueues = 0;
    const enqueue = h.tasks.enqueue.bind(h.tasks);
    h.tasks.enqueue = (fn, payload, options) => {
      enqueues += 1;
      return enqueues === 2 ? Promise.reject(new Error("Cloud Tasks unavailable")) : enqueue(fn, payload, options);
    };
    try {
      await h.drain();
    } finally {
      h.tasks.enqueue = enqueue;
    }
    expect(h.tasks.delivered.filter((task) => task.fn === "relayEvent" && task.retryCount === 1)).not.toEqual([]);
    expect(receiver.events().map((e) => e.type)).toEqual(["post.scheduled"]);
    expect(other.events().map((e) => e.type)).toEqual(["post.scheduled"]);
  });

  it("an event whose relay was lost is relayed by the sweeper", async () => {
    const t = await h.tenant();
    await register(t.key, { url: receiver.url });
    h.tasks.failNext = 1;
    const res = await api()
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({
        post: { content: { text: "lost relay", platform: ["threads"], scheduledTime: undefined } },
        scheduledTime: new Date(Date.now() + 3600_000).toISOString(),
      });
    expect(res.status).toBe(202);
    await h.drain();
    expect(receiver.received).toEqual([]);
    h.offsetMs = 2 * 60_000;
    await h.sweep();
    await h.drain();
    expect(receiver.events().map((e) => e.type)).toEqual(["post.scheduled"]);
  });
});

describe("SSRF: endpoint URLs never reach an internal address", () => {
  beforeEach(() => {
    h.webhookRequest = { timeoutMs: 15_000, loopbackOrigins: [] };
  });
  it.each(internalUrls(() => receiver.port, "/hook"))("%s is refused at registration", async (_what, url) => {
    const t = await h.tenant();
    const res = await api().post("/v1/webhooks").set("soku-api-key", t.key).send({ url: url() });
    expect([res.status, res.body.error.details.field]).toEqual([400, "url"]);
  });

  it("an endpoint whose address became internal after registration is refused at delivery", async () => {
    const t = await h.tenant();
    h.webhookRequest = { timeoutMs: 15_000, loopbackOrigins: "any" };
    const hook = await register(t.key, { url: receiver.url });
    h.webhookRequest = { timeoutMs: 15_000, loopbackOrigins: [] };
    await api().post(`/v1/webhooks/${hook.id}/test`).set("soku-api-key", t.key);
    await h.drain();
    expect(receiver.received).toEqual([]);
    const [attempt] = (await api().get(`/v1/webhooks/${hook.id}/deliveries`).set("soku-api-key", t.key)).body.data;
    expect(attempt).toMatchObject({ statusCode: null, error: "The url points at an internal address." });
  });

  it("only the listed loopback origins are allowed (the local stack's listener)", async () => {
    const t = await h.tenant();
    h.webhookRequest = { timeoutMs: 15_000, loopbackOrigins: [receiver.url] };
    await register(t.key, { url: `${receiver.url}/hook` });
    const res = await api().post("/v1/webhooks").set("soku-api-key", t.key).send({ url: other.url });
    expect(res.status).toBe(400);
  });
});
