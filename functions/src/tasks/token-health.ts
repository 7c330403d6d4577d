import { EXPIRING_WINDOW_MS } from "../domain/account-health";
import { PublishError } from "../domain/publish-error";
import { logs } from "../logs";
import type { Platform } from "../domain/platforms";
import type { HttpClient } from "../platforms/http-client";
import type { OAuthProvider } from "../platforms/oauth-provider";
import type { AdapterRegistry } from "../platforms/registry";
import type { AccountStanding } from "../store/account-standing";
import type { CredentialStore, ScheduledCredentials } from "../store/credential-store";

export interface TokenHealthDeps {
  credentials: CredentialStore;
  standing: AccountStanding;
  adapters: AdapterRegistry;
  /** Each platform's OAuth, to revoke what a renewal obtained after the account was disconnected. */
  oauthProvider: (platform: Platform) => OAuthProvider;
  http: HttpClient;
  clock: () => Date;
}

export interface TokenHealthCounts {
  renewed: number;
  needsReauth: number;
  postponed: number;
  expiring: number;
  /** Disconnected while due: dropped from renewal for good (its credentials are gone). */
  disconnected: number;
}

export const TOKEN_HEALTH = {
  /** Accounts handled per run; the next run takes the rest (oldest due first). */
  batch: 200,
  /** Refreshes in flight at once: platforms rate-limit their token endpoints per app. */
  concurrency: 8,
  /** After a failure that may pass (platform down, rate limited): try again this much later. */
  retryAfterMs: 60 * 60_000,
  /** The platform could not renew yet (a Meta token under a day old): look again later. */
  notYetMs: 6 * 60 * 60_000,
} as const;

/**
 * The scheduled token-health job. Renews credentials whose renewal is due (domain/account-health
 * says when, per platform) through the same rotation-safe lease as the publishers, so a job and a
 * publisher refreshing at once spend a single-use refresh token only once. A refused renewal makes
 * the account `needs_reauth` and flags its scheduled posts; connections nearing their end become
 * `expiring` and flag the posts scheduled after it. A disconnected account is never renewed: its
 * credentials are gone, and a renewal that races the disconnect is not stored (credential-store.ts).
 */
export async function checkTokenHealth(deps: TokenHealthDeps): Promise<TokenHealthCounts> {
  const now = deps.clock();
  const counts: TokenHealthCounts = { renewed: 0, needsReauth: 0, postponed: 0, expiring: 0, disconnected: 0 };
  const due = await deps.credentials.dueForRenewal(now, TOKEN_HEALTH.batch);
  await inBatches(due, TOKEN_HEALTH.concurrency, async (item) => {
    counts[await renew(deps, item)] += 1;
  });
  const ending = await deps.credentials.reconnectingBy(
    new Date(now.getTime() + EXPIRING_WINDOW_MS),
    TOKEN_HEALTH.batch,
  );
  await inBatches(ending, TOKEN_HEALTH.concurrency, async ({ account, reconnectBy }) => {
    if ((await deps.standing.reconnectBy(account, reconnectBy)) === "expiring") counts.expiring += 1;
  });
  logs.tokenHealth({ ...counts });
  return counts;
}

async function renew(deps: TokenHealthDeps, { account, version }: ScheduledCredentials) {
  const adapter = deps.adapters.forRun(account.platform, "live");
  const later = (ms: number) => new Date(deps.clock().getTime() + ms);
  try {
    const renewed = await deps.credentials.refresh(account, version, {
      grant: (c) => adapter.refresh(c, deps.http),
      revoke: (c) => deps.oauthProvider(account.platform).revoke(c, deps.http),
    });
    if (renewed) return "renewed" as const;
    await deps.credentials.postponeRenewal(account, later(TOKEN_HEALTH.notYetMs));
    return "postponed" as const;
  } catch (error) {
    const failure = error instanceof PublishError ? error : adapter.classifyError(error);
    if (failure.code === "account_disconnected") return "disconnected" as const;
    if (failure.code === "auth_expired") {
      await deps.standing.needsReauth(account, failure.message);
      await deps.credentials.stopRenewing(account);
      return "needsReauth" as const;
    }
    logs.renewalFailed(account.platform, failure.code);
    await deps.credentials.postponeRenewal(account, later(TOKEN_HEALTH.retryAfterMs));
    return "postponed" as const;
  }
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}
