import request from "supertest";
import { liveSuite } from "../support/adapter-suite";
import { PLATFORMS, type Platform } from "../../src/domain/platforms";
import {
  callback,
  connectThroughFake,
  consent,
  consentThroughFake,
  idToken,
  redeem,
  startConnect,
} from "../support/connect-flow";

jest.setTimeout(60_000);

const { h, live } = liveSuite();

/** A user with a live key and nothing connected yet. */
async function user() {
  const t = await h.tenant({ keys: [{ mode: "live" }], accounts: {} });
  return t;
}

/** Connects the fake's signed-in account of `platform` (on Facebook: every Page offered). */
async function connect(uid: string, platform: Platform): Promise<string[]> {
  const outcome = await connectThroughFake(h, uid, platform);
  if (outcome.status === "choose") {
    const selection = outcome.selection;
    const offered = await request(h.app)
      .get(`/v1/integrations/${platform}/selections/${selection}`)
      .set("authorization", `Bearer ${await idToken(uid)}`);
    const ids = (offered.body as { accounts: { accountId: string }[] }).accounts.map((a) => a.accountId);
    const chosen = await request(h.app)
      .post(`/v1/integrations/${platform}/selections/${selection}`)
      .set("authorization", `Bearer ${await idToken(uid)}`)
      .send({ accountIds: [ids[0]] });
    expect(chosen.status).toBe(200);
    return [ids[0]!];
  }
  expect(outcome).toMatchObject({ status: "connected", accountIds: [expect.any(String)] });
  return outcome.status === "connected" ? outcome.accountIds : [];
}

async function accounts(key: string) {
  const res = await request(h.app).get("/v1/accounts").set("soku-api-key", key);
  expect(res.status).toBe(200);
  return (res.body as { data: Record<string, unknown>[] }).data;
}

async function publish(key: string, platform: Platform, accountId: string) {
  const content =
    platform === "x" || platform === "threads" || platform === "linkedin" || platform === "facebook"
      ? { text: `connected ${platform} ${Date.now()}` }
      : { text: `connected ${platform} ${Date.now()}`, videoUrl: live.media.media("clip.mp4", 300_000) };
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", key)
    .send({ post: { content: { ...content, platform: [{ platform, accountId }] } } });
  expect(res.status).toBe(202);
  await h.drain({ ignoreSchedule: true });
  return (await h.db.doc(`postSubmissions/${res.body.postSubmissionId as string}/runs/${platform}`).get()).data()!;
}

describe("connecting accounts through each platform's OAuth", () => {
  it.each(PLATFORMS)("%s: connect, list, publish with a live key", async (platform) => {
    const t = await user();
    const started = await startConnect(h, t.uid, platform, { returnTo: "https://dashboard.postcast.test/connected" });
    expect(started.status).toBe(200);
    const authorize = new URL((started.body as { authorizeUrl: string }).authorizeUrl);
    expect(authorize.origin).toBe(live.settings[platform].apiUrl);
    expect(authorize.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.has("code_challenge")).toBe(platform === "x" || platform === "tiktok");

    const [accountId] = await connect(t.uid, platform);
    const listed = (await accounts(t.key)).find((a) => a.platform === platform && a.accountId === accountId);
    expect(listed).toMatchObject({ status: "active", health: "active", onlyAccount: true });
    expect(listed!.displayName).toEqual(expect.any(String));
    const integration = (await h.db.doc(`users/${t.uid}/integrations/${platform}`).get()).data();
    expect(integration).toMatchObject({ defaultAccountId: accountId, connectedCount: 1 });

    const run = await publish(t.key, platform, accountId!);
    expect(run).toMatchObject({ status: "succeeded" });
    expect(live.fakes[platform].postsOf(accountId!).map((p) => p.id)).toContain(run.platformPostId);
  });

  it("a refused consent, an expired or replayed state, a reused code and a foreign returnTo all fail clearly", async () => {
    const t = await user();
    const idt = await idToken(t.uid);

    // The user says no at the platform.
    live.fakes.linkedin.consent = "deny";
    const denied = await consentThroughFake(h, t.uid, "linkedin");
    expect(Object.fromEntries(denied)).toMatchObject({ status: "error", error: "access_denied" });

    // Too slow: the state expired (10 minutes), and is spent anyway.
    live.fakes.linkedin.consent = "approve";
    const slow = await startConnect(h, t.uid, "linkedin");
    const late = await consent((slow.body as { authorizeUrl: string }).authorizeUrl);
    h.offsetMs = 11 * 60_000;
    const expired = await callback(h, late.callback);
    expect(new URL(expired.headers.location!).searchParams.get("error")).toBe("expired_state");
    h.offsetMs = 0;

    // A replayed callback (the same state twice) is refused, not connected again.
    const once = await startConnect(h, t.uid, "x");
    const first = await consent((once.body as { authorizeUrl: string }).authorizeUrl);
    const returned = await callback(h, first.callback);
    expect(returned.status).toBe(302);
    expect((await redeem(h, t.uid, "x", new URL(returned.headers.location!).searchParams.get("code")!)).status).toBe(
      200,
    );
    const replay = await callback(h, first.callback);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toMatchObject({ code: "validation_error", details: { reason: "state_used" } });

    // A code spent once cannot be spent with another state.
    const again = await startConnect(h, t.uid, "x");
    const other = await consent((again.body as { authorizeUrl: string }).authorizeUrl);
    const reused = new URL(other.callback);
    reused.searchParams.set("code", first.callback.searchParams.get("code")!);
    const reuse = await callback(h, reused);
    expect(new URL(reuse.headers.location!).searchParams.get("error")).toBe("exchange_failed");

    // Unknown state, foreign returnTo, an API key instead of an ID token, an unknown platform.
    expect((await request(h.app).get("/oauth/x/callback?state=nope&code=x")).status).toBe(400);
    const foreign = await startConnect(h, t.uid, "x", { returnTo: "https://dashboard.postcast.test.evil.io/" });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details).toMatchObject({ field: "returnTo", reason: "not_allowed" });
    const withKey = await request(h.app).post("/v1/integrations/x/connect").set("soku-api-key", t.key).send({});
    expect(withKey.status).toBe(401);
    const unknown = await request(h.app)
      .post("/v1/integrations/myspace/connect")
      .set("authorization", `Bearer ${idt}`)
      .send({});
    expect(unknown.status).toBe(400);

    // None of it connected anything beyond the one good X callback, once redeemed.
    const listed = await accounts(t.key);
    expect(listed.map((a) => a.platform)).toEqual(["x"]);
  });

  it("Facebook offers every Page the user granted and connects only the chosen ones", async () => {
    const t = await user();
    const outcome = await connectThroughFake(h, t.uid, "facebook");
    if (outcome.status !== "choose") throw new Error(`not a choice: ${JSON.stringify(outcome)}`);
    expect(outcome.accounts.length).toBeGreaterThanOrEqual(2);
    const path = `/v1/integrations/facebook/selections/${outcome.selection}`;
    const offered = await request(h.app)
      .get(path)
      .set("authorization", `Bearer ${await idToken(t.uid)}`);
    const pages = (offered.body as { accounts: { accountId: string; displayName: string }[] }).accounts;
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(offered.body)).not.toMatch(/facebook_at_/);

    // Someone else cannot use the selection; a page not offered is refused.
    const stranger = await user();
    const foreign = await request(h.app)
      .post(path)
      .set("authorization", `Bearer ${await idToken(stranger.uid)}`)
      .send({ accountIds: [pages[0]!.accountId] });
    expect(foreign.status).toBe(404);
    const bad = await request(h.app)
      .post(path)
      .set("authorization", `Bearer ${await idToken(t.uid)}`)
      .send({ accountIds: ["not-a-page"] });
    expect(bad.status).toBe(400);

    const chosen = await request(h.app)
      .post(path)
      .set("authorization", `Bearer ${await idToken(t.uid)}`)
      .send({ accountIds: [pages[1]!.accountId] });
    expect(chosen.status).toBe(200);
    expect((await accounts(t.key)).map((a) => a.accountId)).toEqual([pages[1]!.accountId]);
    // Spent: it cannot connect the other Page later.
    const twice = await request(h.app)
      .post(path)
      .set("authorization", `Bearer ${await idToken(t.uid)}`)
      .send({ accountIds: [pages[0]!.accountId] });
    expect(twice.status).toBe(404);
  });
});

/** Where the callback sent the browser: its query carries the code (or an error). */
const codeOf = (returned: URLSearchParams) => {
  expect(Object.fromEntries(returned)).toMatchObject({ status: "pending", code: expect.stringMatching(/^[\w-]{43}$/) });
  expect(returned.has("accountIds")).toBe(false);
  return returned.get("code")!;
};

describe("a connection belongs to the user who started it", () => {
  it("an authorize link started by A and approved by B attaches B's account to no one", async () => {
    const a = await user();
    const b = await user();
    // A starts a connection and has B (signed in at LinkedIn, the app already granted) follow the link.
    const victim = `li_victim_${Date.now()}`;
    live.fakes.linkedin.signIn({ accountId: victim, username: "victim" });
    const returned = await consentThroughFake(h, a.uid, "linkedin");
    const code = codeOf(returned);
    // The callback alone stored nothing: no account, no credentials.
    expect(await accounts(a.key)).toEqual([]);
    expect((await h.db.collection("credentials").where("accountId", "==", victim).get()).size).toBe(0);

    // B's dashboard (B's browser got the redirect) redeems it as B: B did not start it.
    const asB = await redeem(h, b.uid, "linkedin", code);
    expect(asB.status).toBe(404);
    expect(asB.body.error).toMatchObject({ code: "not_found" });
    // It says no more than a code that never existed.
    const unknown = await redeem(h, b.uid, "linkedin", "never-issued");
    expect(asB.body.error.message).toBe(unknown.body.error.message);
    // Should the code reach A later (a Referer, a log), B's attempt spent it: A gets nothing either.
    const asA = await redeem(h, a.uid, "linkedin", code);
    expect(asA.status).toBe(400);
    expect(asA.body.error).toMatchObject({ details: { field: "code", reason: "code_used" } });

    expect(await accounts(a.key)).toEqual([]);
    expect(await accounts(b.key)).toEqual([]);
    expect((await h.db.collection("credentials").where("accountId", "==", victim).get()).size).toBe(0);
    const pending = await h.db.collection("pendingConnections").where("userId", "==", a.uid).get();
    expect(pending.docs.map((d) => d.data())).toEqual([expect.objectContaining({ sealed: null })]);

    // The same user starting and redeeming connects; B's own flow gives B the account, never A.
    const own = codeOf(await consentThroughFake(h, b.uid, "linkedin"));
    const stolen = await redeem(h, a.uid, "linkedin", own);
    expect(stolen.status).toBe(404);
    expect(stolen.body.error.message).toBe(unknown.body.error.message);
    // A's attempt spent it (it had left B's browser): B starts again and redeems at once.
    expect((await redeem(h, b.uid, "linkedin", own)).body.error).toMatchObject({ details: { reason: "code_used" } });
    const again = codeOf(await consentThroughFake(h, b.uid, "linkedin"));
    const mine = await redeem(h, b.uid, "linkedin", again);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ status: "connected", platform: "linkedin", data: [{ accountId: victim }] });
    expect((await accounts(b.key)).map((x) => x.accountId)).toEqual([victim]);
    expect(await accounts(a.key)).toEqual([]);
  });

  it("a code redeems once, within 10 minutes, for its own platform", async () => {
    const t = await user();
    const first = codeOf(await consentThroughFake(h, t.uid, "x"));
    expect((await redeem(h, t.uid, "x", first)).status).toBe(200);
    const twice = await redeem(h, t.uid, "x", first);
    expect(twice.status).toBe(400);
    expect(twice.body.error).toMatchObject({
      code: "validation_error",
      details: { field: "code", reason: "code_used" },
    });

    const late = codeOf(await consentThroughFake(h, t.uid, "x"));
    h.offsetMs = 10 * 60_000 + 1000;
    const expired = await redeem(h, t.uid, "x", late);
    expect(expired.status).toBe(400);
    expect(expired.body.error).toMatchObject({ details: { field: "code", reason: "code_expired" } });
    h.offsetMs = 0;
    expect((await redeem(h, t.uid, "x", late)).body.error).toMatchObject({ details: { reason: "code_used" } });

    // Another platform's code is unknown there, and still good where it belongs.
    const threads = codeOf(await consentThroughFake(h, t.uid, "threads"));
    const elsewhere = await redeem(h, t.uid, "x", threads);
    expect(elsewhere.status).toBe(404);
    expect((await redeem(h, t.uid, "threads", threads)).status).toBe(200);

    // Unknown and malformed codes; an API key cannot redeem.
    expect((await redeem(h, t.uid, "x", "nope")).status).toBe(404);
    const empty = await redeem(h, t.uid, "x", "");
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toMatchObject({ field: "code" });
    const byKey = await request(h.app)
      .post("/v1/integrations/x/connections")
      .set("soku-api-key", t.key)
      .send({ code: first });
    expect(byKey.status).toBe(401);

    expect((await accounts(t.key)).map((a) => a.platform).sort()).toEqual(["threads", "x"]);
  });
});
