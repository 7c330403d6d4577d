/**
 * `npm run connect -- <platform> [more platforms…]`: connects an account of each platform to the
 * demo user on the running local stack, the way the dashboard and a browser would: sign in (Auth
 * emulator), POST /v1/integrations/{platform}/connect, open the authorize URL (the fake platform
 * approves at once), follow its redirect to the callback, redeem the code the callback returns
 * with (POST /v1/integrations/{platform}/connections, as the same user), and, when the platform
 * offers several accounts (Facebook Pages), choose them all. Prints the connected account ids.
 */
import { normalizePlatform, type Platform } from "../src/domain/platforms";
import { LOCAL, apiBaseUrl } from "./local-config";
import { DEMO_UID } from "./seed";

async function follow(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return new URL(location, url);
}

/**
 * An ID token for `uid` from the stack's Auth emulator, signed in with an unsigned custom token
 * (which only the emulator accepts), so no Admin SDK app or credentials are involved.
 */
export async function stackIdToken(uid: string, authHost = `${LOCAL.auth.host}:${LOCAL.auth.port}`): Promise<string> {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const token = `${part({ alg: "none", typ: "JWT" })}.${part({
    uid,
    iss: "firebase-auth-emulator@example.com",
    sub: "firebase-auth-emulator@example.com",
    aud: "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit",
    iat: now,
    exp: now + 3600,
  })}.`;
  const res = await fetch(
    `http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=local`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, returnSecureToken: true }),
    },
  );
  const body = (await res.json()) as { idToken?: string };
  if (!res.ok || !body.idToken) throw new Error(`sign-in answered ${res.status}: ${JSON.stringify(body)}`);
  return body.idToken;
}

export async function connectOnStack(base: string, uid: string, platform: Platform): Promise<string[]> {
  const authorization = `Bearer ${await stackIdToken(uid)}`;
  const started = await fetch(`${base}/v1/integrations/${platform}/connect`, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: "{}",
  });
  const body = (await started.json()) as { authorizeUrl?: string };
  if (!started.ok || !body.authorizeUrl) throw new Error(`connect answered ${started.status}: ${JSON.stringify(body)}`);
  const callback = await follow(body.authorizeUrl);
  const outcome = (await follow(callback.toString())).searchParams;
  if (outcome.get("status") !== "pending") throw new Error(`not connected: ${outcome.toString()}`);
  const redeemed = await fetch(`${base}/v1/integrations/${platform}/connections`, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify({ code: outcome.get("code") }),
  });
  const connection = (await redeemed.json()) as
    | { status: "connected"; data: { accountId: string }[] }
    | { status: "choose"; selection: string; accounts: { accountId: string }[] };
  if (!redeemed.ok) throw new Error(`redeeming answered ${redeemed.status}: ${JSON.stringify(connection)}`);
  if (connection.status === "connected") return connection.data.map((a) => a.accountId);
  const selection = `${base}/v1/integrations/${platform}/selections/${connection.selection}`;
  const accountIds = connection.accounts.map((a) => a.accountId);
  const chosen = await fetch(selection, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify({ accountIds }),
  });
  if (!chosen.ok) throw new Error(`choosing answered ${chosen.status}: ${await chosen.text()}`);
  return accountIds;
}

if (require.main === module) {
  const platforms = process.argv.slice(2).map((name) => {
    const platform = normalizePlatform(name);
    if (!platform) {
      console.error(`unknown platform ${name}\nusage: npm run connect -- <platform> [<platform> …]`);
      process.exit(2);
    }
    return platform;
  });
  (async () => {
    for (const platform of platforms) {
      const ids = await connectOnStack(apiBaseUrl(), DEMO_UID, platform);
      console.log(`${platform}\tconnected ${ids.join(", ")}`);
    }
  })().catch((error: unknown) => {
    console.error(`Could not connect: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
