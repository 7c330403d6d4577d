import type { Credentials } from "../domain/credentials";
import type { Platform } from "../domain/platforms";
import type { HttpClient, HttpRequest, HttpResponse } from "./http-client";
import { credentialsFrom, tokenRefusal } from "./token-refresh";

/** An account the user may connect after consenting, with the credentials to publish to it. */
export interface ConnectableAccount {
  accountId: string;
  username: string | null;
  displayName: string | null;
  avatarUrl: string | null;
  credentials: Credentials;
}

export interface AuthorizeRequest {
  state: string;
  redirectUri: string;
  /** The PKCE S256 challenge, for platforms that use PKCE. */
  codeChallenge: string | null;
}

export interface CodeExchange {
  code: string;
  redirectUri: string;
  codeVerifier: string | null;
}

/**
 * Why a connection could not be made, in the callback's terms: the platform refused the code
 * (`exchange_failed`), the user has nothing Postcast can publish to (`no_eligible_account`: no
 * Page, a personal Instagram account, no YouTube channel), the user unticked a permission that
 * publishing needs (`insufficient_scope`), or the platform did not answer.
 */
export class ConnectError extends Error {
  constructor(
    readonly code: "exchange_failed" | "no_eligible_account" | "insufficient_scope" | "platform_unavailable",
    message: string,
  ) {
    super(message);
    this.name = "ConnectError";
  }
}

/**
 * One platform's OAuth: where to send the user, how to turn the code into credentials and
 * accounts (several for Facebook Pages), and how to revoke a grant on disconnect.
 */
export interface OAuthProvider {
  readonly platform: Platform;
  readonly scopes: readonly string[];
  readonly usesPkce: boolean;
  authorizeUrl(request: AuthorizeRequest): string;
  connect(exchange: CodeExchange, http: HttpClient, now: Date): Promise<ConnectableAccount[]>;
  /** Revokes the grant at the platform; false when the platform offers no revocation. */
  revoke(credentials: Credentials, http: HttpClient): Promise<boolean>;
}

export function urlWithQuery(base: string, query: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** Sends a token request and reads credentials from it, or says why the platform refused. */
export async function exchangeCode(http: HttpClient, request: HttpRequest, now: Date): Promise<Credentials> {
  const res = await sendForConnect(http, request);
  const credentials = res.status === 200 ? credentialsFrom(res.body, now, null) : null;
  if (!credentials) throw new ConnectError("exchange_failed", tokenRefusal(res.body, res.status));
  return credentials;
}

/**
 * A call made while connecting: no answer or a 5xx is `platform_unavailable` (the user may simply
 * try again); other answers are returned for the caller to read.
 */
export async function sendForConnect(http: HttpClient, request: HttpRequest): Promise<HttpResponse> {
  let res: HttpResponse;
  try {
    res = await http.send(request);
  } catch (error) {
    throw new ConnectError("platform_unavailable", error instanceof Error ? error.message : String(error));
  }
  if (res.status >= 500 || res.status === 429) {
    throw new ConnectError("platform_unavailable", `the platform answered HTTP ${res.status}`);
  }
  return res;
}

/** A profile read that must succeed: anything but 200 ends the connection attempt. */
export async function readProfile(http: HttpClient, request: HttpRequest, what: string): Promise<unknown> {
  const res = await sendForConnect(http, request);
  if (res.status !== 200) {
    throw new ConnectError("exchange_failed", `could not read the ${what} (${tokenRefusal(res.body, res.status)})`);
  }
  return res.body;
}

/** Revocation is best effort: the account is disconnected here whatever the platform answers. */
export async function revokeAt(http: HttpClient, request: HttpRequest): Promise<boolean> {
  try {
    const res = await http.send(request);
    return res.status < 300;
  } catch {
    return false;
  }
}

/** The platform's id for the account; a profile without one cannot be connected. */
export function requiredId(value: string | undefined, what: string): string {
  if (!value) throw new ConnectError("exchange_failed", `the ${what} had no id`);
  return value;
}

export const bearer = (credentials: Credentials) => ({ authorization: `Bearer ${credentials.accessToken}` });

/** Platforms with granular consent: a grant without the publishing permission cannot be used. */
export function requireScope(credentials: Credentials, needed: string, platform: string): void {
  const granted = (credentials.scope ?? "").split(/[\s,]+/);
  if (credentials.scope !== null && !granted.includes(needed)) {
    throw new ConnectError(
      "insufficient_scope",
      `The ${platform} permission '${needed}' was not granted; connect again and allow it.`,
    );
  }
}
