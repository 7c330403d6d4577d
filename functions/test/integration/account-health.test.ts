import { getApps, initializeApp } from "firebase-admin/app";
import request from "supertest";
import { liveSuite } from "../support/adapter-suite";
import { CredentialStore } from "../../src/store/credential-store";
import type { Platform } from "../../src/domain/platforms";
import { TEST_KEYRING } from "../support/keyring";
import { connectThroughFake, idToken } from "../support/connect-flow";

jest.setTimeout(60_000);

// ID tokens are minted and verified by the first app, which must be the Auth emulator's project.
if (getApps().length === 0) initializeApp({ projectId: "demo-postcast" });
// Its own database: the token-health job works on every account it finds, and other files' accounts
// (hundreds, from the fault-injection suite) would crowd this file's out of its batch.
const { h, live } = liveSuite({ projectId: `demo-token-health-${Date.now()}` });
const DAY = 24 * 3600_000;

const credentials = new CredentialStore(h.db, () => TEST_KEYRING, h.clock);

let seq = 0;
/** A user with a live key and one account of `platform` connected through the fake's OAuth. */
async function connected(platform: Platform) {
  const t = await h.tenant({ keys: [{ mode: "live" }], accounts: {} });
  const accountId = `${platform}_acct_${Date.now()}_${seq++}`;
  live.fakes[platform].signIn({ accountId, username: `${accountId}_handle` });
  const outcome = await connectThroughFake(h, t.uid, platform);
  expect(outcome).toEqual({ status: "connected", accountIds: [accountId] });
  return { ...t, accountId, ref: { userId: t.uid, platform, accountId } };
}

const TEXT_ONLY: Platform[] = ["x", "threads", "linkedin", "facebook"];
const media = (platform: Platform) =>
  TEXT_ONLY.includes(platform) ? {} : { videoUrl: live.media.media("scheduled.mp4", 300_000) };

async function schedule(key: string, platform: Platform, accountId: string, at: Date, text = `later ${seq++}`) {
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", key)
    .send({
      post: { content: { text, ...media(platform), platform: [{ platform, accountId }] } },
      scheduledTime: at.toISOString(),
    });
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

async function view(key: string, id: string) {
  const res = await request(h.app).get(`/v1/posts/${id}`).set("soku-api-key", key);
  expect(res.status).toBe(200);
  return res.body as { status: string; summary: Record<string, number>; runs: Record<string, unknown>[] };
}

async function listed(key: string, accountId: string) {
  const res = await request(h.app).get("/v1/accounts").set("soku-api-key", key);
  return (res.body as { data: Record<string, unknown>[] }).data.find((a) => a.accountId === accountId)!;
}

describe("disconnecting an account", () => {
  it("revokes at the platform, forgets the credentials, moves the default and fails its scheduled posts now", async () => {
    const t = await connected("x");
    const second = `x_second_${seq++}`;
    live.fakes.x.signIn({ accountId: second, username: "second" });
    await connectThroughFake(h, t.uid, "x");
    const at = new Date(Date.now() + 2 * 3600_000);
    const doomed = await schedule(t.key, "x", t.accountId, at);
    const kept = await schedule(t.key, "x", second, at);

    const byKey = await request(h.app).delete(`/v1/accounts/x/${t.accountId}`).set("soku-api-key", t.key);
    expect(byKey.status).toBe(401);
    const res = await request(h.app)
      .delete(`/v1/accounts/x/${t.accountId}`)
      .set("authorization", `Bearer ${await idToken(t.uid)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "disconnected", revokedAtPlatform: true, failedScheduledPosts: 1 });
    expect(live.fakes.x.revocations.map((r) => r.accountId)).toContain(t.accountId);
    expect(await credentials.read(t.ref)).toBeNull();
    expect((await h.db.doc(`users/${t.uid}/integrations/x`).get()).data()).toMatchObject({
      defaultAccountId: second,
      connectedCount: 1,
    });
    expect(await listed(t.key, t.accountId)).toMatchObject({ status: "disconnected", health: "disconnected" });

    // Told at once, not at the post's time.
    const now = await view(t.key, doomed);
    expect(now.runs[0]).toMatchObject({ status: "failed", error: { code: "account_disconnected" } });
    expect(now.summary).toMatchObject({ failed: 1, pending: 0 });
    expect((await view(t.key, kept)).runs[0]).toMatchObject({ status: "pending", warning: null });

    // At its time, nothing is sent and the submission ends failed; the other account's post goes out.
    h.offsetMs = 2 * 3600_000 + 60_000;
    await h.drain();
    const done = await view(t.key, doomed);
    expect(done).toMatchObject({ status: "failed" });
    expect(done.runs[0]).toMatchObject({ status: "failed", error: { code: "account_disconnected" } });
    expect(live.fakes.x.postsOf(t.accountId)).toHaveLength(0);
    expect((await view(t.key, kept)).status).toBe("completed");

    // A repeated DELETE is harmless; an unknown account is a 404.
    const again = await request(h.app)
      .delete(`/v1/accounts/x/${t.accountId}`)
      .set("authorization", `Bearer ${await idToken(t.uid)}`);
    expect(again.status).toBe(200);
    const unknown = await request(h.app)
      .delete("/v1/accounts/x/nobody")
      .set("authorization", `Bearer ${await idToken(t.uid)}`);
    expect(unknown.status).toBe(404);
  });
});

describe("reconnecting an account", () => {
  it("updates its credentials, keeps a refresh token the platform did not resend, and keeps its history", async () => {
    live.fakes.linkedin.issueRefreshTokens = true;
    const t = await connected("linkedin");
    const first = (await credentials.read(t.ref))!.credentials;
    expect(first.refreshToken).toEqual(expect.any(String));
    const created = (await h.db.doc(`users/${t.uid}/integrations/linkedin/accounts/${t.accountId}`).get()).get(
      "createdAt",
    ) as unknown;
    const post = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({ post: { content: { text: `before reconnect ${seq++}`, platform: ["linkedin"] } } });
    await h.drain();

    // The second consent comes back without a refresh token (LinkedIn resends none here).
    live.fakes.linkedin.issueRefreshTokens = false;
    live.fakes.linkedin.signIn({ accountId: t.accountId, username: `${t.accountId}_handle` });
    await connectThroughFake(h, t.uid, "linkedin");
    const second = (await credentials.read(t.ref))!.credentials;
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).toBe(first.refreshToken);
    const account = await h.db.doc(`users/${t.uid}/integrations/linkedin/accounts/${t.accountId}`).get();
    expect(account.get("createdAt")).toEqual(created);
    expect((await h.db.doc(`users/${t.uid}/integrations/linkedin`).get()).get("connectedCount")).toBe(1);
    expect((await view(t.key, post.body.postSubmissionId as string)).status).toBe("completed");
  });
});

describe("token health", () => {
  it("renews rotating tokens daily, once even when two renewals race", async () => {
    const t = await connected("x");
    const before = (await credentials.read(t.ref))!;
    h.offsetMs = DAY + 60_000;
    const [a, b] = await Promise.all([h.renewTokens(), h.renewTokens()]);
    expect(a.renewed + b.renewed).toBeGreaterThanOrEqual(1);
    const after = (await credentials.read(t.ref))!;
    expect(after.credentials.refreshToken).not.toBe(before.credentials.refreshToken);
    expect(after.version).toBe(before.version + 1);
    // The rotated family is intact (a reused refresh token would have revoked it): publishing works.
    h.offsetMs = 0;
    const res = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({
        post: { content: { text: `after renewal ${seq++}`, platform: [{ platform: "x", accountId: t.accountId }] } },
      });
    await h.drain();
    const run = (await h.db.doc(`postSubmissions/${res.body.postSubmissionId as string}/runs/x`).get()).data()!;
    expect(run.status).toBe("succeeded");
    expect((await listed(t.key, t.accountId)).tokenExpiresAt).toBe(after.credentials.expiresAt);
  });

  it("a grant revoked at the platform makes the account needs_reauth and warns its scheduled posts; reconnecting clears it", async () => {
    const t = await connected("tiktok");
    const id = await schedule(t.key, "tiktok", t.accountId, new Date(Date.now() + 3 * DAY));
    live.fakes.tiktok.revoke(t.accountId);
    h.offsetMs = DAY + 60_000;
    const counts = await h.renewTokens();
    expect(counts.needsReauth).toBeGreaterThanOrEqual(1);
    expect(await listed(t.key, t.accountId)).toMatchObject({ status: "needs_reauth", health: "needs_reauth" });
    expect((await view(t.key, id)).runs[0]).toMatchObject({
      status: "pending",
      warning: { code: "account_needs_reauth" },
    });

    live.fakes.tiktok.signIn({ accountId: t.accountId, username: `${t.accountId}_handle` });
    await connectThroughFake(h, t.uid, "tiktok");
    expect(await listed(t.key, t.accountId)).toMatchObject({ status: "active", health: "active" });
    expect((await view(t.key, id)).runs[0]).toMatchObject({ status: "pending", warning: null });
  });

  it("a LinkedIn connection without refresh shows expiring a week before its 60 days end, and warns posts after that", async () => {
    const t = await connected("linkedin");
    const end = new Date((await credentials.read(t.ref))!.credentials.expiresAt!);
    const before = await schedule(t.key, "linkedin", t.accountId, new Date(end.getTime() - DAY));
    const after = await schedule(t.key, "linkedin", t.accountId, new Date(end.getTime() + DAY));
    expect((await listed(t.key, t.accountId)).health).toBe("active");

    h.offsetMs = end.getTime() - Date.now() - 6 * DAY;
    expect((await h.renewTokens()).expiring).toBeGreaterThanOrEqual(1);
    expect(await listed(t.key, t.accountId)).toMatchObject({ status: "active", health: "expiring" });
    expect((await view(t.key, after)).runs[0]).toMatchObject({ warning: { code: "account_expiring" } });
    expect((await view(t.key, before)).runs[0]).toMatchObject({ warning: null });
  });
});
