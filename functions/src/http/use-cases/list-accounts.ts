import { z } from "zod";
import { ACCOUNT_HEALTH, healthOf } from "../../domain/account-health";
import { PLATFORMS } from "../../domain/platforms";
import { ACCOUNT_STATUSES } from "../../store/records";
import type { Platform } from "../../domain/platforms";
import type { Caller } from "../caller";
import type { AppDeps } from "../deps";

export const accountViewSchema = z
  .object({
    platform: z.enum(PLATFORMS),
    accountId: z.string(),
    displayName: z.string().nullable(),
    username: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    status: z.enum(ACCOUNT_STATUSES),
    health: z.enum(ACCOUNT_HEALTH),
    tokenExpiresAt: z.iso.datetime().nullable(),
    reconnectBy: z.iso.datetime().nullable(),
    onlyAccount: z.boolean(),
    connectedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Account" });
export type AccountView = z.output<typeof accountViewSchema>;

/** Only these accounts (the ones a connection just attached); all of the caller's without it. */
export interface AccountFilter {
  platform?: Platform;
  accountIds?: readonly string[];
}

/**
 * GET /v1/accounts. An account as the API shows it: identity, `status` (docs/contract.md §2) and `health` (adds
 * `expiring`, computed now, so it is right between runs of the token-health job), with when its
 * token expires and when the user must reconnect. Never a token.
 */
export async function listAccounts(deps: AppDeps, caller: Caller, input: AccountFilter = {}): Promise<AccountView[]> {
  const now = deps.clock();
  const accounts = (await deps.users.listAccounts(caller.userId)).filter(
    (a) =>
      (!input.platform || a.platform === input.platform) &&
      (!input.accountIds || input.accountIds.includes(a.accountId)),
  );
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
