import { createHash, randomBytes } from "node:crypto";
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import request from "supertest";
import { logs } from "../../src/logs";
import { Harness } from "../support/harness";
import { idTokenFor } from "../support/id-token";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

jest.setTimeout(60_000);

/**
 * Documents written by others (a Soku-era dashboard, a migration, an operator script), with the
 * admin SDK exactly as Soku documents them (docs/contract.md §2, "Documents that others write"), and
 * malformed ones: they work, or answer 401/403/404 or are skipped, never 500.
 */
const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
afterAll(() => h.close());
afterEach(() => jest.restoreAllMocks());

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
/** A key as Soku issued it: the prefix and 24 random bytes in base64url (32 characters). */
const sokuKey = (mode: "live" | "test") => `sk_${mode}_${randomBytes(24).toString("base64url")}`;
const user = (uid: string) => h.db.collection("users").doc(uid);
const accountsOf = (uid: string, platform: string) =>
  user(uid).collection("integrations").doc(platform).collection("accounts");

/** A user with an active subscription and no keys or accounts: each test writes its own documents. */
async function bareTenant(options: { subscription?: null } = {}) {
  return (await h.tenant({ keys: [], accounts: {}, ...options })).uid;
}

/** An `apiKeys/{sha256}` document of Soku's shape: `{userId, name?, createdAt, revokedAt}`. */
async function writeSokuKey(uid: string, raw: string, name?: string) {
  await h.db
    .collection("apiKeys")
    .doc(sha256(raw))
    .set({
      userId: uid,
      ...(name ? { name } : {}),
      createdAt: FieldValue.serverTimestamp(),
      revokedAt: null,
    });
}

const bearer = async (uid: string) => `Bearer ${await idTokenFor(uid)}`;
const textPost = (platform: unknown[]) => ({ post: { content: { text: "from a Soku-era document", platform } } });
const post = (key: string, body: unknown) =>
  request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", key)
    .send(body as object);
const accounts = (key: string) => request(h.app).get("/v1/accounts").set("soku-api-key", key);

/** Calls of logs.malformedDocument, as the JSON each would log. */
function watchMalformed() {
  const calls: string[] = [];
  const original = logs.malformedDocument;
  jest.spyOn(logs, "malformedDocument").mockImplementation((...args) => {
    calls.push(JSON.stringify(args));
    original(...args);
  });
  return calls;
}

describe("documents in Soku's documented shapes work", () => {
  it("a key written as {userId, name, createdAt, revokedAt} posts in its prefix's mode, is listed with a derived id and revoked by it", async () => {
    const uid = await bareTenant();
    await accountsOf(uid, "threads")
      .doc("th_1")
      .set({ platform: "threads", displayName: "T", username: "t", status: "active", createdAt: Timestamp.now() });
    const live = sokuKey("live");
    const test = sokuKey("test");
    await writeSokuKey(uid, live, "Production Server");
    await writeSokuKey(uid, test);

    const byLive = await post(live, { ...textPost(["threads"]), scheduledTime: new Date(Date.now() + 3600_000) });
    expect(byLive.status).toBe(202);
    expect((await h.submissions.get(byLive.body.postSubmissionId as string))!).toMatchObject({
      mode: "live",
      keyHash: sha256(live),
    });
    const byTest = await post(test, textPost(["threads"]));
    expect(byTest.status).toBe(202);
    await h.drain();
    const sandboxed = await request(h.app)
      .get(`/v1/posts/${byTest.body.postSubmissionId as string}`)
      .set("soku-api-key", test);
    expect(sandboxed.body).toMatchObject({ mode: "test", status: "completed" });
    // Separate worlds: the live key does not see the test key's post.
    expect(
      (
        await request(h.app)
          .get(`/v1/posts/${byTest.body.postSubmissionId as string}`)
          .set("soku-api-key", live)
      ).status,
    ).toBe(404);

    const list = async () => {
      const res = await request(h.app)
        .get("/v1/api-keys")
        .set("Authorization", await bearer(uid));
      expect(res.status).toBe(200);
      return res.body.data as Record<string, unknown>[];
    };
    const listed = await list();
    expect(listed).toHaveLength(2);
    const named = listed.find((k) => k.name === "Production Server")!;
    expect(named).toMatchObject({
      id: expect.stringMatching(/^key_[A-Za-z0-9_-]{16}$/),
      mode: null,
      preview: null,
      status: "active",
      revokedAt: null,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(listed)).not.toContain(sha256(live));
    expect((await list()).find((k) => k.name === "Production Server")!.id).toBe(named.id); // stable

    const revoked = await request(h.app)
      .delete(`/v1/api-keys/${named.id as string}`)
      .set("Authorization", await bearer(uid));
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: named.id, status: "revoked" });
    const refused = await post(live, textPost(["threads"]));
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe("API key revoked");
    expect((await post(test, textPost(["threads"]))).status).toBe(202); // the other key is untouched
  });

  it("a key whose document records a mode must agree with its prefix", async () => {
    const uid = await bareTenant();
    const raw = sokuKey("test");
    await h.db.collection("apiKeys").doc(sha256(raw)).set({ userId: uid, mode: "live", createdAt: Timestamp.now() });
    const res = await accounts(raw);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe("Invalid API key");
  });

  it("accounts written as Soku documents them are listed (no token shown) and posted to", async () => {
    const uid = await bareTenant();
    const key = sokuKey("test");
    await writeSokuKey(uid, key);
    // The contract's shape of a Soku account…
    await accountsOf(uid, "threads").doc("th_soku").set({
      platform: "threads",
      displayName: "Acme Threads",
      username: "acme",
      status: "active",
      createdAt: Timestamp.now(),
    });
    // …and Soku's own, which has no status and keeps its tokens in the document.
    await accountsOf(uid, "x")
      .doc("1460")
      .set({
        platform: "x",
        displayName: "Acme",
        username: "acme_x",
        avatarUrl: "https://pbs.twimg.com/acme.png",
        accessToken: "soku-access-token-do-not-show",
        refreshToken: "soku-refresh-token-do-not-show",
        enabled_for_repost: true,
        profile: { followers: 10 },
        poll_cursor: { last_seen_id: null, last_seen_time: null },
        createdAt: Timestamp.now(),
        updatedAt: Timestamp.now(),
      });

    const listed = await accounts(key);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          platform: "threads",
          accountId: "th_soku",
          displayName: "Acme Threads",
          username: "acme",
          avatarUrl: null,
          status: "active",
          health: "active",
          tokenExpiresAt: null,
          reconnectBy: null,
          onlyAccount: true,
        }),
        expect.objectContaining({
          platform: "x",
          accountId: "1460",
          avatarUrl: "https://pbs.twimg.com/acme.png",
          status: "active",
          onlyAccount: true,
        }),
      ]),
    );
    expect(JSON.stringify(listed.body)).not.toContain("do-not-show");

    const res = await post(key, textPost(["threads", "x"]));
    expect(res.status).toBe(202);
    await h.drain();
    const done = await request(h.app)
      .get(`/v1/posts/${res.body.postSubmissionId as string}`)
      .set("soku-api-key", key);
    expect(done.body).toMatchObject({
      status: "completed",
      targets: [
        { platform: "threads", accountId: "th_soku" },
        { platform: "x", accountId: "1460" },
      ],
    });
    for (const run of done.body.runs as { status: string; platformPostId: string }[]) {
      expect(run).toMatchObject({ status: "succeeded", platformPostId: expect.stringMatching(/^sandbox_/) });
    }
  });

  it("a Soku account without status counts as active: a platform's refusal of its token marks it needs_reauth", async () => {
    const uid = await bareTenant();
    const key = sokuKey("live");
    await writeSokuKey(uid, key);
    const account = accountsOf(uid, "x").doc("1460");
    await account.set({ platform: "x", displayName: "Acme", username: "acme_x", createdAt: Timestamp.now() });
    // What a live run does when the platform rejects the account for good (delivery.ts).
    await h.deps.standing.needsReauth({ userId: uid, platform: "x", accountId: "1460" }, "The token was revoked.");
    expect((await account.get()).get("status")).toBe("needs_reauth");
    expect((await accounts(key)).body.data).toEqual([
      expect.objectContaining({ accountId: "1460", status: "needs_reauth", health: "needs_reauth" }),
    ]);
    const refused = await post(key, textPost(["x"]));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("missing_account");
  });

  it("a subscription in Soku's documented shape allows; a Stripe status other than trialing or active forbids", async () => {
    const soku = (status: string) => ({
      customerId: "cus_Q1",
      subscriptionId: "sub_Q1",
      status,
      planId: "starter",
      priceId: "price_starter_monthly",
      currentPeriodStart: Timestamp.fromMillis(Date.now() - 86_400_000),
      currentPeriodEnd: Timestamp.fromMillis(Date.now() + 6 * 86_400_000),
      trialEnd: Timestamp.fromMillis(Date.now() + 6 * 86_400_000),
      cancelAtPeriodEnd: false,
      pendingPlan: { priceId: "price_pro", planId: "pro", creditsPerPeriod: 150000, appliesAt: Timestamp.now() },
      createdAt: Timestamp.now(),
      updatedAt: Timestamp.now(),
    });
    const malformed = watchMalformed();
    for (const [status, expected] of [
      ["trialing", 200],
      ["active", 200],
      ["incomplete", 403],
      ["past_due", 403],
    ] as const) {
      const uid = await bareTenant({ subscription: null });
      const key = sokuKey("live");
      await writeSokuKey(uid, key);
      await user(uid).collection("subscription").doc("current").set(soku(status));
      const res = await accounts(key);
      expect({ status, answer: res.status }).toEqual({ status, answer: expected });
      if (expected === 403) expect(res.body.error.code).toBe("forbidden");
    }
    expect(malformed).toEqual([]); // a status Postcast does not allow is not a malformed document
  });
});

describe("malformed documents are read as absent: never a 500, and the log names the path, not the content", () => {
  it("a malformed key document is 401 Invalid API key", async () => {
    const uid = await bareTenant();
    const malformed = watchMalformed();
    for (const doc of [
      { userId: 42, name: "secret-name-marker" },
      { name: "secret-name-marker", createdAt: Timestamp.now(), revokedAt: null },
      { userId: uid, mode: "production", name: "secret-name-marker" },
      { userId: uid, revokedAt: "yesterday", name: "secret-name-marker" },
    ]) {
      const raw = sokuKey("live");
      await h.db.collection("apiKeys").doc(sha256(raw)).set(doc);
      const res = await accounts(raw);
      expect({ doc, status: res.status, message: res.body.error?.message }).toEqual({
        doc,
        status: 401,
        message: "Invalid API key",
      });
      expect(malformed.some((line) => line.includes(`apiKeys/${sha256(raw)}`))).toBe(true);
    }
    expect(malformed.join("\n")).not.toContain("secret-name-marker");
    // Nor does it list: the user's key list skips it.
    const listed = await request(h.app)
      .get("/v1/api-keys")
      .set("Authorization", await bearer(uid));
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([]);
  });

  it("a malformed account is left out of the list and of the targets; the others still work", async () => {
    const uid = await bareTenant();
    const key = sokuKey("test");
    await writeSokuKey(uid, key);
    await accountsOf(uid, "linkedin")
      .doc("li_bad")
      .set({ platform: "linkedin", status: 7, accessToken: "token-marker-never-logged", createdAt: Timestamp.now() });
    await accountsOf(uid, "threads")
      .doc("th_ok")
      .set({ platform: "threads", displayName: "ok", username: "ok", status: "active", createdAt: Timestamp.now() });
    const malformed = watchMalformed();

    const listed = await accounts(key);
    expect(listed.status).toBe(200);
    expect((listed.body.data as { accountId: string }[]).map((a) => a.accountId)).toEqual(["th_ok"]);
    const refused = await post(key, textPost(["linkedin", "threads"]));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: "missing_integrations",
      details: { missingPlatforms: ["linkedin"] },
    });
    expect((await post(key, textPost(["threads"]))).status).toBe(202);

    expect(malformed.some((line) => line.includes(`users/${uid}/integrations/linkedin/accounts/li_bad`))).toBe(true);
    expect(malformed.join("\n")).not.toContain("token-marker");
  });

  it("malformed server-written connect and credential documents answer as absent, never 500", async () => {
    const uid = await bareTenant();
    const malformed = watchMalformed();
    // An OAuth state: the callback answers as for an unknown state.
    const state = randomBytes(32).toString("base64url");
    await h.db.collection("oauthStates").doc(sha256(state)).set({ userId: 7, platform: "x", codeVerifier: "marker" });
    const callback = await request(h.app).get(`/oauth/x/callback?state=${state}&code=abc`);
    expect(callback.status).toBe(400);
    expect(callback.body.error.details.reason).toBe("invalid_state");
    // A pending connection: its redemption answers as for an unknown code.
    const code = randomBytes(32).toString("base64url");
    await h.db.collection("pendingConnections").doc(sha256(code)).set({ userId: uid, sealed: "marker", platform: 3 });
    const redeemed = await request(h.app)
      .post("/v1/integrations/x/connections")
      .set("Authorization", await bearer(uid))
      .send({ code });
    expect(redeemed.status).toBe(404);
    // Credentials: disconnecting the account still works (nothing to revoke).
    await accountsOf(uid, "x").doc("x_1").set({ platform: "x", status: "active", createdAt: Timestamp.now() });
    await h.db
      .collection("credentials")
      .doc(sha256(`${uid}/x/x_1`))
      .set({ userId: uid, platform: "x", accountId: "x_1", sealed: 12, version: "one" });
    const disconnected = await request(h.app)
      .delete("/v1/accounts/x/x_1")
      .set("Authorization", await bearer(uid));
    expect(disconnected.status).toBe(200);
    expect(disconnected.body).toMatchObject({ status: "disconnected", revokedAtPlatform: false });
    for (const path of ["oauthStates/", "pendingConnections/", "credentials/"]) {
      expect({ path, logged: malformed.some((line) => line.includes(path)) }).toEqual({ path, logged: true });
    }
    expect(malformed.join("\n")).not.toContain("marker");
  });

  it("a malformed subscription is 403", async () => {
    const uid = await bareTenant({ subscription: null });
    const key = sokuKey("live");
    await writeSokuKey(uid, key);
    await user(uid).collection("subscription").doc("current").set({ status: "active", currentPeriodEnd: "2099-01-01" });
    const malformed = watchMalformed();
    const res = await accounts(key);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe("An active subscription is required to access the API.");
    expect(malformed.some((line) => line.includes(`users/${uid}/subscription/current`))).toBe(true);
  });

  it("a malformed submission is 404 to every route, skipped by the list (which still pages past it), the orchestrator and the sweeper", async () => {
    const uid = await bareTenant();
    const key = sokuKey("test");
    await writeSokuKey(uid, key);
    await accountsOf(uid, "threads")
      .doc("th_1")
      .set({ platform: "threads", displayName: "T", username: "t", status: "active", createdAt: Timestamp.now() });
    const ids: string[] = [];
    for (const text of ["oldest", "middle", "newest"]) {
      const res = await post(key, { post: { content: { text, platform: ["threads"] } } });
      expect(res.status).toBe(202);
      ids.push(res.body.postSubmissionId as string);
    }
    const [oldest, middle, newest] = ids as [string, string, string];
    const submissions = h.db.collection("postSubmissions");
    await submissions.doc(middle).update({ summary: "broken" });
    await submissions.doc(newest).update({ status: "exploded" });
    const malformed = watchMalformed();

    for (const id of [middle, newest]) {
      for (const res of [
        await request(h.app).get(`/v1/posts/${id}`).set("soku-api-key", key),
        await request(h.app).delete(`/v1/posts/${id}`).set("soku-api-key", key),
        await request(h.app).post(`/v1/posts/${id}/publish-now`).set("soku-api-key", key),
        await request(h.app)
          .patch(`/v1/posts/${id}`)
          .set("soku-api-key", key)
          .send({ post: { content: { text: "x" } } }),
      ]) {
        expect({ id, status: res.status }).toEqual({ id, status: 404 });
      }
    }
    expect(malformed.some((line) => line.includes(`postSubmissions/${middle}`))).toBe(true);

    // The newest two are malformed: the first page shows none of them but still leads to the next.
    const first = await request(h.app).get("/v1/posts?limit=2").set("soku-api-key", key);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ data: [], hasMore: true, nextCursor: expect.any(String) });
    const second = await request(h.app)
      .get(`/v1/posts?limit=2&cursor=${first.body.nextCursor as string}`)
      .set("soku-api-key", key);
    expect(second.status).toBe(200);
    expect((second.body.data as { postSubmissionId: string }[]).map((p) => p.postSubmissionId)).toEqual([oldest]);
    expect(second.body.hasMore).toBe(false);

    // The orchestrator's tasks for them find nothing to do; the well-formed one publishes.
    expect(await h.drain()).toEqual([]);
    expect((await h.submissions.get(oldest))!.status).toBe("completed");
    expect((await submissions.doc(middle).get()).get("status")).toBe("queued");
  });

  it("the sweeper skips a malformed submission and still recovers the well-formed ones", async () => {
    // A database of its own: the sweeper's queries span every user.
    const own = new Harness({ projectId: `demo-soku-sweep-${Date.now()}` });
    try {
      const t = await own.tenant();
      const stuck = await request(own.app)
        .post("/v1/posts")
        .set("soku-api-key", t.key)
        .send({ post: { content: { text: "stuck", platform: ["threads"] } } });
      expect(stuck.status).toBe(202);
      const broken = await own.db.collection("postSubmissions").add({
        userId: t.uid,
        mode: "test",
        status: "queued",
        updatedAt: Timestamp.fromMillis(Date.now() - 3600_000),
      });
      const malformed = watchMalformed();
      own.offsetMs = 10 * 60_000; // both are past the sweeper's grace
      const counts = await own.sweep();
      expect(counts.queued).toBe(1);
      const ids = own.tasks.pending.map((task) => (task.payload as { postSubmissionId?: string }).postSubmissionId);
      expect(ids.filter((id) => id === stuck.body.postSubmissionId)).toHaveLength(2); // its own task and the sweeper's
      expect(ids).not.toContain(broken.id);
      expect(malformed.some((line) => line.includes(`postSubmissions/${broken.id}`))).toBe(true);
    } finally {
      await own.close();
    }
  });

  it("a malformed idempotency record is replaced by the next request with its key, not a 500", async () => {
    const uid = await bareTenant();
    const key = sokuKey("test");
    await writeSokuKey(uid, key);
    await accountsOf(uid, "threads")
      .doc("th_1")
      .set({ platform: "threads", displayName: "T", username: "t", status: "active", createdAt: Timestamp.now() });
    const body = textPost(["threads"]);
    const first = await post(key, body).set("Idempotency-Key", "k-broken");
    expect(first.status).toBe(202);
    const records = await user(uid).collection("idempotencyKeys").get();
    expect(records.size).toBe(1);
    await records.docs[0]!.ref.update({ fingerprint: 5 });

    const again = await post(key, body).set("Idempotency-Key", "k-broken");
    expect(again.status).toBe(202);
    const replay = await post(key, body).set("Idempotency-Key", "k-broken");
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.body.postSubmissionId).toBe(again.body.postSubmissionId);
  });

  it("a submission in Soku's own shape (no mode, an ISO scheduledTime, targetId) is 404, not 500", async () => {
    const uid = await bareTenant();
    const key = sokuKey("live");
    await writeSokuKey(uid, key);
    const ref = await h.db.collection("postSubmissions").add({
      userId: uid,
      keyHash: sha256(key),
      request: { post: { content: { text: "hi", platform: ["x"] } } },
      status: "scheduled",
      targets: [{ platform: "x", accountId: "1460", targetId: "x" }],
      scheduledTime: new Date(Date.now() + 3600_000).toISOString(),
      createdAt: Timestamp.now(),
    });
    for (const res of [
      await request(h.app).get(`/v1/posts/${ref.id}`).set("soku-api-key", key),
      await request(h.app).delete(`/v1/posts/${ref.id}`).set("soku-api-key", key),
    ]) {
      expect(res.status).toBe(404);
    }
    const listed = await request(h.app).get("/v1/posts").set("soku-api-key", key);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([]);
  });
});
