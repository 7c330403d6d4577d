import request from "supertest";
import { liveSuite } from "../support/adapter-suite";
import { PLATFORMS, type Platform } from "../../src/domain/platforms";
import { callback, connectThroughFake, consent, idToken, startConnect } from "../support/connect-flow";

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
  if (outcome.get("status") === "choose") {
    const selection = outcome.get("selection")!;
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
  expect(Object.fromEntries(outcome)).toMatchObject({ platform, status: "connected" });
  return outcome.get("accountIds")!.split(",");
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
    const denied = await connectThroughFake(h, t.uid, "linkedin");
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
    expect((await callback(h, first.callback)).status).toBe(302);
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

    // None of it connected anything beyond the one good X callback.
    const listed = await accounts(t.key);
    expect(listed.map((a) => a.platform)).toEqual(["x"]);
  });

  it("Facebook offers every Page the user granted and connects only the chosen ones", async () => {
    const t = await user();
    const outcome = await connectThroughFake(h, t.uid, "facebook");
    expect(outcome.get("status")).toBe("choose");
    const path = `/v1/integrations/facebook/selections/${outcome.get("selection")!}`;
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
