import request from "supertest";
import { DEFAULT_RATE_LIMITS } from "../../src/config/rate-limits";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";
import { Harness } from "../support/harness";

const h = new Harness();
afterAll(() => h.close());
const textPost = (platform: unknown = ["x_primary_placeholder"], extra: Record<string, unknown> = {}) => ({
  post: { content: { text: `hello ${Math.random()}`, platform } },
  ...extra,
});
const xPrimary = { platform: "x", accountId: "x_primary" };

function post(key: string, body: unknown, headers: Record<string, string> = {}) {
  const req = request(h.app).post("/v1/posts").set("soku-api-key", key);
  for (const [k, v] of Object.entries(headers)) req.set(k, v);
  return req.send(body as object);
}

function expectEnvelope(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatchObject({ code, requestId: res.headers["x-request-id"] });
  expect(res.body.error.type).toBe(status === 401 || status === 403 ? "authentication_error" : "invalid_request_error");
  expect(new Date(res.body.error.timestamp).toString()).not.toBe("Invalid Date");
}

describe("POST /v1/posts", () => {
  it("accepts a post: 202, Location, request id, and the submission, its log and its task", async () => {
    const t = await h.tenant();
    const res = await post(t.key, textPost([xPrimary, "threads", "LinkedIn"]), { "X-Request-ID": "client-req-1" });
    expect(res.status).toBe(202);
    const id = res.body.postSubmissionId as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.headers.location).toBe(`/v1/posts/${id}`);
    expect(res.headers["x-request-id"]).toBe("client-req-1");

    const sub = (await h.db.doc(`postSubmissions/${id}`).get()).data()!;
    expect(sub).toMatchObject({
      userId: t.uid,
      mode: "test",
      status: "queued",
      scheduledTime: null,
      requestId: "client-req-1",
      summary: { total: 3, succeeded: 0, failed: 0, pending: 3 },
      targets: [
        { platform: "x", accountId: "x_primary", runId: "x" },
        { platform: "threads", accountId: "threads_main", runId: "threads" },
        { platform: "linkedin", accountId: "linkedin_main", runId: "linkedin" },
      ],
    });
    expect(sub.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(sub.createdAt.toMillis()).toBeGreaterThan(Date.now() - 60_000);

    const logs = await h.db.collection(`users/${t.uid}/apiRequests`).where("requestId", "==", "client-req-1").get();
    expect(logs.size).toBe(1);
    const log = logs.docs[0]!.data();
    expect(logs.docs[0]!.id).toMatch(/^req_[0-9a-f]{24}$/);
    expect(log).toMatchObject({
      method: "POST",
      path: "/v1/posts",
      status: 202,
      errorCode: null,
      postSubmissionId: id,
    });
    expect(log.expireAt.toMillis()).toBeGreaterThan(Date.now() + 7 * 24 * 3600_000);

    expect(
      h.tasks.pending.find((task) => (task.payload as { postSubmissionId?: string }).postSubmissionId === id),
    ).toMatchObject({
      fn: "orchestratePost",
      scheduleTime: null,
    });
  });

  it("accepts Authorization: Bearer sk_… as well as soku-api-key", async () => {
    const t = await h.tenant();
    const res = await request(h.app).post("/v1/posts").set("Authorization", `Bearer ${t.key}`).send(textPost(xPrimary));
    expect(res.status).toBe(202);
  });

  it("refuses missing, unknown, revoked and ID-token credentials with the contract's messages", async () => {
    const t = await h.tenant({ keys: [{ mode: "live", revoked: true }] });
    const none = await request(h.app).post("/v1/posts").send(textPost());
    expectEnvelope(none, 401, "unauthorized");
    expect(none.body.error.message).toBe("Missing or invalid soku-api-key");
    const unknown = await post(`sk_live_${"A".repeat(43)}`, textPost());
    expect(unknown.body.error.message).toBe("Invalid API key");
    expectEnvelope(await post("garbage", textPost()), 401, "unauthorized");
    const revoked = await post(t.key, textPost());
    expectEnvelope(revoked, 401, "unauthorized");
    expect(revoked.body.error.message).toBe("API key revoked");
    const idToken = await request(h.app)
      .post("/v1/posts")
      .set("Authorization", "Bearer eyJhbGciOi.fake.token")
      .send(textPost());
    expectEnvelope(idToken, 401, "unauthorized");
  });

  it("requires an active or trialing subscription whose period has not ended", async () => {
    for (const subscription of [
      null,
      { status: "canceled", currentPeriodEnd: new Date(Date.now() + 86_400_000) },
      { status: "active", currentPeriodEnd: new Date(Date.now() - 1000) },
      { status: "past_due", currentPeriodEnd: new Date(Date.now() + 86_400_000) },
    ]) {
      const t = await h.tenant({ subscription });
      const res = await post(t.key, textPost(xPrimary));
      expectEnvelope(res, 403, "forbidden");
      expect(res.body.error.message).toBe("An active subscription is required to access the API.");
      expect(await h.submissionsOf(t.uid)).toHaveLength(0);
    }
    const trial = await h.tenant({
      subscription: { status: "trialing", currentPeriodEnd: new Date(Date.now() + 86_400_000) },
    });
    expect((await post(trial.key, textPost(xPrimary))).status).toBe(202);
  });

  it("reports every missing platform at once, and unnamed or unknown accounts", async () => {
    const t = await h.tenant({ accounts: { x: ["x_primary", "x_brand"], threads: ["th"] } });
    const missing = await post(t.key, textPost(["threads", "tiktok", "linkedin"]));
    expectEnvelope(missing, 400, "missing_integrations");
    expect(missing.body.error.details).toEqual({ missingPlatforms: ["tiktok", "linkedin"] });
    const unnamed = await post(t.key, textPost(["x"]));
    expectEnvelope(unnamed, 400, "missing_account");
    expect(unnamed.body.error.details).toEqual({
      platform: "x",
      accountId: null,
      availableAccountIds: ["x_brand", "x_primary"],
    });
    const unknown = await post(t.key, textPost([{ platform: "x", accountId: "nope" }]));
    expect(unknown.body.error.details).toMatchObject({ platform: "x", accountId: "nope" });
    expect(await h.submissionsOf(t.uid)).toHaveLength(0);
  });

  it("answers validation errors with the field, reason and every issue", async () => {
    const t = await h.tenant();
    const res = await post(t.key, { post: { content: { platform: ["x"], imageUrl: "https://a.b/c.jpg" } } });
    expectEnvelope(res, 400, "validation_error");
    expect(res.body.error.details.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: "post.content.imageUrl", reason: "unknown_field" })]),
    );
  });

  it("refuses non-JSON, malformed and oversized bodies", async () => {
    const t = await h.tenant();
    const text = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .set("Content-Type", "text/plain")
      .send("hi");
    expectEnvelope(text, 415, "unsupported_media_type");
    const bad = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .set("Content-Type", "application/json")
      .send("{bad");
    expectEnvelope(bad, 400, "validation_error");
    expect(bad.body.error.details.reason).toBe("malformed_json");
    const big = await post(t.key, { post: { content: { text: "x".repeat(1024 * 1024 + 10), platform: "x" } } });
    expectEnvelope(big, 413, "payload_too_large");
    const empty = await request(h.app).post("/v1/posts").set("soku-api-key", t.key);
    expectEnvelope(empty, 400, "validation_error");
  });

  it("answers unknown routes with a 404 envelope", async () => {
    const res = await request(h.app).get("/v1/nothing-here");
    expectEnvelope(res, 404, "not_found");
    expect(res.headers["x-request-id"]).toMatch(/^req_/);
  });

  it("stores a scheduled post as scheduled with a task for its time; beyond 29 days, for the sweeper", async () => {
    const t = await h.tenant();
    const at = new Date(Date.now() + 3600_000);
    const res = await post(t.key, textPost(xPrimary, { scheduledTime: at.toISOString() }));
    const sub = (await h.db.doc(`postSubmissions/${res.body.postSubmissionId}`).get()).data()!;
    expect(sub.status).toBe("scheduled");
    expect(sub.scheduledTime.toMillis()).toBe(at.getTime());
    const task = h.tasks.pending.find(
      (x) => (x.payload as { postSubmissionId: string }).postSubmissionId === res.body.postSubmissionId,
    );
    expect(task?.scheduleTime?.getTime()).toBe(at.getTime());

    const far = await post(
      t.key,
      textPost(xPrimary, { scheduledTime: new Date(Date.now() + 40 * 86_400_000).toISOString() }),
    );
    const farSub = (await h.db.doc(`postSubmissions/${far.body.postSubmissionId}`).get()).data()!;
    expect(farSub.deferred).toBe(true);
    expect(
      h.tasks.pending.some(
        (x) => (x.payload as { postSubmissionId: string }).postSubmissionId === far.body.postSubmissionId,
      ),
    ).toBe(false);
  });

  it("answers post_creation_failed when Firestore refuses the commit, and the retry works", async () => {
    const t = await h.tenant();
    const body = textPost(xPrimary);
    const original = h.submissions.createAccepted.bind(h.submissions);
    h.submissions.createAccepted = () => Promise.reject(new Error("14 UNAVAILABLE: simulated outage"));
    try {
      const failed = await post(t.key, body, { "Idempotency-Key": "outage" });
      expect(failed.status).toBe(500);
      expect(failed.body.error).toMatchObject({ type: "api_error", code: "post_creation_failed" });
      expect(JSON.stringify(failed.body)).not.toContain("simulated outage");
    } finally {
      h.submissions.createAccepted = original;
    }
    expect(await h.countSubmissions(t.uid)).toBe(0);
    const retried = await post(t.key, body, { "Idempotency-Key": "outage" });
    expect(retried.status).toBe(202);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("keeps an accepted post when Cloud Tasks is down", async () => {
    const t = await h.tenant();
    h.tasks.failNext = 1;
    const res = await post(t.key, textPost(xPrimary));
    expect(res.status).toBe(202);
    expect((await h.db.doc(`postSubmissions/${res.body.postSubmissionId}`).get()).data()?.status).toBe("queued");
  });
});

describe("idempotency", () => {
  it("replays the original answer for the same key and body, in any key order", async () => {
    const t = await h.tenant();
    const body = { post: { content: { text: "once", platform: ["x_primary"].map(() => xPrimary) } } };
    const first = await post(t.key, body, { "Idempotency-Key": "k-1" });
    const again = await post(
      t.key,
      { post: { content: { platform: [xPrimary], text: "once" } } },
      { "Idempotency-Key": "k-1" },
    );
    expect(again.status).toBe(202);
    expect(first.body).toEqual({ postSubmissionId: expect.any(String), replayed: false });
    // The body says it is a replay too, for clients that read only the body.
    expect(again.body).toEqual({ postSubmissionId: first.body.postSubmissionId, replayed: true });
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.headers.location).toBe(first.headers.location);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    expect(await h.submissionsOf(t.uid)).toHaveLength(1);
  });

  it("replays an accepted post even when the same request would be refused now", async () => {
    const t = await h.tenant();
    const body = textPost(xPrimary, { scheduledTime: new Date(Date.now() + 120_000).toISOString() });
    const first = await post(t.key, body, { "Idempotency-Key": "k-later" });
    expect(first.status).toBe(202);
    // Its scheduledTime is no longer 60 s ahead, and its account has been disconnected since.
    await h.db.doc(`users/${t.uid}/integrations/x/accounts/x_primary`).delete();
    h.offsetMs = 90_000;
    try {
      const again = await post(t.key, body, { "Idempotency-Key": "k-later" });
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ postSubmissionId: first.body.postSubmissionId, replayed: true });
      // Another key is a new request, refused as such.
      expect((await post(t.key, body, { "Idempotency-Key": "k-new" })).status).toBe(400);
    } finally {
      h.offsetMs = 0;
    }
    expect(await h.submissionsOf(t.uid)).toHaveLength(1);
  });

  it("answers 409 for a used key sent with a different body that is invalid too", async () => {
    const t = await h.tenant();
    await post(t.key, textPost(xPrimary), { "Idempotency-Key": "k-bad" });
    expectEnvelope(
      await post(t.key, { post: { content: { platform: "x" } } }, { "Idempotency-Key": "k-bad" }),
      409,
      "idempotency_conflict",
    );
  });

  it("reads no idempotency record for a new post (its commit's create() finds a used key)", async () => {
    const t = await h.tenant();
    const original = h.submissions.idempotencyRef.bind(h.submissions);
    let reads = 0;
    h.submissions.idempotencyRef = (uid, recordId) => {
      const ref = original(uid, recordId);
      const get = ref.get.bind(ref);
      ref.get = () => ((reads += 1), get());
      return ref;
    };
    try {
      const body = textPost(xPrimary);
      const first = await post(t.key, body, { "Idempotency-Key": "k-reads" });
      expect(first.status).toBe(202);
      expect(reads).toBe(0);
      const again = await post(t.key, body, { "Idempotency-Key": "k-reads" });
      expect(again.body).toEqual({ postSubmissionId: first.body.postSubmissionId, replayed: true });
      expect(reads).toBe(1);
    } finally {
      h.submissions.idempotencyRef = original;
    }
  });

  it("answers 409 for the same key with a different body", async () => {
    const t = await h.tenant();
    await post(t.key, textPost(xPrimary), { "Idempotency-Key": "k-2" });
    const res = await post(t.key, textPost(xPrimary), { "Idempotency-Key": "k-2" });
    expectEnvelope(res, 409, "idempotency_conflict");
    expect(await h.submissionsOf(t.uid)).toHaveLength(1);
  });

  it("derives a key from the body when no header is sent", async () => {
    const t = await h.tenant();
    const body = textPost(xPrimary);
    const a = await post(t.key, body);
    const b = await post(t.key, body);
    expect(b.body.postSubmissionId).toBe(a.body.postSubmissionId);
    expect(b.headers["idempotent-replayed"]).toBe("true");
    expect([a.body.replayed, b.body.replayed]).toEqual([false, true]);
    const c = await post(t.key, textPost(xPrimary));
    expect(c.body.postSubmissionId).not.toBe(a.body.postSubmissionId);
  });

  it("does not consume a key on a 4xx", async () => {
    const t = await h.tenant();
    expect((await post(t.key, { post: { content: { platform: "x" } } }, { "Idempotency-Key": "k-3" })).status).toBe(
      400,
    );
    expect((await post(t.key, textPost(xPrimary), { "Idempotency-Key": "k-3" })).status).toBe(202);
  });

  it("scopes keys to the user", async () => {
    const [a, b] = [await h.tenant(), await h.tenant()];
    const body = textPost(xPrimary);
    const ra = await post(a.key, body, { "Idempotency-Key": "shared" });
    const rb = await post(b.key, body, { "Idempotency-Key": "shared" });
    expect(rb.headers["idempotent-replayed"]).toBeUndefined();
    expect(rb.body.postSubmissionId).not.toBe(ra.body.postSubmissionId);
  });

  it("creates exactly one submission for 50 concurrent identical requests", async () => {
    const t = await h.tenant();
    const body = textPost(xPrimary);
    // More than POST /v1/posts' 30 per minute: this test is about idempotency, not rate limits.
    h.rateLimits = RELAXED_RATE_LIMITS;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post(t.key, body, { "Idempotency-Key": "burst" })),
    ).finally(() => (h.rateLimits = DEFAULT_RATE_LIMITS));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(new Set(responses.map((r) => r.body.postSubmissionId)).size).toBe(1);
    expect(await h.submissionsOf(t.uid)).toHaveLength(1);
    expect(responses.filter((r) => r.headers["idempotent-replayed"] !== "true")).toHaveLength(1);
  });

  it("treats an expired key as new", async () => {
    const t = await h.tenant();
    const body = textPost(xPrimary);
    const a = await post(t.key, body, { "Idempotency-Key": "old" });
    h.offsetMs = 25 * 3600_000;
    try {
      const b = await post(t.key, body, { "Idempotency-Key": "old" });
      expect(b.status).toBe(202);
      expect(b.body.postSubmissionId).not.toBe(a.body.postSubmissionId);
    } finally {
      h.offsetMs = 0;
    }
  });
});

describe("GET /v1/posts/{id}", () => {
  it("returns the owner's submission with its runs, and 404 to anyone else", async () => {
    const [owner, other] = [await h.tenant(), await h.tenant()];
    const created = await post(owner.key, textPost([xPrimary, "threads"]));
    const id = created.body.postSubmissionId as string;
    await h.drain();
    const res = await request(h.app).get(`/v1/posts/${id}`).set("soku-api-key", owner.key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      postSubmissionId: id,
      status: "completed",
      summary: { total: 2, succeeded: 2, pending: 0 },
    });
    expect(res.body.runs.map((r: { runId: string }) => r.runId).sort()).toEqual(["threads", "x"]);
    expect(res.body.keyHash).toBeUndefined();
    expectEnvelope(await request(h.app).get(`/v1/posts/${id}`).set("soku-api-key", other.key), 404, "not_found");
    expectEnvelope(await request(h.app).get(`/v1/posts/nope`).set("soku-api-key", owner.key), 404, "not_found");
  });
});
