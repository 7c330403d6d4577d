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

/** The whole flow: connect → consent → callback; returns the final redirect's query. */
export async function connectThroughFake(h: Harness, uid: string, platform: Platform, body: object = {}) {
  const started = await startConnect(h, uid, platform, body);
  if (started.status !== 200) throw new Error(`connect answered ${started.status}: ${JSON.stringify(started.body)}`);
  const { callback: url } = await consent((started.body as { authorizeUrl: string }).authorizeUrl);
  const res = await callback(h, url);
  if (res.status !== 302) throw new Error(`callback answered ${res.status}: ${JSON.stringify(res.body)}`);
  return new URL(res.headers.location!).searchParams;
}
