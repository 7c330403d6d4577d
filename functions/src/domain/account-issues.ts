/**
 * What is wrong with a scheduled post's account before its time comes, recorded on the post so
 * the user hears of it while they can still act (peers' users found out after the time passed):
 * - `account_disconnected` (fatal): the user disconnected it; the run fails now;
 * - `account_needs_reauth`: the platform refused its token; publishing fails unless reconnected;
 * - `account_expiring`: the connection ends before the post's time unless reconnected.
 */
export type AccountIssueCode = "account_disconnected" | "account_needs_reauth" | "account_expiring";

export interface AccountIssue {
  code: AccountIssueCode;
  message: string;
  fatal: boolean;
}

export function disconnectedIssue(platform: string, accountId: string): AccountIssue {
  return {
    code: "account_disconnected",
    message: `The ${platform} account '${accountId}' was disconnected, so this post will not be published to it.`,
    fatal: true,
  };
}

export function needsReauthIssue(platform: string, accountId: string): AccountIssue {
  return {
    code: "account_needs_reauth",
    message: `The ${platform} account '${accountId}' must be reconnected before this post's time, or publishing to it will fail.`,
    fatal: false,
  };
}

export function expiringIssue(platform: string, accountId: string, reconnectBy: Date): AccountIssue {
  return {
    code: "account_expiring",
    message: `The ${platform} account '${accountId}' stops working on ${reconnectBy.toISOString()}, before this post's time; reconnect it to publish.`,
    fatal: false,
  };
}

/** The runs the orchestrator should hand to publishers: those without a fatal issue. */
export function dispatchable<T extends { runId: string }>(
  targets: readonly T[],
  issues: Readonly<Record<string, { fatal: boolean }>> | undefined,
): T[] {
  return targets.filter((t) => !issues?.[t.runId]?.fatal);
}
