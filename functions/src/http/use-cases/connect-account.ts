import { AppError, validationError } from "../../domain/errors";
import {
  isAllowedReturnTo,
  newOAuthState,
  newPkcePair,
  returnUrl,
  type ConnectErrorCode,
  type ConnectOutcome,
} from "../../domain/oauth";
import { normalizePlatform, type Platform } from "../../domain/platforms";
import { ConnectError, type ConnectableAccount } from "../../platforms/oauth-provider";
import type { AppDeps } from "../deps";

/** The page a connect attempt returns to when the caller named none: the API's own outcome page. */
export const DEFAULT_RETURN_PATH = "/oauth/done";

export function platformParam(value: unknown): Platform {
  const platform = typeof value === "string" ? normalizePlatform(value) : null;
  if (!platform) {
    throw validationError([
      { field: "platform", reason: "unknown_platform", message: `Unknown platform '${String(value)}'.` },
    ]);
  }
  return platform;
}

/**
 * POST /v1/integrations/{platform}/connect: a single-use state bound to the user (with the PKCE
 * verifier where the platform uses PKCE), and the platform's authorize URL carrying it.
 */
export async function startConnect(deps: AppDeps, userId: string, platform: Platform, returnTo: string | undefined) {
  const oauth = deps.oauth;
  const target = returnTo ?? `${oauth.apiUrl()}${DEFAULT_RETURN_PATH}`;
  if (returnTo !== undefined && !isAllowedReturnTo(returnTo, oauth.returnUrls())) {
    throw validationError([
      {
        field: "returnTo",
        reason: "not_allowed",
        message: "returnTo must start with one of the URLs configured in CONNECT_RETURN_URLS.",
      },
    ]);
  }
  const provider = oauth.provider(platform);
  if (!oauth.configured(platform)) {
    throw validationError([
      {
        field: "platform",
        reason: "platform_not_configured",
        message: `Connecting ${platform} accounts is not configured on this deployment (${platform.toUpperCase()}_CLIENT_ID is not set).`,
      },
    ]);
  }
  const state = newOAuthState();
  const pkce = provider.usesPkce ? newPkcePair() : null;
  const expiresAt = await oauth.states.create(state, {
    userId,
    platform,
    returnTo: target,
    codeVerifier: pkce?.verifier ?? null,
  });
  const authorizeUrl = provider.authorizeUrl({
    state,
    redirectUri: oauth.callbackUrl(platform),
    codeChallenge: pkce?.challenge ?? null,
  });
  return { platform, authorizeUrl, expiresAt: expiresAt.toISOString() };
}

export interface CallbackQuery {
  code?: unknown;
  state?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/** Denials as the platforms word them (OAuth's access_denied, Meta's user_denied, LinkedIn's cancellations). */
const DENIALS = new Set([
  "access_denied",
  "user_denied",
  "user_cancelled",
  "user_cancelled_login",
  "user_cancelled_authorize",
  "consent_required",
]);

/**
 * GET /oauth/{platform}/callback: spends the state, exchanges the code, reads the account(s) and
 * stores them; returns where to send the browser. A state that is unknown or already spent gets
 * a 400 (there is no trusted place to redirect to); everything after that redirects to the
 * `returnTo` the state carries, with the outcome in its query.
 */
export async function finishConnect(deps: AppDeps, platform: Platform, query: CallbackQuery): Promise<string> {
  const state = typeof query.state === "string" ? query.state : "";
  if (!state) {
    throw validationError([{ field: "state", reason: "required", message: "The callback has no state." }]);
  }
  const spent = await deps.oauth.states.consume(state, platform);
  if (spent.kind !== "ok" && spent.kind !== "expired") {
    throw validationError([
      {
        field: "state",
        reason: spent.kind === "used" ? "state_used" : "invalid_state",
        message:
          spent.kind === "used"
            ? "This connect link was already used; start connecting again from the dashboard."
            : "Unknown connect state; start connecting again from the dashboard.",
      },
    ]);
  }
  const { record } = spent;
  const fail = (error: ConnectErrorCode, description: string) =>
    returnUrl(record.returnTo, { status: "error", platform, error, description });
  if (spent.kind === "expired") return fail("expired_state", "The connect attempt took over 10 minutes; try again.");
  if (typeof query.error === "string") {
    const description = typeof query.error_description === "string" ? query.error_description : query.error;
    return fail(DENIALS.has(query.error) ? "access_denied" : "exchange_failed", description);
  }
  if (typeof query.code !== "string" || !query.code) return fail("exchange_failed", "The platform sent no code.");

  let accounts: ConnectableAccount[];
  try {
    accounts = await deps.oauth
      .provider(platform)
      .connect(
        { code: query.code, redirectUri: deps.oauth.callbackUrl(platform), codeVerifier: record.codeVerifier },
        deps.oauth.http,
        deps.clock(),
      );
  } catch (error) {
    if (error instanceof ConnectError) return fail(error.code, error.message);
    throw error;
  }
  const outcome: ConnectOutcome =
    accounts.length === 1
      ? { status: "connected", platform, accountIds: await storeAccounts(deps, record.userId, platform, accounts) }
      : { status: "choose", platform, selection: await offerChoice(deps, record, accounts) };
  return returnUrl(record.returnTo, outcome);
}

async function offerChoice(
  deps: AppDeps,
  record: { userId: string; platform: Platform; returnTo: string },
  accounts: ConnectableAccount[],
): Promise<string> {
  const id = deps.newId();
  await deps.oauth.states.createSelection(
    id,
    { userId: record.userId, platform: record.platform, returnTo: record.returnTo },
    accounts,
  );
  return id;
}

/** Credentials first, then the account document: an `active` account always has credentials. */
export async function storeAccounts(
  deps: AppDeps,
  userId: string,
  platform: Platform,
  accounts: ConnectableAccount[],
): Promise<string[]> {
  for (const account of accounts) {
    const ref = { userId, platform, accountId: account.accountId };
    const dates = await deps.credentials.write(ref, account.credentials);
    await deps.standing.connected(userId, { ...account, platform }, dates);
  }
  return accounts.map((a) => a.accountId);
}

/** POST /v1/integrations/{platform}/selections/{id}: connects the chosen accounts of a consent. */
export async function completeSelection(
  deps: AppDeps,
  userId: string,
  platform: Platform,
  id: string,
  accountIds: string[],
): Promise<string[]> {
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

/**
 * DELETE /v1/accounts/{platform}/{accountId}: revokes the grant at the platform where it can
 * (best effort: the account is disconnected here whatever the platform says), forgets the
 * credentials and fails the account's scheduled posts.
 */
export async function disconnectAccount(deps: AppDeps, userId: string, platform: Platform, accountId: string) {
  const ref = { userId, platform, accountId };
  const stored = await deps.credentials.read(ref).catch(() => null);
  const { outcome, failedPosts } = await deps.standing.disconnected(ref);
  if (outcome === "missing") throw new AppError("not_found", `No ${platform} account ${accountId} is connected.`);
  const revoked = stored ? await deps.oauth.provider(platform).revoke(stored.credentials, deps.oauth.http) : false;
  await deps.credentials.delete(ref);
  return {
    platform,
    accountId,
    status: "disconnected" as const,
    revokedAtPlatform: revoked,
    failedScheduledPosts: failedPosts,
  };
}
