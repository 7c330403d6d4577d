import { Timestamp } from "firebase-admin/firestore";
import request from "supertest";
import type { Credentials } from "../../src/domain/credentials";
import { PUBLISH_CAPS } from "../../src/domain/publish-caps";
import { PublishError } from "../../src/domain/publish-error";
import { NetworkError } from "../../src/platforms/http-client";
import type { PlatformAdapter, PublishContext, Reconciliation, StepResult } from "../../src/platforms/platform-adapter";
import { SandboxAdapter } from "../../src/platforms/sandbox/sandbox-adapter";
import { CredentialStore } from "../../src/store/credential-store";
import { Harness } from "../support/harness";
import { TEST_KEYRING } from "../support/keyring";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

type Move = "ok" | "lose" | "transient" | "reject" | "unauthorized" | "wait" | "container";

/**
 * A live "platform" with state, to test delivery semantics: it keeps what was published per run,
 * so a test can count platform posts, and it fails in scripted ways.
 */
class ScriptedPlatform implements PlatformAdapter {
  readonly platform = "x" as const;
  readonly posts = new Map<string, string>();
  publishCalls = 0;
  refreshCalls = 0;
  canRefresh = true;
  script: Move[] = [];
  /** For "container": the publish call made by a later check loses its answer this many times. */
  loseOnCheck = 0;
  /** Runs first in every step (a test looks at the run from inside a delivery). */
  probe: ((ctx: PublishContext) => Promise<void>) | null = null;

  async step(ctx: PublishContext): Promise<StepResult> {
    await this.probe?.(ctx);
    let creds = await ctx.auth.credentials();
    const key = `${ctx.run.postSubmissionId}/${ctx.run.runId}`;
    if (typeof ctx.progress.processing === "string") {
      const checks = Number(ctx.progress.checks ?? 0) + 1;
      if (checks < 3)
        return { kind: "wait", progress: { ...ctx.progress, checks }, afterSeconds: 5, reason: "processing" };
      return { kind: "published", platformPostId: ctx.progress.processing, permalink: null };
    }
    if (typeof ctx.progress.container === "string") {
      // Like a Meta container: ready on this check, so the check itself makes the publish call.
      await ctx.commit({ container: ctx.progress.container });
      this.publishCalls += 1;
      const id = `post_${this.publishCalls}`;
      this.posts.set(key, id);
      if (this.loseOnCheck-- > 0) throw new NetworkError("no answer within 60000 ms", true);
      return { kind: "published", platformPostId: id, permalink: null };
    }
    const move = this.script.shift() ?? "ok";
    if (move === "container") {
      return { kind: "wait", progress: { container: "c_1" }, afterSeconds: 5, reason: "container IN_PROGRESS" };
    }
    if (move === "transient") throw new NetworkError("connection reset", false);
    if (move === "reject") throw new PublishError("rejected", "duplicate content");
    if (move === "unauthorized" && creds.accessToken !== "fresh") {
      creds = await ctx.auth.refreshAfterRejection(creds);
      if (creds.accessToken !== "fresh") throw new PublishError("auth_expired", "still rejected");
    }
    await ctx.commit({ sent: true });
    this.publishCalls += 1;
    const id = `post_${this.publishCalls}`;
    this.posts.set(key, id);
    if (move === "lose") throw new NetworkError("no answer within 60000 ms", true);
    if (move === "wait")
      return { kind: "wait", progress: { processing: id, checks: 0 }, afterSeconds: 5, reason: "processing" };
    return { kind: "published", platformPostId: id, permalink: `https://x.example/${id}` };
  }

  reconcile(ctx: PublishContext): Promise<Reconciliation> {
    const id = this.posts.get(`${ctx.run.postSubmissionId}/${ctx.run.runId}`);
    return Promise.resolve(id ? { kind: "published", platformPostId: id, permalink: null } : { kind: "not_published" });
  }

  refresh(current: Credentials): Promise<Credentials | null> {
    this.refreshCalls += 1;
    if (!this.canRefresh) return Promise.resolve(null);
    const expiresAt = new Date(Date.now() + 2 * 3600_000).toISOString();
    return Promise.resolve({
      ...current,
      accessToken: "fresh",
      refreshToken: `rotated_${this.refreshCalls}`,
      expiresAt,
    });
  }

  classifyError(error: unknown): PublishError {
    if (error instanceof PublishError) return error;
    return new PublishError("transient", String(error));
  }
}

const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
afterAll(() => h.close());
let platform: ScriptedPlatform;
const credentialStore = new CredentialStore(h.db, () => TEST_KEYRING);

function credentials(over: Partial<Credentials> = {}): Credentials {
  return {
    accessToken: "valid",
    refreshToken: "refresh_1",
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    refreshTokenExpiresAt: null,
    issuedAt: null,
    scope: "tweet.write",
    extra: {},
    ...over,
  };
}

beforeEach(() => {
  platform = new ScriptedPlatform();
  h.adapters = { forRun: (p, mode) => (mode === "live" && p === "x" ? platform : new SandboxAdapter(p)) };
  h.caps = null;
  h.offsetMs = 0;
  h.tasks.pending.length = 0;
});

async function liveTenant(creds: Credentials = credentials()) {
  const t = await h.tenant({ keys: [{ mode: "live" }] });
  await credentialStore.write({ userId: t.uid, platform: "x", accountId: "x_primary" }, creds);
  return t;
}

async function submitX(key: string) {
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", key)
    .send({
      post: { content: { text: `delivery ${Math.random()}`, platform: [{ platform: "x", accountId: "x_primary" }] } },
    });
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

const runOf = async (id: string) => (await h.db.doc(`postSubmissions/${id}/runs/x`).get()).data()!;

describe("delivery that never posts twice", () => {
  it("reconciles after a crash between the platform's success and our write: one post, run succeeded", async () => {
    const t = await liveTenant();
    platform.script = ["lose"];
    const id = await submitX(t.key);
    await h.drain();
    expect(platform.publishCalls).toBe(1);
    expect(await runOf(id)).toMatchObject({
      status: "succeeded",
      platformPostId: "post_1",
      attempts: 2,
      pendingCommit: null,
    });
  });

  it("publishes once whatever Cloud Tasks redelivers, concurrently or later", async () => {
    const t = await liveTenant();
    const id = await submitX(t.key);
    await h.tasks.drain({ orchestratePost: h.handlers().orchestratePost! });
    const publish = h.handlers().publishX!;
    await Promise.allSettled(
      Array.from({ length: 6 }, () => publish({ postSubmissionId: id, runId: "x" }, { retryCount: 0 })),
    );
    await h.drain();
    await publish({ postSubmissionId: id, runId: "x" }, { retryCount: 3 });
    expect(platform.publishCalls).toBe(1);
    expect(await runOf(id)).toMatchObject({ status: "succeeded" });
  });

  it("retries a failure before the platform was reached, and gives up after 5 attempts with a dead letter", async () => {
    const t = await liveTenant();
    platform.script = ["transient", "transient", "transient", "transient", "transient"];
    const id = await submitX(t.key);
    await h.drain();
    expect(platform.publishCalls).toBe(0);
    expect(await runOf(id)).toMatchObject({
      status: "failed",
      attempts: 5,
      error: { code: "transient", retryable: false, message: expect.stringContaining("gave up after 5 attempts") },
    });
    const dead = await h.db.collection("deadLetters").where("postSubmissionId", "==", id).get();
    expect(dead.size).toBe(1);
    expect((await h.db.doc(`postSubmissions/${id}`).get()).data()).toMatchObject({
      status: "failed",
      summary: { failed: 1, pending: 0 },
    });
  });

  it("fails a rejected post at once, without a dead letter", async () => {
    const t = await liveTenant();
    platform.script = ["reject"];
    const id = await submitX(t.key);
    await h.drain();
    expect(await runOf(id)).toMatchObject({ status: "failed", attempts: 1, error: { code: "rejected" } });
    expect((await h.db.collection("deadLetters").where("postSubmissionId", "==", id).get()).size).toBe(0);
  });

  it("polls a post the platform is processing in separate tasks that do not count as attempts", async () => {
    const t = await liveTenant();
    platform.script = ["wait"];
    const id = await submitX(t.key);
    await h.drain();
    expect(await runOf(id)).toMatchObject({
      status: "processing",
      attempts: 1,
      platformProcessing: { checks: 1 },
      waiting: { reason: "platform_processing", message: "processing" },
    });
    for (let i = 0; i < 3; i++) {
      h.offsetMs += 6_000;
      await h.drain();
    }
    expect(platform.publishCalls).toBe(1);
    expect(await runOf(id)).toMatchObject({
      status: "succeeded",
      platformPostId: "post_1",
      attempts: 1,
      platformProcessing: null,
      waiting: null,
    });
  });

  it("counts the 24-hour processing limit from the platform's first answer, across a retry's wait in between", async () => {
    const t = await liveTenant();
    platform.script = ["wait"];
    const id = await submitX(t.key);
    await h.drain();
    h.tasks.pending.length = 0;
    // As a failed check leaves it: queued, showing its retry's backoff; processing began 25 h ago.
    const now = h.clock().getTime();
    await h.db.doc(`postSubmissions/${id}/runs/x`).update({
      status: "queued",
      "platformProcessing.since": Timestamp.fromMillis(now - 25 * 3600_000),
      waiting: {
        reason: "retry_backoff",
        message: "Failed (attempt 1 of 5), will be tried again: connection reset",
        since: Timestamp.fromMillis(now),
        until: Timestamp.fromMillis(now + 5_000),
      },
    });
    await h.handlers().publishX!({ postSubmissionId: id, runId: "x", check: true }, { retryCount: 0 });
    expect(await runOf(id)).toMatchObject({
      status: "unknown",
      error: { code: "outcome_unknown", message: expect.stringMatching(/still processing the post after 24 hours/) },
      waiting: null,
      platformProcessing: null,
    });
  });

  it("reconciles a publish call made by a check that lost its answer, instead of calling again", async () => {
    const t = await liveTenant();
    platform.script = ["container"];
    platform.loseOnCheck = 1;
    const id = await submitX(t.key);
    await h.drain();
    expect(await runOf(id)).toMatchObject({ status: "processing", platformProcessing: { checks: 1 } });
    h.offsetMs += 6_000;
    await h.drain();
    // The lost answer keeps the mark; a publish task (a counted attempt) reconciles a minute later.
    expect(await runOf(id)).toMatchObject({ status: "queued", error: { code: "outcome_unknown" } });
    h.offsetMs += 61_000;
    await h.drain();
    expect(platform.publishCalls).toBe(1);
    expect(await runOf(id)).toMatchObject({ status: "succeeded", platformPostId: "post_1", pendingCommit: null });
  });
});

describe("deferred claims (the claim is written with the delivery's first write)", () => {
  const runState = async (id: string) => {
    const run = await runOf(id);
    return { status: run.status as string, attempts: run.attempts as number };
  };

  it("writes the claim before the first platform call, so a delivery that dies in one has spent its attempt", async () => {
    const t = await liveTenant();
    const seen: Record<string, unknown> = {};
    platform.probe = async (ctx) => {
      seen.before = await runState(ctx.run.postSubmissionId);
      await ctx.http.send({ method: "GET", url: "http://127.0.0.1:9/", timeoutMs: 1000 }).catch(() => undefined);
      seen.atCall = await runState(ctx.run.postSubmissionId);
    };
    const id = await submitX(t.key);
    await h.drain();
    expect(seen).toEqual({
      before: { status: "queued", attempts: 0 },
      atCall: { status: "processing", attempts: 1 },
    });
    expect(await runOf(id)).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("writes the claim before the first media read too", async () => {
    const t = await liveTenant();
    const seen: Record<string, unknown> = {};
    platform.probe = async (ctx) => {
      seen.before = await runState(ctx.run.postSubmissionId);
      await ctx.media.open("https://cdn.example.com/none.png").catch(() => undefined);
      seen.atRead = await runState(ctx.run.postSubmissionId);
    };
    const id = await submitX(t.key);
    await h.drain();
    expect(seen).toEqual({
      before: { status: "queued", attempts: 0 },
      atRead: { status: "processing", attempts: 1 },
    });
    expect(await runOf(id)).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("refuses every write of a claim another delivery overtook: no mark, so no publishing call", async () => {
    const t = await liveTenant();
    const id = await submitX(t.key);
    await h.tasks.drain({ orchestratePost: h.handlers().orchestratePost! });
    h.tasks.pending.length = 0;
    const options = { countAttempt: true, maxAttempts: 5, defer: true };
    const first = await h.runs.claim(id, "x", "first", h.clock(), 60_000, options);
    const second = await h.runs.claim(id, "x", "second", h.clock(), 60_000, options);
    if (first.kind !== "claimed" || second.kind !== "claimed") throw new Error("both should read the run claimable");
    // Neither wrote anything yet: the run is as the orchestrator left it.
    expect(await runState(id)).toEqual({ status: "queued", attempts: 0 });

    const mark = { attempt: 1, at: h.clock() };
    expect(await h.runs.markCommit(id, "x", second.lease, { sent: true }, mark)).toBe(true);
    expect(await h.runs.markCommit(id, "x", first.lease, { sent: true }, mark)).toBe(false);
    const post = { userId: t.uid, mode: "live" as const };
    const succeeded = { status: "succeeded" as const, platformPostId: "p", permalink: null };
    expect(await h.runs.finish(id, "x", first.lease, post, succeeded)).toBe(false);
    expect(await h.runs.saveProgress(id, "x", first.lease, { other: true })).toBe(false);
    expect(await runOf(id)).toMatchObject({
      status: "processing",
      attempts: 1,
      leaseId: "second",
      progress: { sent: true },
      pendingCommit: { attempt: 1 },
    });
    // The winner holds the run as by a claim written up front.
    expect(await h.runs.finish(id, "x", second.lease, post, succeeded)).toBe(true);
    expect(await runOf(id)).toMatchObject({ status: "succeeded", attempts: 1, platformPostId: "p" });
  });

  it("leaves the run as it was when a delivery dies before its first write; the next one publishes once", async () => {
    const t = await liveTenant();
    const id = await submitX(t.key);
    await h.tasks.drain({ orchestratePost: h.handlers().orchestratePost! });
    const before = await h.db.doc(`postSubmissions/${id}/runs/x`).get();
    const dead = await h.runs.claim(id, "x", "dead", h.clock(), 60_000, { countAttempt: true, defer: true });
    expect(dead.kind).toBe("claimed");
    const after = await h.db.doc(`postSubmissions/${id}/runs/x`).get();
    expect(after.updateTime?.isEqual(before.updateTime!)).toBe(true);
    await h.drain();
    expect(platform.publishCalls).toBe(1);
    expect(await runOf(id)).toMatchObject({ status: "succeeded", attempts: 1, leaseId: null });
  });
});

describe("the attempt cap", () => {
  it("still lets a run that waits on the platform after its last attempt be checked, whatever task claims it", async () => {
    const t = await liveTenant();
    platform.script = ["transient", "transient", "transient", "transient", "wait"];
    const id = await submitX(t.key);
    await h.drain();
    expect(await runOf(id)).toMatchObject({
      status: "processing",
      attempts: 5,
      leaseId: null,
      platformProcessing: { checks: 1 },
    });
    // A duplicate of the last publish task: its release while waiting was no death, so no cap.
    await h.handlers().publishX!({ postSubmissionId: id, runId: "x" }, { retryCount: 1 });
    expect((await runOf(id)).status).toBe("processing");
    for (let i = 0; i < 3; i++) {
      h.offsetMs += 6_000;
      await h.drain();
    }
    expect(platform.publishCalls).toBe(1);
    expect(await runOf(id)).toMatchObject({ status: "succeeded", platformPostId: "post_1" });
  });

  it("ends unknown, not failed, when a delivery dies while the run waits on the platform at its last attempt", async () => {
    const t = await liveTenant();
    platform.script = ["transient", "transient", "transient", "transient", "wait"];
    const id = await submitX(t.key);
    await h.drain();
    h.tasks.pending.length = 0;
    // A check that dies holding the run (killed while polling): its lease is all that is left.
    const check = await h.runs.claim(id, "x", "dead-check", h.clock(), 60_000, { countAttempt: false });
    expect(check.kind).toBe("claimed");
    h.offsetMs += 2 * 60_000;
    await h.handlers().publishX!({ postSubmissionId: id, runId: "x" }, { retryCount: 0 });
    const run = await runOf(id);
    expect(run).toMatchObject({ status: "unknown", attempts: 5, error: { code: "outcome_unknown" } });
    expect(run.error.message).toMatch(/processing the post.*gave up after 5 attempts/);
    expect(platform.publishCalls).toBe(1);
  });
});

describe("credentials at publish time", () => {
  it("refreshes a token near expiry before publishing and keeps the rotated refresh token", async () => {
    const t = await liveTenant(credentials({ expiresAt: new Date(Date.now() + 60_000).toISOString() }));
    const id = await submitX(t.key);
    await h.drain();
    expect(platform.refreshCalls).toBe(1);
    expect(await runOf(id)).toMatchObject({ status: "succeeded" });
    const stored = await credentialStore.read({ userId: t.uid, platform: "x", accountId: "x_primary" });
    expect(stored).toMatchObject({ version: 2, credentials: { accessToken: "fresh", refreshToken: "rotated_1" } });
  });

  it("refreshes once after the platform rejects the token, then publishes", async () => {
    const t = await liveTenant();
    platform.script = ["unauthorized"];
    const id = await submitX(t.key);
    await h.drain();
    expect(platform.refreshCalls).toBe(1);
    expect(await runOf(id)).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("marks the account needs_reauth when the token cannot be renewed, without retrying", async () => {
    const t = await liveTenant();
    platform.canRefresh = false;
    platform.script = ["unauthorized"];
    const id = await submitX(t.key);
    await h.drain();
    expect(await runOf(id)).toMatchObject({ status: "failed", attempts: 1, error: { code: "auth_expired" } });
    const account = (await h.db.doc(`users/${t.uid}/integrations/x/accounts/x_primary`).get()).data()!;
    expect(account).toMatchObject({ status: "needs_reauth", statusReason: expect.stringContaining("reconnected") });
    const next = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({ post: { content: { text: "again", platform: [{ platform: "x", accountId: "x_primary" }] } } });
    expect(next.status).toBe(400);
    expect(next.body.error).toMatchObject({ code: "missing_account", details: { reason: "needs_reauth" } });
  });

  it("does not change a real account's status for a sandbox auth_expired", async () => {
    const t = await h.tenant();
    const res = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({
        post: { content: { text: "sandbox", platform: ["threads"] } },
        sandbox: { outcomes: { threads: "auth_expired" } },
      });
    await h.drain();
    const run = (await h.db.doc(`postSubmissions/${res.body.postSubmissionId}/runs/threads`).get()).data()!;
    expect(run).toMatchObject({ status: "failed", error: { code: "auth_expired" } });
    const account = (await h.db.doc(`users/${t.uid}/integrations/threads/accounts/threads_main`).get()).data()!;
    expect(account.status).toBe("active");
  });

  it("lets only one of several racing refreshes call the platform, so a single-use refresh token is spent once", async () => {
    const t = await liveTenant();
    const account = { userId: t.uid, platform: "x" as const, accountId: "x_primary" };
    const seen = (await credentialStore.read(account))!;
    let grants = 0;
    const grant = async (c: Credentials) => {
      grants += 1;
      await new Promise((r) => setTimeout(r, 300));
      return { ...c, accessToken: `fresh_${grants}`, refreshToken: `rotated_${grants}` };
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        credentialStore.refresh(account, seen.version, { grant, revoke: () => Promise.resolve(false) }),
      ),
    );
    expect(grants).toBe(1);
    expect(new Set(results.map((r) => r?.credentials.refreshToken))).toEqual(new Set(["rotated_1"]));
    expect((await credentialStore.read(account))?.credentials.refreshToken).toBe("rotated_1");
  });

  it("stores credentials only sealed: no token appears in the document", async () => {
    const t = await liveTenant(credentials({ accessToken: "at_SECRET_123", refreshToken: "rt_SECRET_456" }));
    const docs = await h.db.collection("credentials").where("userId", "==", t.uid).get();
    expect(docs.size).toBe(1);
    const raw = JSON.stringify(docs.docs[0]!.data());
    expect(raw).not.toContain("SECRET");
    expect(docs.docs[0]!.data()).toMatchObject({ sealed: { keyId: "test1" }, version: 1 });
  });
});

describe("per-account pacing", () => {
  it("defers a publish that would pass the account's posting cap, and publishes it when the window allows", async () => {
    const t = await liveTenant();
    h.caps = { ...PUBLISH_CAPS, x: { limit: 1, windowSeconds: 600 } };
    const first = await submitX(t.key);
    await h.drain();
    const second = await submitX(t.key);
    await h.drain();
    expect(await runOf(first)).toMatchObject({ status: "succeeded" });
    expect(await runOf(second)).toMatchObject({ status: "queued", attempts: 0 });
    expect(platform.publishCalls).toBe(1);
    h.offsetMs = 602_000;
    await h.drain();
    expect(await runOf(second)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(platform.publishCalls).toBe(2);
  });
});
