import type { AccountRef, TokenDates } from "../domain/account-ref";
import { expiringIssue, needsReauthIssue, disconnectedIssue } from "../domain/account-issues";
import { EXPIRING_WINDOW_MS, type AccountHealth } from "../domain/account-health";
import type { AccountProfile, AccountStore } from "./account-store";
import type { SubmissionStore } from "./submission-store";

/**
 * An account's standing and its consequences for the posts waiting on it: every change of an
 * account's usability goes through here, so the scheduled posts that target it are told at once
 * (flagged, or failed when the account is gone) instead of discovering it at their time.
 */
export class AccountStanding {
  constructor(
    private readonly accounts: AccountStore,
    private readonly submissions: SubmissionStore,
    private readonly clock: () => Date,
  ) {}

  /**
   * Connected or reconnected: warnings on its scheduled posts no longer apply, unless the new
   * connection itself ends before a post's time (one pass over the posts for both).
   */
  async connected(userId: string, account: AccountProfile & { platform: AccountRef["platform"] }, dates: TokenDates) {
    await this.accounts.connect(userId, account.platform, account, dates);
    const ref = { userId, platform: account.platform, accountId: account.accountId };
    await this.submissions.flagScheduled(ref, this.expiringFor(ref, dates.reconnectBy), this.clock());
  }

  /** The platform refused its credentials for good. */
  async needsReauth(account: AccountRef, reason: string): Promise<void> {
    if (!(await this.accounts.markNeedsReauth(account, reason))) return;
    await this.submissions.flagScheduled(
      account,
      () => needsReauthIssue(account.platform, account.accountId),
      this.clock(),
    );
  }

  /** The user disconnected it: its scheduled posts fail now, for that account only. */
  async disconnected(
    account: AccountRef,
  ): Promise<{ outcome: "disconnected" | "already" | "missing"; failedPosts: number }> {
    const outcome = await this.accounts.disconnect(account);
    if (outcome === "missing") return { outcome, failedPosts: 0 };
    const failedPosts = await this.submissions.flagScheduled(
      account,
      () => disconnectedIssue(account.platform, account.accountId),
      this.clock(),
    );
    return { outcome, failedPosts };
  }

  /** The connection ends at `reconnectBy`: health, and a warning on posts scheduled after it. */
  async reconnectBy(account: AccountRef, reconnectBy: Date | null): Promise<AccountHealth | null> {
    const health = await this.accounts.refreshHealth(account, reconnectBy);
    if (health !== null) await this.flagExpiring(account, reconnectBy);
    return health;
  }

  private async flagExpiring(account: AccountRef, reconnectBy: Date | null): Promise<void> {
    if (!this.endsSoon(reconnectBy)) return;
    await this.submissions.flagScheduled(account, this.expiringFor(account, reconnectBy), this.clock());
  }

  private endsSoon(reconnectBy: Date | null): reconnectBy is Date {
    return reconnectBy !== null && reconnectBy.getTime() - this.clock().getTime() <= EXPIRING_WINDOW_MS;
  }

  /** The warning for a post at `at`: expiring when the connection ends soon and before that time. */
  private expiringFor(account: AccountRef, reconnectBy: Date | null) {
    return (at: Date | null) =>
      this.endsSoon(reconnectBy) && at && at >= reconnectBy
        ? expiringIssue(account.platform, account.accountId, reconnectBy)
        : null;
  }
}
