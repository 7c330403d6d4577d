import type { Credentials } from "../domain/credentials";
import { PublishError } from "../domain/publish-error";
import type { HttpClient, HttpRequest } from "./http-client";
import { field, stringField } from "./platform-calls";

/** The token object of an OAuth answer: flat, or inside `data` (TikTok, Instagram's documented shape). */
export function tokenBody(body: unknown): unknown {
  if (stringField(body, "access_token")) return body;
  const data = field(body, "data");
  return Array.isArray(data) ? data[0] : data;
}

/** Why a token endpoint refused, in its own words (`error`, `error_description`, Graph `error.message`). */
export function tokenRefusal(body: unknown, status: number): string {
  return (
    stringField(body, "error_description") ??
    stringField(body, "error", "message") ??
    stringField(body, "error") ??
    `HTTP ${status}`
  );
}

/**
 * Credentials from a token answer. Lifetimes are read from the answer (`expires_in`,
 * `refresh_expires_in` or `refresh_token_expires_in`), never assumed; what the answer leaves out
 * is kept from `previous` (a refresh token the platform did not resend, the granted scope).
 */
export function credentialsFrom(body: unknown, now: Date, previous: Credentials | null): Credentials | null {
  const token = tokenBody(body);
  const accessToken = stringField(token, "access_token");
  if (!accessToken) return null;
  const seconds = (name: string) => {
    const value = Number(field(token, name));
    return Number.isFinite(value) && value > 0 ? new Date(now.getTime() + value * 1000).toISOString() : null;
  };
  const scope = field(token, "scope") ?? field(token, "permissions");
  return {
    accessToken,
    refreshToken: stringField(token, "refresh_token") ?? previous?.refreshToken ?? null,
    expiresAt: seconds("expires_in"),
    refreshTokenExpiresAt:
      seconds("refresh_expires_in") ?? seconds("refresh_token_expires_in") ?? previous?.refreshTokenExpiresAt ?? null,
    issuedAt: now.toISOString(),
    scope: Array.isArray(scope) ? scope.join(",") : typeof scope === "string" ? scope : (previous?.scope ?? null),
    extra: previous?.extra ?? {},
  };
}

/**
 * Runs a platform's refresh request and reads the usual OAuth answer. A refresh token the
 * platform does not resend is kept; a refused grant means the user must reconnect.
 */
export async function refreshGrant(
  http: HttpClient,
  request: HttpRequest,
  current: Credentials,
  now: Date,
  platform: string,
): Promise<Credentials> {
  const res = await http.send(request);
  if (res.status >= 500 || res.status === 429) {
    throw new PublishError(
      res.status === 429 ? "rate_limited" : "transient",
      `${platform} token refresh answered ${res.status}`,
    );
  }
  const fresh = res.status === 200 ? credentialsFrom(res.body, now, current) : null;
  if (!fresh) {
    throw new PublishError(
      "auth_expired",
      `${platform} refused to refresh the token (${tokenRefusal(res.body, res.status)}); reconnect the account.`,
    );
  }
  return fresh;
}
