import type { Credentials } from "./credentials";
import type { Platform } from "./platforms";

/** What the dashboard shows for a connection (`status` of docs/contract.md §2, plus `expiring`). */
export const ACCOUNT_HEALTH = ["active", "expiring", "needs_reauth", "disconnected"] as const;
export type AccountHealth = (typeof ACCOUNT_HEALTH)[number];

/** Warn this long before a connection stops working unless the user reconnects. */
export const EXPIRING_WINDOW_MS = 7 * 24 * 3600_000;

const DAY = 24 * 3600_000;

/**
 * How a platform's connection stays alive without the user:
 * - `self`: the long-lived token refreshes itself (Threads, Instagram), only when ≥ 24 h old;
 * - `refresh_token`: a refresh grant (X and TikTok rotate it; YouTube, Snapchat, LinkedIn partners);
 * - `none`: nothing renews it (Facebook Page tokens do not expire; LinkedIn without a refresh token
 *   lasts 60 days, then the user must reconnect).
 */
export type Renewal = "self" | "refresh_token" | "none";

export function renewalOf(platform: Platform, credentials: Credentials): Renewal {
  if (platform === "threads" || platform === "instagram") return "self";
  if (platform === "facebook") return "none";
  return credentials.refreshToken ? "refresh_token" : "none";
}

export interface TokenSchedule {
  /** When the token-health job should renew the credentials; null when nothing can renew them. */
  renewAt: Date | null;
  /** When the connection stops working unless the user reconnects; null when not foreseeable. */
  reconnectBy: Date | null;
}

const time = (iso: string | null): number | null => (iso === null ? null : new Date(iso).getTime());

/**
 * When to renew and when the connection dies, from the credentials just stored:
 * - self-renewing Meta tokens: once they are a day old and within 30 days of their 60-day expiry,
 *   so a month of failed attempts still leaves time before the user must reconnect;
 * - refresh-token platforms: daily, because an unused rotating refresh-token family dies quietly
 *   after months and a revoked grant is only found by using it (publishes refresh short-lived
 *   access tokens inline, so the job need not chase a 1-hour token);
 * - `none`: never; the connection ends when the access token does.
 */
export function tokenSchedule(platform: Platform, credentials: Credentials): TokenSchedule {
  const expires = time(credentials.expiresAt);
  const issued = time(credentials.issuedAt) ?? Date.now();
  const renewal = renewalOf(platform, credentials);
  if (renewal === "self") {
    if (expires === null) return { renewAt: null, reconnectBy: null };
    return { renewAt: new Date(Math.max(issued + DAY, expires - 30 * DAY)), reconnectBy: new Date(expires) };
  }
  if (renewal === "refresh_token") {
    return {
      renewAt: new Date(issued + DAY),
      reconnectBy: credentials.refreshTokenExpiresAt ? new Date(credentials.refreshTokenExpiresAt) : null,
    };
  }
  return { renewAt: null, reconnectBy: expires === null ? null : new Date(expires) };
}

/** The health shown for an account, from its status and when it must be reconnected. */
export function healthOf(
  status: "active" | "needs_reauth" | "disconnected",
  reconnectBy: Date | null,
  now: Date,
): AccountHealth {
  if (status !== "active") return status;
  if (reconnectBy && reconnectBy.getTime() - now.getTime() <= EXPIRING_WINDOW_MS) return "expiring";
  return "active";
}
