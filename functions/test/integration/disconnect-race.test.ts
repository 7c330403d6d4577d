import { getApps, initializeApp } from "firebase-admin/app";
import request from "supertest";
import { liveSuite } from "../support/adapter-suite";
import { CredentialStore } from "../../src/store/credential-store";
import { TEST_KEYRING } from "../support/keyring";
import { connectThroughFake, idToken } from "../support/connect-flow";

jest.setTimeout(60_000);

// ID tokens are minted and verified by the first app, which must be the Auth emulator's project.
if (getApps().length === 0) initializeApp({ projectId: "demo-postcast" });
// Its own database: the token-health job renews every account it finds due.
const { h, live } = liveSuite({ projectId: `demo-disconnect-race-${Date.now()}` });
const x = () => live.fakes.x;
const DAY = 24 * 3600_000;
const credentials = new CredentialStore(h.db, () => TEST_KEYRING, h.clock);
const renewTokens = () => h.renewTokens();

let seq = 0;
/** A user with a live key and an X account connected through the fake's OAuth. */
async function connectedX() {
  const t = await h.tenant({ keys: [{ mode: "live" }], accounts: {} });
  const accountId = `x_race_${Date.now()}_${seq++}`;
  x().signIn({ accountId, username: `${accountId}_handle` });
  expect(await connectThroughFake(h, t.uid, "x")).toEqual({ status: "connected", accountIds: [accountId] });
  return { ...t, accountId, ref: { userId: t.uid, platform: "x" as const, accountId } };
}

/**
 * Holds the answer of X's next token request: the platform has refreshed (and rotated) the
 * tokens, the caller has not heard yet. `held` resolves then; `release()` sends the answer.
 */
function holdNextRefresh() {
  let answered!: () => void;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (answered = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  x().inject({
    kind: "hold_answer",
    method: "POST",
    path: /^\/2\/oauth2\/token$/,
    release: () => {
      answered();
      return gate;
    },
  });
  return { held, release };
}

/** The tokens X issued for an account that it did not know before `before` was taken. */
function issuedSince(before: Set<string>, accountId: string): string[] {
  return [...x().tokens.values()]
    .filter((g) => g.accountId === accountId && !before.has(g.accessToken))
    .flatMap((g) => [g.accessToken, ...(g.refreshToken ? [g.refreshToken] : [])]);
}

async function disconnect(uid: string, accountId: string) {
  const res = await request(h.app)
    .delete(`/v1/accounts/x/${accountId}`)
    .set("authorization", `Bearer ${await idToken(uid)}`);
  expect(res.status).toBe(200);
}

const accountOf = async (uid: string, accountId: string) =>
  (await h.db.doc(`users/${uid}/integrations/x/accounts/${accountId}`).get()).data()!;

async function publishNow(key: string, accountId: string) {
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", key)
    .send({ post: { content: { text: `race ${seq++}`, platform: [{ platform: "x", accountId }] } } });
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

const runOf = async (id: string) => (await h.db.doc(`postSubmissions/${id}/runs/x`).get()).data()!;

afterEach(async () => {
  x().accessTokenTtlSeconds = 7200;
  x().clearFaults();
  // Each test's token-health runs must see only its own account (and its held refresh be its own).
  const left = await h.db.collection("credentials").get();
  await Promise.all(left.docs.map((d) => d.ref.delete()));
});

describe("a disconnect wins the race with a refresh", () => {
  it("a publisher's refresh answered after the DELETE stores nothing, revokes the fresh token and publishes nothing", async () => {
    // Tokens that expire within the refresh margin: the delivery refreshes before publishing.
    x().accessTokenTtlSeconds = 60;
    const t = await connectedX();
    const before = new Set(x().tokens.keys());
    const id = await publishNow(t.key, t.accountId);

    const { held, release } = holdNextRefresh();
    const delivering = h.drain();
    await held;
    const fresh = issuedSince(before, t.accountId);
    expect(fresh.length).toBe(2);
    await disconnect(t.uid, t.accountId);
    release();
    await delivering;

    expect(await credentials.read(t.ref)).toBeNull();
    expect(x().revokeRequests).toEqual(expect.arrayContaining([fresh[1]]));
    expect(await runOf(id)).toMatchObject({ status: "failed", error: { code: "account_disconnected" } });
    expect(x().postsOf(t.accountId)).toEqual([]);
    expect(await accountOf(t.uid, t.accountId)).toMatchObject({ status: "disconnected", health: "disconnected" });

    // Reconnecting afterwards works: the disconnect left nothing that blocks it.
    x().accessTokenTtlSeconds = 7200;
    expect(await connectThroughFake(h, t.uid, "x")).toEqual({ status: "connected", accountIds: [t.accountId] });
    expect(await accountOf(t.uid, t.accountId)).toMatchObject({ status: "active" });
    const again = await publishNow(t.key, t.accountId);
    await h.drain();
    expect(await runOf(again)).toMatchObject({ status: "succeeded" });
    expect(x().postsOf(t.accountId)).toHaveLength(1);
  });

  it("a renewal answered after the DELETE stores nothing, revokes the fresh token and is not renewed again", async () => {
    const t = await connectedX();
    const before = new Set(x().tokens.keys());
    h.offsetMs = DAY + 60_000;

    const { held, release } = holdNextRefresh();
    const renewing = renewTokens();
    await held;
    const fresh = issuedSince(before, t.accountId);
    await disconnect(t.uid, t.accountId);
    release();
    expect(await renewing).toMatchObject({ renewed: 0, disconnected: 1 });

    expect(await credentials.read(t.ref)).toBeNull();
    expect(x().revokeRequests).toEqual(expect.arrayContaining([fresh[1]]));
    expect(await accountOf(t.uid, t.accountId)).toMatchObject({ status: "disconnected" });
    // Nothing left for the job: the next run does not touch the account.
    const refreshes = x().requests.filter((r) => r.path === "/2/oauth2/token").length;
    expect(await renewTokens()).toMatchObject({ renewed: 0, disconnected: 0 });
    expect(x().requests.filter((r) => r.path === "/2/oauth2/token")).toHaveLength(refreshes);
  });

  it("credentials left behind by a disconnect that stopped half way are revoked and forgotten, never renewed", async () => {
    const t = await connectedX();
    const stale = (await credentials.read(t.ref))!.credentials;
    // The account was marked disconnected; the process died before revoking and deleting.
    await h.deps.standing.disconnected(t.ref);
    h.offsetMs = DAY + 60_000;
    const refreshes = x().requests.filter((r) => r.path === "/2/oauth2/token").length;

    expect(await renewTokens()).toMatchObject({ renewed: 0, disconnected: 1 });
    expect(x().requests.filter((r) => r.path === "/2/oauth2/token")).toHaveLength(refreshes);
    expect(await credentials.read(t.ref)).toBeNull();
    expect(x().revokeRequests).toEqual(expect.arrayContaining([stale.refreshToken]));
  });

  it("a reconnection in progress (new credentials stored, the account not yet active) is not taken for leftovers", async () => {
    const t = await connectedX();
    await h.deps.standing.disconnected(t.ref);
    // A reconnection stores the credentials first, then marks the account active: between the two,
    // the new credentials must survive a renewal and serve a delivery.
    await live.connect(h, t.uid, "x", t.accountId);
    const reconnecting = (await credentials.readForUse(t.ref)) as { credentials: { accessToken: string } };
    expect(reconnecting).toMatchObject({ credentials: { accessToken: expect.any(String) } });
    h.offsetMs = DAY + 60_000;
    expect(await renewTokens()).toMatchObject({ renewed: 1, disconnected: 0 });
    expect((await credentials.read(t.ref))!.credentials.accessToken).not.toBe(reconnecting.credentials.accessToken);
  });

  it("a renewal of a connection replaced meanwhile (disconnected, then reconnected) keeps the new connection's credentials", async () => {
    const t = await connectedX();
    h.offsetMs = DAY + 60_000;
    const { held, release } = holdNextRefresh();
    const renewing = renewTokens();
    await held;
    await disconnect(t.uid, t.accountId);
    h.offsetMs = 0;
    expect(await connectThroughFake(h, t.uid, "x")).toEqual({ status: "connected", accountIds: [t.accountId] });
    const reconnected = (await credentials.read(t.ref))!;
    const revokesBefore = x().revokeRequests.length;
    release();
    await renewing;

    // The old connection's refresh neither overwrote nor revoked the new connection's tokens.
    expect((await credentials.read(t.ref))!.credentials).toEqual(reconnected.credentials);
    expect(x().revokeRequests).toHaveLength(revokesBefore);
    h.offsetMs = 0;
    const id = await publishNow(t.key, t.accountId);
    await h.drain();
    expect(await runOf(id)).toMatchObject({ status: "succeeded" });
  });
});
