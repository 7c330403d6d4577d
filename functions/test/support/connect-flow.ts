import request from "supertest";
import type { Platform } from "../../src/domain/platforms";
import type { Harness } from "./harness";
import { idTokenFor } from "./id-token";

const tokens = new Map<string, Promise<string>>();
export const idToken = (uid: string) => {
  if (!tokens.has(uid)) tokens.set(uid, idTokenFor(uid));
  return tokens.get(uid)!;
};

export interface Consented {
  /** The API's redirect after the callback. */
  location: URL;
  state: string;
  callback: URL;
}

/** POST /v1/integrations/{platform}/connect as the signed-in user. */
export async function startConnect(h: Harness, uid: string, platform: string, body: object = {}) {
  return request(h.app)
    .post(`/v1/integrations/${platform}/connect`)
    .set("authorization", `Bearer ${await idToken(uid)}`)
    .send(body);
}

/**
 * The browser's part: open the authorize URL at the fake (which approves or denies at once) and
 * follow its redirect to our callback. Returns where the callback sends the browser.
 */
export async function consent(authorizeUrl: string): Promise<{ callback: URL; state: string }> {
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  const to = res.headers.get("location");
  if (res.status !== 302 || !to) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  const callback = new URL(to);
  return { callback, state: new URL(authorizeUrl).searchParams.get("state") ?? "" };
}

/** GET /oauth/{platform}/callback with the platform's query, as the browser would. */
export async function callback(h: Harness, url: URL) {
  return request(h.app).get(`${url.pathname}${url.search}`);
}

/**
 * Up to the browser's return: connect → consent → callback, with `startedBy` signed in at the
 * start. Returns the query of the callback's redirect (`status=pending&code=…` or an error).
 */
export async function consentThroughFake(h: Harness, startedBy: string, platform: Platform, body: object = {}) {
  const started = await startConnect(h, startedBy, platform, body);
  if (started.status !== 200) throw new Error(`connect answered ${started.status}: ${JSON.stringify(started.body)}`);
  const { callback: url } = await consent((started.body as { authorizeUrl: string }).authorizeUrl);
  const res = await callback(h, url);
  if (res.status !== 302) throw new Error(`callback answered ${res.status}: ${JSON.stringify(res.body)}`);
  return new URL(res.headers.location!).searchParams;
}

/** POST /v1/integrations/{platform}/connections as the signed-in `uid`: the dashboard's redemption. */
export async function redeem(h: Harness, uid: string, platform: string, code: string) {
  return request(h.app)
    .post(`/v1/integrations/${platform}/connections`)
    .set("authorization", `Bearer ${await idToken(uid)}`)
    .send({ code });
}

export type ConnectOutcome =
  | { status: "connected"; accountIds: string[] }
  | { status: "choose"; selection: string; accounts: { accountId: string; displayName: string | null }[] }
  | { status: "error"; error: string; description: string };

/**
 * The whole flow as the dashboard runs it for one signed-in user: connect, consent, callback,
 * then the redemption of the callback's code. Returns the connected account ids, the selection
 * to choose from (Facebook Pages), or the callback's error.
 */
export async function connectThroughFake(
  h: Harness,
  uid: string,
  platform: Platform,
  body: object = {},
): Promise<ConnectOutcome> {
  const returned = await consentThroughFake(h, uid, platform, body);
  if (returned.get("status") === "error") {
    return { status: "error", error: returned.get("error")!, description: returned.get("error_description")! };
  }
  if (returned.get("status") !== "pending") throw new Error(`unexpected callback outcome ${returned.toString()}`);
  const res = await redeem(h, uid, platform, returned.get("code")!);
  if (res.status !== 200) throw new Error(`redemption answered ${res.status}: ${JSON.stringify(res.body)}`);
  const redeemed = res.body as
    | { status: "connected"; data: { accountId: string }[] }
    | { status: "choose"; selection: string; accounts: { accountId: string; displayName: string | null }[] };
  if (redeemed.status === "choose") return redeemed;
  return { status: "connected", accountIds: redeemed.data.map((a) => a.accountId) };
}
