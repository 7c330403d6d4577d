import { healthOf } from "../../domain/account-health";
import type { AppDeps } from "../deps";

/**
 * An account as the API shows it: identity, `status` (contract §2) and `health` (adds
 * `expiring`, computed now, so it is right between runs of the token-health job), with when its
 * token expires and when the user must reconnect. Never a token.
 */
export async function accountViews(deps: AppDeps, userId: string) {
  const now = deps.clock();
  const accounts = await deps.users.listAccounts(userId);
  return accounts.map((a) => {
    const reconnectBy = a.record.reconnectBy?.toDate() ?? null;
    return {
      platform: a.platform,
      accountId: a.accountId,
      displayName: a.record.displayName ?? null,
      username: a.record.username ?? null,
      avatarUrl: a.record.avatarUrl ?? null,
      status: a.record.status,
      health: healthOf(a.record.status, reconnectBy, now),
      tokenExpiresAt: a.record.tokenExpiresAt?.toDate().toISOString() ?? null,
      reconnectBy: reconnectBy?.toISOString() ?? null,
      onlyAccount: a.onlyAccount,
      connectedAt: (a.record.connectedAt ?? a.record.createdAt)?.toDate().toISOString() ?? null,
    };
  });
}
