import { AppError, validationError } from "../../domain/errors";
import type { Platform } from "../../domain/platforms";
import type { AccountProfile } from "../../store/account-store";
import type { AccountWithCredentials } from "../../store/sealed-accounts";
import type { IdTokenAuth } from "../caller";
import type { AppDeps } from "../deps";

export type RedeemedConnection =
  | { status: "connected"; platform: Platform; accountIds: string[] }
  | { status: "choose"; platform: Platform; selection: string; expiresAt: string; accounts: AccountProfile[] };

/**
 * POST /v1/integrations/{platform}/connections: the signed-in user redeems the code their
 * callback brought back. Only the user who started the flow gets the accounts: one account is
 * connected at once; several (Facebook Pages) become a selection bound to that user. Anyone else
 * is told the code does not exist (and it is spent: see PendingConnectionStore.redeem).
 */
export async function redeemConnection(
  deps: AppDeps,
  caller: IdTokenAuth,
  input: { platform: Platform; code: string },
): Promise<RedeemedConnection> {
  const { platform } = input;
  const { userId } = caller;
  const redeemed = await deps.oauth.pending.redeem(input.code, userId, platform);
  if (redeemed.kind === "unknown") throw new AppError("not_found", "No pending connection for this code.");
  if (redeemed.kind !== "ok") {
    throw validationError([
      {
        field: "code",
        reason: redeemed.kind === "used" ? "code_used" : "code_expired",
        message:
          redeemed.kind === "used"
            ? "This connection code was already redeemed; start connecting again from the dashboard."
            : "This connection code expired (10 minutes); start connecting again from the dashboard.",
      },
    ]);
  }
  const { accounts } = redeemed;
  if (accounts.length === 1) {
    return { status: "connected", platform, accountIds: await storeAccounts(deps, userId, platform, accounts) };
  }
  const selection = deps.newId();
  const expiresAt = await deps.oauth.states.createSelection(
    selection,
    { userId, platform, returnTo: redeemed.returnTo },
    accounts,
  );
  return {
    status: "choose",
    platform,
    selection,
    expiresAt: expiresAt.toISOString(),
    accounts: accounts.map(({ accountId, username, displayName, avatarUrl }) => ({
      accountId,
      username,
      displayName,
      avatarUrl,
    })),
  };
}

/** Credentials first, then the account document: an `active` account always has credentials. */
async function storeAccounts(
  deps: AppDeps,
  userId: string,
  platform: Platform,
  accounts: readonly AccountWithCredentials[],
): Promise<string[]> {
  for (const account of accounts) {
    const ref = { userId, platform, accountId: account.accountId };
    const dates = await deps.credentials.write(ref, account.credentials);
    await deps.standing.connected(userId, { ...account, platform }, dates);
  }
  return accounts.map((a) => a.accountId);
}

/** A selection the caller may still complete. */
export interface SelectionRef {
  platform: Platform;
  selectionId: string;
}

/** GET /v1/integrations/{platform}/selections/{id}: the accounts a consent offered, until chosen or expired. */
export async function getSelection(deps: AppDeps, caller: IdTokenAuth, input: SelectionRef) {
  const { platform, selectionId } = input;
  const pending = await deps.oauth.states.selection(selectionId, caller.userId, platform);
  if (!pending) throw new AppError("not_found", `No open account selection ${selectionId}.`);
  return { platform, expiresAt: pending.expiresAt.toISOString(), accounts: pending.accounts };
}

/** POST /v1/integrations/{platform}/selections/{id}: connects the chosen accounts of a consent. */
export async function completeSelection(
  deps: AppDeps,
  caller: IdTokenAuth,
  input: SelectionRef & { accountIds: string[] },
): Promise<string[]> {
  const { platform, selectionId: id, accountIds } = input;
  const { userId } = caller;
  const pending = await deps.oauth.states.selection(id, userId, platform);
  if (!pending) throw new AppError("not_found", `No open account selection ${id}.`);
  const unknown = accountIds.filter((a) => !pending.accounts.some((p) => p.accountId === a));
  if (unknown.length > 0) {
    throw validationError([
      {
        field: "accountIds",
        reason: "not_offered",
        message: `Not among the accounts this consent returned: ${unknown.join(", ")}.`,
      },
    ]);
  }
  const chosen = await deps.oauth.states.takeSelection(id, userId, platform, accountIds);
  if (!chosen) throw new AppError("not_found", `No open account selection ${id}.`);
  return storeAccounts(deps, userId, platform, chosen);
}
