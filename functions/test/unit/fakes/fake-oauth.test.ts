import { createHash, randomBytes } from "node:crypto";
import { allFakes } from "../../../fakes/all-fakes";
import type { FakePlatform } from "../../../fakes/kit/fake-platform";
import { PLATFORMS, type Platform } from "../../../src/domain/platforms";

/**
 * The authorization-code side of every fake, over real HTTP, as a client following
 * platforms.md would drive it: authorize page → code → token → profile → a publishing route →
 * revoke; and the ways it fails: declined consent, bad authorize requests, reused, expired or
 * mismatched codes, a wrong client secret.
 */

const fakes = allFakes();
const base = {} as Record<Platform, string>;
const fake = (p: Platform): FakePlatform => fakes[p];
const CALLBACK = "https://app.postcast.test/oauth/callback?from=fake";

beforeAll(async () => {
  for (const p of PLATFORMS) base[p] = await fake(p).listen();
});
afterAll(() => Promise.all(PLATFORMS.map((p) => fake(p).close())));
const codeTtl = Object.fromEntries(PLATFORMS.map((p) => [p, fake(p).codeTtlSeconds]));
afterEach(() => {
  for (const p of PLATFORMS) {
    const f = fake(p);
    f.consent = "approve";
    f.grantedScopes = null;
    f.codeTtlSeconds = codeTtl[p]!;
    f.signIn({ accountId: `${p}_connected` });
  }
  fakes.linkedin.issueRefreshTokens = false;
});

/** Answer bodies, read loosely: each test asserts the shape it relies on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

interface Exchange {
  code: string;
  redirectUri: string;
  verifier: string;
  secret: string;
}

/** What a client does on each platform, per its documented contract. */
interface Client {
  authorizePath: string;
  clientIdParam?: string;
  scope: string;
  pkce?: boolean;
  extra?: Record<string, string>;
  /** The code exchange, answered as is. */
  exchange(e: Exchange): Promise<Response>;
  /** The token the API takes, from the exchange's answer (Meta: after the long-lived exchange). */
  apiToken(body: Json): Promise<string>;
  profile(token: string): Promise<Response>;
  profileId(body: Json): string;
  /** A publishing route of the platform, with a token for `accountId`: its HTTP status. */
  publish(token: string, accountId: string): Promise<number>;
  /** The platform's revocation; absent where it has none (the user removes the app instead). */
  revoke?(token: string): Promise<Response>;
}

const url = (p: Platform, path: string, query: Record<string, string> = {}) => {
  const u = new URL(path, base[p]);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u;
};
const form = (p: Platform, path: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url(p, path), { method: "POST", headers, body: new URLSearchParams(params) });
const get = (p: Platform, path: string, query: Record<string, string> = {}, token?: string) =>
  fetch(url(p, path, query), token ? { headers: { authorization: `Bearer ${token}` } } : {});
const basic = (p: Platform, secret = fake(p).clientSecret) =>
  `Basic ${Buffer.from(`${fake(p).clientId}:${secret}`).toString("base64")}`;
const json = async (res: Response): Promise<Json> => (await res.json()) as Json;
const postJson = (p: Platform, path: string, body: unknown, token: string, headers: Record<string, string> = {}) =>
  fetch(url(p, path), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const codeForm = (e: Exchange) => ({ grant_type: "authorization_code", code: e.code, redirect_uri: e.redirectUri });

/** Threads and Instagram: the short-lived token, then the long-lived one. */
const metaLongLived = (p: "threads" | "instagram", grantType: string) => async (short: string) => {
  const res = await get(p, "/access_token", {
    grant_type: grantType,
    client_secret: fake(p).clientSecret,
    access_token: short,
  });
  const body = await json(res);
  expect(body).toMatchObject({ token_type: "bearer", expires_in: 5183944 });
  return body.access_token as string;
};

const CLIENTS: Record<Platform, Client> = {
  x: {
    authorizePath: "/i/oauth2/authorize",
    scope: "tweet.read tweet.write users.read media.write offline.access",
    pkce: true,
    exchange: (e) =>
      form(
        "x",
        "/2/oauth2/token",
        { ...codeForm(e), code_verifier: e.verifier, client_id: fake("x").clientId },
        {
          authorization: basic("x", e.secret),
        },
      ),
    apiToken: (body) => Promise.resolve(body.access_token),
    profile: (token) => get("x", "/2/users/me", { "user.fields": "profile_image_url" }, token),
    profileId: (body) => body.data.id,
    publish: async (token) => (await postJson("x", "/2/tweets", { text: `hello ${Math.random()}` }, token)).status,
    revoke: (token) => form("x", "/2/oauth2/revoke", { token }, { authorization: basic("x") }),
  },
  threads: {
    authorizePath: "/oauth/authorize",
    scope: "threads_basic,threads_content_publish",
    exchange: (e) =>
      form("threads", "/oauth/access_token", {
        ...codeForm(e),
        client_id: fake("threads").clientId,
        client_secret: e.secret,
      }),
    apiToken: (body) => metaLongLived("threads", "th_exchange_token")(body.access_token),
    profile: (token) =>
      get("threads", "/v1.0/me", { fields: "id,username,name,threads_profile_picture_url", access_token: token }),
    profileId: (body) => body.id,
    publish: async (token) =>
      (await form("threads", "/v1.0/me/threads", { media_type: "TEXT", text: "hello", access_token: token })).status,
  },
  instagram: {
    authorizePath: "/oauth/authorize",
    scope: "instagram_business_basic,instagram_business_content_publish",
    exchange: (e) => {
      // Instagram documents a multipart form here.
      const body = new FormData();
      for (const [k, v] of Object.entries({
        ...codeForm(e),
        client_id: fake("instagram").clientId,
        client_secret: e.secret,
      }))
        body.set(k, v);
      return fetch(url("instagram", "/oauth/access_token"), { method: "POST", body });
    },
    apiToken: (body) => metaLongLived("instagram", "ig_exchange_token")(body.data[0].access_token),
    profile: (token) =>
      get("instagram", "/v25.0/me", {
        fields: "user_id,username,name,account_type,profile_picture_url",
        access_token: token,
      }),
    profileId: (body) => body.user_id,
    publish: async (token) => (await get("instagram", "/v25.0/me/content_publishing_limit", {}, token)).status,
  },
  facebook: {
    authorizePath: "/v25.0/dialog/oauth",
    scope: "pages_show_list,pages_read_engagement,pages_manage_posts",
    exchange: (e) =>
      get("facebook", "/v25.0/oauth/access_token", {
        client_id: fake("facebook").clientId,
        client_secret: e.secret,
        redirect_uri: e.redirectUri,
        code: e.code,
      }),
    apiToken: async (body) => {
      const res = await get("facebook", "/v25.0/oauth/access_token", {
        grant_type: "fb_exchange_token",
        client_id: fake("facebook").clientId,
        client_secret: fake("facebook").clientSecret,
        fb_exchange_token: body.access_token,
      });
      const long = await json(res);
      expect(long).toMatchObject({ token_type: "bearer", expires_in: 5183944 });
      return long.access_token;
    },
    profile: (token) => get("facebook", "/v25.0/me", { fields: "id,name" }, token),
    profileId: (body) => body.id,
    // The user token lists the Pages; each Page token publishes to its Page.
    publish: async (userToken) => {
      const pages = await json(
        await get("facebook", "/v25.0/me/accounts", { fields: "id,name,access_token,picture,tasks" }, userToken),
      );
      const page = pages.data[0];
      return (
        await form("facebook", `/v25.0/${page.id}/feed`, {
          message: `hi ${Math.random()}`,
          access_token: page.access_token,
        })
      ).status;
    },
    revoke: (token) => fetch(url("facebook", "/v25.0/me/permissions", { access_token: token }), { method: "DELETE" }),
  },
  linkedin: {
    authorizePath: "/oauth/v2/authorization",
    scope: "openid profile email w_member_social",
    exchange: (e) =>
      form("linkedin", "/oauth/v2/accessToken", {
        ...codeForm(e),
        client_id: fake("linkedin").clientId,
        client_secret: e.secret,
      }),
    apiToken: (body) => Promise.resolve(body.access_token),
    profile: (token) => get("linkedin", "/v2/userinfo", {}, token),
    profileId: (body) => body.sub,
    publish: async (token, account) =>
      (
        await postJson(
          "linkedin",
          "/rest/posts",
          {
            author: `urn:li:person:${account}`,
            commentary: `hello ${Math.random()}`,
            visibility: "PUBLIC",
            distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
            lifecycleState: "PUBLISHED",
          },
          token,
          { "linkedin-version": "202601", "x-restli-protocol-version": "2.0.0" },
        )
      ).status,
    revoke: (token) =>
      form("linkedin", "/oauth/v2/revoke", {
        client_id: fake("linkedin").clientId,
        client_secret: fake("linkedin").clientSecret,
        token,
      }),
  },
  tiktok: {
    authorizePath: "/v2/auth/authorize/",
    clientIdParam: "client_key",
    scope: "user.info.basic,video.publish,video.upload",
    pkce: true,
    exchange: (e) =>
      form("tiktok", "/v2/oauth/token/", {
        ...codeForm(e),
        client_key: fake("tiktok").clientId,
        client_secret: e.secret,
        code_verifier: e.verifier,
      }),
    apiToken: (body) => Promise.resolve(body.access_token),
    profile: (token) => get("tiktok", "/v2/user/info/", { fields: "open_id,avatar_url,display_name,username" }, token),
    profileId: (body) => body.data.user.open_id,
    publish: async (token) => (await postJson("tiktok", "/v2/post/publish/creator_info/query/", {}, token)).status,
    revoke: (token) =>
      form("tiktok", "/v2/oauth/revoke/", {
        client_key: fake("tiktok").clientId,
        client_secret: fake("tiktok").clientSecret,
        token,
      }),
  },
  youtube: {
    authorizePath: "/o/oauth2/v2/auth",
    scope: "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly",
    extra: { access_type: "offline", include_granted_scopes: "true" },
    exchange: (e) =>
      form("youtube", "/token", { ...codeForm(e), client_id: fake("youtube").clientId, client_secret: e.secret }),
    apiToken: (body) => Promise.resolve(body.access_token),
    profile: (token) => get("youtube", "/youtube/v3/channels", { part: "snippet", mine: "true" }, token),
    profileId: (body) => body.items[0].id,
    publish: async (token) =>
      (
        await postJson(
          "youtube",
          "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
          {
            snippet: { title: "hello" },
            status: { privacyStatus: "private" },
          },
          token,
          { "x-upload-content-length": "1000", "x-upload-content-type": "video/mp4" },
        )
      ).status,
    revoke: (token) => fetch(url("youtube", "/revoke", { token }), { method: "POST" }),
  },
  snapchat: {
    authorizePath: "/login/oauth2/authorize",
    scope: "snapchat-profile-api",
    exchange: (e) =>
      form("snapchat", "/login/oauth2/access_token", {
        ...codeForm(e),
        client_id: fake("snapchat").clientId,
        client_secret: e.secret,
      }),
    apiToken: (body) => Promise.resolve(body.access_token),
    profile: (token) => get("snapchat", "/v1/public_profiles/my_profile", {}, token),
    profileId: (body) => body.public_profile.id,
    publish: async (token, account) =>
      (await get("snapchat", `/v1/public_profiles/${account}/stories`, {}, token)).status,
  },
};

/** Opens the authorize page; returns its answer and what the client keeps for the exchange. */
async function authorize(p: Platform, overrides: Record<string, string | undefined> = {}) {
  const client = CLIENTS[p];
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = randomBytes(16).toString("base64url");
  const params: Record<string, string | undefined> = {
    [client.clientIdParam ?? "client_id"]: fake(p).clientId,
    response_type: "code",
    redirect_uri: CALLBACK,
    state,
    scope: client.scope,
    ...(client.pkce ? { code_challenge: challenge, code_challenge_method: "S256" } : {}),
    ...client.extra,
    ...overrides,
  };
  const u = url(p, client.authorizePath);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  const res = await fetch(u, { redirect: "manual" });
  const location = res.headers.get("location");
  return { res, location: location ? new URL(location) : null, state, verifier };
}

/** Authorize and take the code from the redirect. */
async function codeFor(p: Platform, overrides: Record<string, string | undefined> = {}) {
  const { res, location, verifier } = await authorize(p, overrides);
  expect(res.status).toBe(302);
  const exchange: Exchange = {
    code: location!.searchParams.get("code")!,
    redirectUri: CALLBACK,
    verifier,
    secret: fake(p).clientSecret,
  };
  return exchange;
}

async function exchanged(p: Platform, overrides: Record<string, string | undefined> = {}) {
  const res = await CLIENTS[p].exchange(await codeFor(p, overrides));
  expect(res.status).toBe(200);
  return json(res);
}

describe.each(PLATFORMS)("%s OAuth", (p) => {
  const client = CLIENTS[p];

  it("authorize → code → token → profile → publish → revoke", async () => {
    const { res, location, state, verifier } = await authorize(p);
    expect(res.status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe("https://app.postcast.test/oauth/callback");
    expect(location!.searchParams.get("from")).toBe("fake");
    expect(location!.searchParams.get("state")).toBe(state);
    expect(location!.hash).toBe(p === "instagram" ? "#_" : "");

    const code = location!.searchParams.get("code")!;
    const tokenRes = await client.exchange({ code, redirectUri: CALLBACK, verifier, secret: fake(p).clientSecret });
    expect(tokenRes.status).toBe(200);
    const token = await client.apiToken(await json(tokenRes));

    const profile = await client.profile(token);
    expect(profile.status).toBe(200);
    const accountId = client.profileId(await json(profile));
    expect(accountId).toBe(`${p}_connected`);
    expect(fake(p).profiles.get(accountId)).toMatchObject({ accountId });

    expect(await client.publish(token, accountId)).toBeLessThan(300);

    if (client.revoke) expect((await client.revoke(token)).status).toBe(200);
    else fake(p).revoke(accountId);
    expect(fake(p).revocations.at(-1)).toMatchObject({ accountId });
    expect((await client.profile(token)).status).toBeGreaterThanOrEqual(400);
  });

  it("a declined consent redirects with the platform's error and the state, and no code", async () => {
    fake(p).consent = "deny";
    const { res, location, state } = await authorize(p);
    expect(res.status).toBe(302);
    const q = Object.fromEntries(location!.searchParams);
    expect(q).toMatchObject({ state, error: p === "linkedin" ? "user_cancelled_authorize" : "access_denied" });
    expect(q.code).toBeUndefined();
    if (p === "facebook" || p === "instagram" || p === "threads") expect(q.error_reason).toBe("user_denied");
  });

  it.each([
    ["an unknown client", { client: "someone-else" }],
    ["no state", { state: undefined }],
    ["no scope", { scope: undefined }],
    ["an unknown scope", { scope: "all_the_things" }],
    ["another response_type", { response_type: "token" }],
    ["no redirect_uri", { redirect_uri: undefined }],
    ["a non-http redirect_uri", { redirect_uri: "javascript:alert(1)" }],
  ])("a request with %s gets an error page, not a redirect", async (_label, change) => {
    const { client: otherClient, ...rest } = change as Record<string, string | undefined>;
    const idParam = client.clientIdParam ?? "client_id";
    const { res, location } = await authorize(p, otherClient ? { ...rest, [idParam]: otherClient } : rest);
    expect(res.status).toBe(400);
    expect(location).toBeNull();
    expect(res.headers.get("content-type")).toMatch(/html/);
  });

  it("a code works once; presenting it again fails and revokes what it bought", async () => {
    const e = await codeFor(p);
    const first = await client.exchange(e);
    expect(first.status).toBe(200);
    const token = await client.apiToken(await json(first));
    const again = await client.exchange(e);
    expect(again.status).toBe(400);
    const body = await json(again);
    if (p === "threads" || p === "instagram" || p === "facebook")
      expect(body.error).toMatchObject({ code: 100, error_subcode: 36009, type: "OAuthException" });
    else expect(body.error).toBe(CODE_ERROR[p]);
    expect(fake(p).revocations.at(-1)).toMatchObject({ accountId: `${p}_connected`, reason: "code_reused" });
    expect((await client.profile(token)).status).toBeGreaterThanOrEqual(400);
  });

  it("an expired code fails", async () => {
    fake(p).codeTtlSeconds = 0;
    const res = await client.exchange(await codeFor(p));
    expect(res.status).toBe(400);
    const body = await json(res);
    if (p === "threads" || p === "instagram" || p === "facebook")
      expect(body.error).toMatchObject({ code: 100, error_subcode: 36007 });
    else expect(body.error).toBe(CODE_ERROR[p]);
    if (p === "tiktok") expect(body.error_description).toBe("Authorization code is expired.");
  });

  it("a code sent with another redirect_uri fails", async () => {
    const e = await codeFor(p);
    const res = await client.exchange({ ...e, redirectUri: "https://app.postcast.test/elsewhere" });
    expect(res.status).toBe(400);
  });

  it("a wrong client secret gets the platform's invalid-client answer and leaves the code usable", async () => {
    const e = await codeFor(p);
    const res = await client.exchange({ ...e, secret: "not-the-secret" });
    const body = await json(res);
    if (p === "threads" || p === "instagram" || p === "facebook") {
      expect(res.status).toBe(400);
      expect(body.error).toMatchObject({ message: "Error validating client secret.", code: 1 });
    } else {
      expect(res.status).toBe(401);
      expect(body.error).toBe(p === "x" ? "unauthorized_client" : "invalid_client");
    }
    expect((await client.exchange(e)).status).toBe(200);
  });
});

const CODE_ERROR: Partial<Record<Platform, string>> = {
  x: "invalid_request",
  linkedin: "invalid_request",
  tiktok: "invalid_grant",
  youtube: "invalid_grant",
  snapchat: "invalid_grant",
};

describe("kit defaults", () => {
  it("each fake is the local stack's app, with its platform's code lifetime", () => {
    for (const p of PLATFORMS) {
      expect(fake(p).clientId).toBe(`postcast-local-${p}`);
      expect(fake(p).clientSecret).toBe(`postcast-local-${p}-secret`);
      expect(fake(p).codeTtlSeconds).toBe(p === "x" ? 30 : p === "instagram" ? 3600 : 600);
      expect(fake(p).signedIn.accountId).toBe(`${p}_connected`);
    }
  });

  it("/_fake/sign-in and /_fake/consent steer the authorize page", async () => {
    const signIn = (body: unknown) =>
      fetch(url("snapchat", "/_fake/sign-in"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await signIn({ username: "nobody" })).status).toBe(400);
    const signed = await signIn({ accountId: "snap_other", displayName: "Other Snap" });
    expect(await json(signed)).toMatchObject({
      accountId: "snap_other",
      displayName: "Other Snap",
      username: "snap_other",
    });
    const body = await exchanged("snapchat");
    const me = await json(await CLIENTS.snapchat.profile(body.access_token));
    expect(me.public_profile).toMatchObject({ id: "snap_other", display_name: "Other Snap" });

    const consent = (body: unknown) =>
      fetch(url("snapchat", "/_fake/consent"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await consent({ consent: "maybe" })).status).toBe(400);
    expect(await json(await consent({ consent: "deny" }))).toEqual({ consent: "deny", grantedScopes: null });
    expect((await authorize("snapchat")).location!.searchParams.get("error")).toBe("access_denied");
    await consent({ consent: "approve" });
    expect((await authorize("snapchat")).location!.searchParams.get("code")).toBeTruthy();
  });
});

describe("PKCE (X, TikTok)", () => {
  it.each(["x", "tiktok"] as const)(
    "%s: the page insists on a challenge, the token endpoint on its verifier",
    async (p) => {
      expect((await authorize(p, { code_challenge: undefined, code_challenge_method: undefined })).res.status).toBe(
        400,
      );
      expect((await authorize(p, { code_challenge: "short" })).res.status).toBe(400);
      const e = await codeFor(p);
      const wrong = await CLIENTS[p].exchange({ ...e, verifier: randomBytes(32).toString("base64url") });
      expect(wrong.status).toBe(400);
      const body = await json(wrong);
      if (p === "x")
        expect(body).toEqual({
          error: "invalid_request",
          error_description: "Value passed for the authorization code was invalid.",
        });
      else expect(body).toMatchObject({ error: "invalid_grant", error_description: "Code verifier is invalid." });
      // The failed attempt spent the code.
      expect((await CLIENTS[p].exchange(e)).status).toBe(400);
    },
  );

  it("TikTok takes S256 only; X also takes plain, and a state of at most 500 characters", async () => {
    expect((await authorize("tiktok", { code_challenge_method: "plain" })).res.status).toBe(400);
    const verifier = randomBytes(32).toString("base64url");
    const plain = await authorize("x", { code_challenge: verifier, code_challenge_method: "plain" });
    const code = plain.location!.searchParams.get("code")!;
    expect(
      (await CLIENTS.x.exchange({ code, redirectUri: CALLBACK, verifier, secret: fake("x").clientSecret })).status,
    ).toBe(200);
    expect((await authorize("x", { state: "s".repeat(501) })).res.status).toBe(400);
  });
});

describe("refresh of tokens bought with a code", () => {
  it("X rotates single-use refresh tokens; reusing one ends the family", async () => {
    const body = await exchanged("x");
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 7200, scope: CLIENTS.x.scope });
    const refresh = (rt: string, secret?: string) =>
      form(
        "x",
        "/2/oauth2/token",
        { grant_type: "refresh_token", refresh_token: rt, client_id: fake("x").clientId },
        {
          authorization: basic("x", secret),
        },
      );
    expect((await refresh(body.refresh_token, "wrong")).status).toBe(401);
    const next = await json(await refresh(body.refresh_token));
    expect(next.refresh_token).not.toBe(body.refresh_token);
    expect(next.scope).toBe(CLIENTS.x.scope);
    expect((await refresh(body.refresh_token)).status).toBe(400);
    expect((await CLIENTS.x.profile(next.access_token)).status).toBe(401);
  });

  it("X sends no refresh token when the user leaves out offline.access", async () => {
    fake("x").grantedScopes = ["tweet.read", "tweet.write", "users.read", "media.write"];
    const body = await exchanged("x");
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe("tweet.read tweet.write users.read media.write");
  });

  it("TikTok rotates; an unticked scope is missing from `scope`; revoking disconnects the account", async () => {
    fake("tiktok").grantedScopes = ["user.info.basic", "video.upload"];
    const body = await exchanged("tiktok");
    expect(body).toMatchObject({
      open_id: "tiktok_connected",
      scope: "user.info.basic,video.upload",
      token_type: "Bearer",
    });
    const refresh = (rt: string, secret = fake("tiktok").clientSecret) =>
      form("tiktok", "/v2/oauth/token/", {
        client_key: fake("tiktok").clientId,
        client_secret: secret,
        grant_type: "refresh_token",
        refresh_token: rt,
      });
    expect((await refresh(body.refresh_token, "wrong")).status).toBe(401);
    const next = await json(await refresh(body.refresh_token));
    expect(next).toMatchObject({ scope: "user.info.basic,video.upload" });
    expect((await refresh(body.refresh_token)).status).toBe(400);

    const other = await exchanged("tiktok");
    expect((await CLIENTS.tiktok.revoke!(other.access_token)).status).toBe(200);
    expect((await refresh(other.refresh_token)).status).toBe(400);
    expect((await get("tiktok", "/v2/user/info/", {}, other.access_token)).status).toBe(401);
  });

  it("TikTok's user info answers the fields asked for, in its envelope", async () => {
    const body = await exchanged("tiktok");
    expect((await get("tiktok", "/v2/user/info/", {}, body.access_token)).status).toBe(400);
    const info = await json(
      await get("tiktok", "/v2/user/info/", { fields: "open_id,display_name" }, body.access_token),
    );
    expect(info).toEqual({
      data: { user: { open_id: "tiktok_connected", display_name: "Tiktok Connected" } },
      error: { code: "ok", message: "", log_id: expect.any(String) },
    });
  });

  it("Snapchat's code tokens refresh with rotation, with the client's credentials", async () => {
    const body = await exchanged("snapchat");
    expect(body).toMatchObject({ expires_in: 3600, token_type: "Bearer", scope: "snapchat-profile-api" });
    const refresh = (secret: string) =>
      form("snapchat", "/login/oauth2/access_token", {
        grant_type: "refresh_token",
        refresh_token: body.refresh_token,
        client_id: fake("snapchat").clientId,
        client_secret: secret,
      });
    expect((await refresh("wrong")).status).toBe(401);
    expect((await json(await refresh(fake("snapchat").clientSecret))).refresh_token).not.toBe(body.refresh_token);
  });

  it("LinkedIn sends a refresh token only to partner apps", async () => {
    const plain = await exchanged("linkedin");
    expect(plain).toEqual({
      access_token: expect.any(String),
      expires_in: 5184000,
      scope: "openid,profile,email,w_member_social",
    });
    fakes.linkedin.issueRefreshTokens = true;
    const partner = await exchanged("linkedin");
    expect(partner).toMatchObject({ refresh_token: expect.any(String), refresh_token_expires_in: 365 * 86400 });
    const refreshed = await form("linkedin", "/oauth/v2/accessToken", {
      grant_type: "refresh_token",
      refresh_token: partner.refresh_token,
      client_id: fake("linkedin").clientId,
      client_secret: fake("linkedin").clientSecret,
    });
    expect(refreshed.status).toBe(200);
  });

  it("Threads and Instagram long-lived tokens refresh only once 24 hours old", async () => {
    for (const [p, grantType] of [
      ["threads", "th_refresh_token"],
      ["instagram", "ig_refresh_token"],
    ] as const) {
      const body = await exchanged(p);
      const long = await CLIENTS[p].apiToken(body);
      const res = await get(p, "/refresh_access_token", { grant_type: grantType, access_token: long });
      expect(res.status).toBe(400);
      expect((await json(res)).error.message).toMatch(/24 hours/);
    }
  });
});

describe("Google (YouTube)", () => {
  it("a refresh token comes on the first consent, or again with prompt=consent, and after a revoke", async () => {
    fake("youtube").signIn({ accountId: "yt_consent" });
    const first = await exchanged("youtube");
    expect(first).toMatchObject({ expires_in: 3599, token_type: "Bearer", refresh_token: expect.any(String) });
    expect((await exchanged("youtube")).refresh_token).toBeUndefined();
    expect((await exchanged("youtube", { prompt: "consent" })).refresh_token).toEqual(expect.any(String));
    expect((await exchanged("youtube", { access_type: undefined, prompt: "consent" })).refresh_token).toBeUndefined();

    // Not rotated: the same refresh token keeps working.
    const refresh = () =>
      form("youtube", "/token", {
        grant_type: "refresh_token",
        refresh_token: first.refresh_token,
        client_id: fake("youtube").clientId,
        client_secret: fake("youtube").clientSecret,
      });
    expect((await json(await refresh())).refresh_token).toBeUndefined();
    expect((await refresh()).status).toBe(200);

    expect((await CLIENTS.youtube.revoke!(first.refresh_token)).status).toBe(200);
    expect(await json(await refresh())).toMatchObject({ error: "invalid_grant" });
    expect((await CLIENTS.youtube.revoke!(first.refresh_token)).status).toBe(400);
    expect((await exchanged("youtube")).refresh_token).toEqual(expect.any(String));
  });

  it("client credentials may come as HTTP Basic; a redirect mismatch is redirect_uri_mismatch", async () => {
    const e = await codeFor("youtube");
    const mismatch = await CLIENTS.youtube.exchange({ ...e, redirectUri: "https://app.postcast.test/other" });
    expect(await json(mismatch)).toEqual({ error: "redirect_uri_mismatch", error_description: "Bad Request" });
    const e2 = await codeFor("youtube");
    const res = await form("youtube", "/token", codeForm(e2), { authorization: basic("youtube") });
    expect(res.status).toBe(200);
  });

  it("channels.list needs a read scope, and is empty for an account without a channel", async () => {
    fake("youtube").grantedScopes = ["https://www.googleapis.com/auth/youtube.upload"];
    const uploadOnly = await exchanged("youtube");
    const denied = await CLIENTS.youtube.profile(uploadOnly.access_token);
    expect(denied.status).toBe(403);
    expect((await json(denied)).error.errors[0].reason).toBe("insufficientPermissions");

    fake("youtube").grantedScopes = null;
    fake("youtube").signIn({ accountId: "google_no_channel", channel: null });
    const body = await exchanged("youtube");
    expect(await json(await CLIENTS.youtube.profile(body.access_token))).toMatchObject({ items: [] });

    fake("youtube").signIn({ accountId: "yt_channel" });
    const mine = await json(await CLIENTS.youtube.profile((await exchanged("youtube")).access_token));
    expect(mine.items[0]).toMatchObject({
      id: "yt_channel",
      snippet: { title: "Yt Channel", customUrl: "@yt_channel", thumbnails: { default: { url: expect.any(String) } } },
    });
  });
});

describe("LinkedIn userinfo", () => {
  it("needs openid; names with profile; the email with email", async () => {
    fake("linkedin").grantedScopes = ["openid", "w_member_social"];
    const bare = await exchanged("linkedin");
    expect(await json(await CLIENTS.linkedin.profile(bare.access_token))).toEqual({
      sub: "linkedin_connected",
      locale: { country: "US", language: "en" },
    });
    fake("linkedin").grantedScopes = null;
    const full = await exchanged("linkedin");
    expect(await json(await CLIENTS.linkedin.profile(full.access_token))).toMatchObject({
      name: "Linkedin Connected",
      given_name: "Linkedin",
      family_name: "Connected",
      email: "linkedin_connected@example.com",
    });
    fake("linkedin").grantedScopes = ["w_member_social"];
    const none = await exchanged("linkedin");
    expect((await CLIENTS.linkedin.profile(none.access_token)).status).toBe(403);
  });
});

describe("Facebook Pages", () => {
  const accounts = async (userToken: string) =>
    json(await get("facebook", "/v25.0/me/accounts", { fields: "id,name,access_token,picture,tasks" }, userToken));

  it("the long-lived user token lists each Page with a never-expiring Page token", async () => {
    const short = await exchanged("facebook");
    expect(short).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    const userToken = await CLIENTS.facebook.apiToken(short);
    const listed = await accounts(userToken);
    expect(listed.data).toHaveLength(2);
    expect(listed.data[0]).toEqual({
      id: "facebook_connected_page_1",
      name: "Facebook Connected Page 1",
      access_token: expect.any(String),
      picture: { data: expect.objectContaining({ url: expect.any(String) }) },
      tasks: expect.arrayContaining(["CREATE_CONTENT"]),
    });
    expect(listed.paging).toBeDefined();
    const pageToken = listed.data[0].access_token as string;
    expect(fakes.facebook.tokens.get(pageToken)).toMatchObject({
      accountId: "facebook_connected_page_1",
      expiresAt: null,
    });
    expect(await json(await get("facebook", "/v25.0/me", { fields: "id,name" }, pageToken))).toEqual({
      id: "facebook_connected_page_1",
      name: "Facebook Connected Page 1",
    });
    // A Page token publishes to its own Page only.
    const other = await form("facebook", "/v25.0/facebook_connected_page_2/feed", {
      message: "x",
      access_token: pageToken,
    });
    expect(other.status).toBe(400);

    // Removing the app ends the user's tokens and the Page tokens derived from them.
    expect(await json(await CLIENTS.facebook.revoke!(userToken))).toEqual({ success: true });
    expect((await get("facebook", "/v25.0/me", {}, pageToken)).status).toBe(400);
  });

  it("Page tokens from a short-lived user token last an hour; without pages_show_list there are none", async () => {
    const short = await exchanged("facebook");
    const listed = await accounts(short.access_token);
    const grant = fakes.facebook.tokens.get(listed.data[0].access_token)!;
    expect(grant.expiresAt! - grant.issuedAt).toBe(3600_000);

    fake("facebook").grantedScopes = ["pages_read_engagement", "pages_manage_posts"];
    const userToken = await CLIENTS.facebook.apiToken(await exchanged("facebook"));
    expect((await accounts(userToken)).data).toEqual([]);
  });

  it("a signed-in user's own Pages and tasks; Meta's wording for a bad app id or redirect", async () => {
    fake("facebook").signIn({
      accountId: "fb_user",
      displayName: "Fb User",
      pages: [{ id: "fb_page", name: "Only Page", avatarUrl: "https://avatars.fake.test/p.jpg", tasks: ["ANALYZE"] }],
    });
    const userToken = await CLIENTS.facebook.apiToken(await exchanged("facebook"));
    expect(await json(await get("facebook", "/v25.0/me", { fields: "id,name" }, userToken))).toEqual({
      id: "fb_user",
      name: "Fb User",
    });
    expect((await accounts(userToken)).data).toEqual([expect.objectContaining({ id: "fb_page", tasks: ["ANALYZE"] })]);

    const e = await codeFor("facebook");
    const badApp = await get("facebook", "/v25.0/oauth/access_token", {
      client_id: "someone-else",
      client_secret: fake("facebook").clientSecret,
      redirect_uri: e.redirectUri,
      code: e.code,
    });
    expect((await json(badApp)).error).toMatchObject({ code: 101 });
    const mismatch = await CLIENTS.facebook.exchange({ ...e, redirectUri: "https://app.postcast.test/other" });
    expect((await json(mismatch)).error).toMatchObject({ code: 100, error_subcode: 36008 });
  });
});

describe("Threads and Instagram login", () => {
  it("Threads answers the code flat; Instagram in data[] with the granted permissions", async () => {
    expect(await exchanged("threads")).toEqual({ access_token: expect.any(String), user_id: "threads_connected" });
    fake("instagram").grantedScopes = ["instagram_business_basic"];
    expect(await exchanged("instagram")).toEqual({
      data: [
        { access_token: expect.any(String), user_id: "instagram_connected", permissions: "instagram_business_basic" },
      ],
    });
  });

  it("Instagram also takes an urlencoded exchange, reports the account type, and checks the secret", async () => {
    fake("instagram").signIn({ accountId: "ig_personal", accountType: "PERSONAL" });
    const e = await codeFor("instagram");
    const exchange = (secret: string) =>
      form("instagram", "/oauth/access_token", {
        ...codeForm(e),
        client_id: fake("instagram").clientId,
        client_secret: secret,
      });
    expect((await json(await exchange("wrong"))).error).toMatchObject({ code: 1 });
    const body = await json(await exchange(fake("instagram").clientSecret));
    const short = body.data[0].access_token as string;
    const bad = await get("instagram", "/access_token", {
      grant_type: "ig_exchange_token",
      client_secret: "wrong",
      access_token: short,
    });
    expect((await json(bad)).error).toMatchObject({ code: 1 });
    const me = await json(await CLIENTS.instagram.profile(await CLIENTS.instagram.apiToken(body)));
    expect(me).toMatchObject({ id: "ig_personal", user_id: "ig_personal", account_type: "PERSONAL" });
    // Only the fields asked for.
    expect(await json(await get("instagram", "/v25.0/me", { fields: "username", access_token: short }))).toEqual({
      id: "ig_personal",
      username: "ig_personal",
    });
  });
});
