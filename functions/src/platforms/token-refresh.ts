import type { Credentials } from "../domain/credentials";
import { PublishError } from "../domain/publish-error";
import type { HttpClient, HttpRequest } from "./http-client";
import { stringField, field } from "./platform-calls";

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
  const body = field(res.body, "data") && !stringField(res.body, "access_token") ? field(res.body, "data") : res.body;
  const accessToken = stringField(body, "access_token");
  if (res.status !== 200 || !accessToken) {
    const reason = stringField(res.body, "error") ?? stringField(res.body, "error", "message") ?? `HTTP ${res.status}`;
    throw new PublishError(
      "auth_expired",
      `${platform} refused to refresh the token (${reason}); reconnect the account.`,
    );
  }
  const seconds = (name: string) => {
    const value = Number(field(body, name));
    return Number.isFinite(value) && value > 0 ? new Date(now.getTime() + value * 1000).toISOString() : null;
  };
  return {
    accessToken,
    refreshToken: stringField(body, "refresh_token") ?? current.refreshToken,
    expiresAt: seconds("expires_in"),
    refreshTokenExpiresAt:
      seconds("refresh_expires_in") ?? seconds("refresh_token_expires_in") ?? current.refreshTokenExpiresAt,
    issuedAt: now.toISOString(),
    scope: stringField(body, "scope") ?? current.scope,
    extra: current.extra,
  };
}
