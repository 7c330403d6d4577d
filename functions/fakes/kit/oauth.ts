import { createHash } from "node:crypto";

/** A Facebook Page the signed-in user manages; its Page token publishes to it. */
export interface FakePage {
  id: string;
  name: string;
  avatarUrl: string;
  /** The user's tasks on the Page; publishing needs CREATE_CONTENT or MANAGE. */
  tasks?: string[];
}

/** The YouTube channel of a Google account. Its id is the account's id (what the ledger is keyed by). */
export interface FakeChannel {
  title: string;
  customUrl: string;
  avatarUrl: string;
}

/**
 * The user behind a fake's authorize page: who approves the consent screen, and what the profile
 * endpoints answer for the tokens issued to them.
 */
export interface FakeProfile {
  accountId: string;
  username: string;
  displayName: string;
  avatarUrl: string;
  /** LinkedIn's userinfo `email` (shared with the `email` scope). */
  email?: string;
  /** Instagram: only professional accounts (BUSINESS, MEDIA_CREATOR) can publish. */
  accountType?: "BUSINESS" | "MEDIA_CREATOR" | "PERSONAL";
  /** Facebook: the Pages the user manages. */
  pages?: FakePage[];
  /** YouTube: the account's channel; null when the Google account has none. */
  channel?: FakeChannel | null;
}

/** A profile as `signIn` and `POST /_fake/sign-in` take it: the rest defaults from the account id. */
export type FakeProfileInput = Partial<FakeProfile> & { accountId: string };

export type Consent = "approve" | "deny";

/** How a platform's authorize page reads its request and answers a refusal. */
export interface AuthorizeDialect {
  /** The parameter naming the app (TikTok calls it client_key). */
  clientIdParam?: string;
  /** How `scope` separates scopes (space on most, comma on TikTok and Meta). */
  scopeDelimiter: RegExp;
  /** The scopes the platform knows; the page refuses any other, as the real ones do. */
  scopes: readonly string[];
  /** PKCE: whether the page insists on a challenge, and the methods it takes. */
  pkce?: { required: boolean; methods: readonly string[] };
  stateMaxLength?: number;
  /** The redirect's parameters when the user declines (state is added). */
  denial: Record<string, string>;
  /** Appended to the redirect that carries a code (Instagram's `#_`). */
  locationSuffix?: string;
}

/** An authorization code: single use, short-lived, bound to the client, redirect URI and PKCE challenge. */
export interface AuthorizationCode {
  value: string;
  clientId: string;
  redirectUri: string;
  challenge: { value: string; method: string } | null;
  profile: FakeProfile;
  scopes: string[];
  /** The authorize request's parameters (Google's access_type and prompt decide its refresh token). */
  request: Record<string, string>;
  /** The account's first consent to this app since it last revoked (Google sends a refresh token then). */
  firstConsent: boolean;
  expiresAt: number;
  used: boolean;
  /** The token family issued from it, revoked if the code is presented again (RFC 6749 §4.1.2). */
  family: string | null;
}

/** Why a code did not buy tokens; each fake words it in its platform's error. */
export type CodeRejection = "unknown" | "used" | "expired" | "client" | "redirect_uri" | "verifier";

export interface Revocation {
  accountId: string;
  at: number;
  /** token_revoked: a revoke endpoint; app_removed: `revoke(accountId)`; code_reused: a code presented twice. */
  reason: "token_revoked" | "app_removed" | "code_reused";
}

/** The string-valued parameters of a query or form (repeated and nested ones are dropped). */
export function stringParams(source: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((source ?? {}) as Record<string, unknown>)) if (typeof v === "string") out[k] = v;
  return out;
}

export function requestedScopes(scope: string | undefined, dialect: AuthorizeDialect): string[] {
  return (scope ?? "").split(dialect.scopeDelimiter).filter(Boolean);
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.6: S256 compares the verifier's base64url SHA-256 with the challenge, plain the strings. */
export function pkceMatches(challenge: { value: string; method: string }, verifier: string | undefined): boolean {
  if (!verifier || !VERIFIER.test(verifier)) return false;
  const derived = challenge.method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  return derived === challenge.value;
}

function redirectProblem(redirectUri: string | undefined): string | null {
  if (!redirectUri) return "redirect_uri is required.";
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return "redirect_uri is not a valid URL.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "redirect_uri must be an http(s) URL.";
  if (url.hash || redirectUri.includes("#")) return "redirect_uri must not contain a fragment.";
  return null;
}

function pkceProblem(q: Record<string, string>, pkce: AuthorizeDialect["pkce"]): string | null {
  if (!pkce || (!pkce.required && !q.code_challenge)) return null;
  if (!q.code_challenge) return "code_challenge is required.";
  // RFC 7636 §4.3: the method defaults to plain.
  const method = q.code_challenge_method ?? "plain";
  if (!pkce.methods.includes(method)) return `code_challenge_method must be ${pkce.methods.join(" or ")}.`;
  if (!VERIFIER.test(q.code_challenge)) return "code_challenge is malformed.";
  return null;
}

/** What is wrong with an authorize request, in the order the real pages check; null when it is fine. */
export function authorizeProblem(
  q: Record<string, string>,
  dialect: AuthorizeDialect,
  clientId: string,
): string | null {
  const idParam = dialect.clientIdParam ?? "client_id";
  if (q[idParam] !== clientId) return `Invalid ${idParam}.`;
  if (q.response_type !== "code") return "response_type must be code.";
  const redirect = redirectProblem(q.redirect_uri);
  if (redirect) return redirect;
  if (!q.state) return "state is required.";
  if (dialect.stateMaxLength && q.state.length > dialect.stateMaxLength)
    return `state must be at most ${dialect.stateMaxLength} characters.`;
  const scopes = requestedScopes(q.scope, dialect);
  if (scopes.length === 0) return "scope is required.";
  const unknown = scopes.filter((s) => !dialect.scopes.includes(s));
  if (unknown.length) return `Invalid scope: ${unknown.join(", ")}.`;
  return pkceProblem(q, dialect.pkce);
}

/** The redirect URI with these parameters added to any query it already has. */
export function redirectLocation(redirectUri: string, params: Record<string, string>, suffix = ""): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return `${url.toString()}${suffix}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The error page an authorize endpoint shows instead of redirecting when the request itself is bad. */
export function errorPage(platform: string, message: string): string {
  return `<!doctype html><html><head><title>${platform}: authorization error</title></head><body><h1>Something went wrong</h1><p id="error">${escapeHtml(message)}</p></body></html>`;
}

/** A display name's first word and the rest, as OpenID's given_name and family_name. */
export function splitName(displayName: string): { given: string; family: string } {
  const [given = "", ...rest] = displayName.split(" ");
  return { given, family: rest.join(" ") };
}

/** Only the fields a Graph-style `fields` parameter asks for (and `id`, always there). */
export function pickFields(all: Record<string, unknown>, fields: string | undefined, fallback: string[]): object {
  const wanted = new Set(fields ? fields.split(",").map((f) => f.trim()) : fallback);
  wanted.add("id");
  return Object.fromEntries(Object.entries(all).filter(([k, v]) => wanted.has(k) && v !== undefined));
}
