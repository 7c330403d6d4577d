import { createHash, randomBytes } from "node:crypto";

/** How long a connect attempt may take between Postcast's authorize URL and the callback. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** How long a user has to choose among several accounts (Facebook Pages) after consenting. */
export const ACCOUNT_SELECTION_TTL_MS = 10 * 60_000;
/** How long the dashboard has to redeem what a callback brought back (a page load, normally). */
export const PENDING_CONNECTION_TTL_MS = 10 * 60_000;

/** 256 random bits, URL-safe: unguessable, and well within X's 500-character `state` limit. */
export function newOAuthState(): string {
  return randomBytes(32).toString("base64url");
}

/** The single-use code a callback hands the dashboard: 256 random bits, URL-safe, like a state. */
export function newRedemptionCode(): string {
  return randomBytes(32).toString("base64url");
}

/** RFC 7636: a 43-character verifier and its S256 challenge. */
export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/**
 * A `returnTo` is allowed when it is an absolute http(s) URL that starts with one of the
 * configured prefixes, compared on the parsed URL (so `https://app.example.com.evil.io` does not
 * pass for `https://app.example.com/`, nor does a URL with credentials in it).
 */
export function isAllowedReturnTo(returnTo: string, allowlist: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(returnTo);
  } catch {
    return false;
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) return false;
  return allowlist.some((entry) => {
    let allowed: URL;
    try {
      allowed = new URL(entry);
    } catch {
      return false;
    }
    const base = allowed.pathname.endsWith("/") ? allowed.pathname : `${allowed.pathname}/`;
    return url.origin === allowed.origin && (url.pathname === allowed.pathname || url.pathname.startsWith(base));
  });
}

/**
 * What the callback tells the dashboard, as query parameters on its `returnTo`. Never that an
 * account was connected: a callback only proves that someone consented at the platform, not who
 * is signed in here, so what it brings back waits under a code only the user who started the
 * flow can redeem (POST /v1/integrations/{platform}/connections).
 */
export type ConnectOutcome =
  | { status: "pending"; platform: string; code: string }
  | { status: "error"; platform: string; error: ConnectErrorCode; description: string };

export type ConnectErrorCode =
  | "access_denied"
  | "expired_state"
  | "exchange_failed"
  | "no_eligible_account"
  | "insufficient_scope"
  | "platform_unavailable";

export function returnUrl(returnTo: string, outcome: ConnectOutcome): string {
  const url = new URL(returnTo);
  url.searchParams.set("platform", outcome.platform);
  url.searchParams.set("status", outcome.status);
  if (outcome.status === "pending") url.searchParams.set("code", outcome.code);
  if (outcome.status === "error") {
    url.searchParams.set("error", outcome.error);
    url.searchParams.set("error_description", outcome.description);
  }
  return url.toString();
}
