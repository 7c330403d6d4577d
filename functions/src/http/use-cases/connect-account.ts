import { AppError, validationError } from "../../domain/errors";
import {
  isAllowedReturnTo,
  newOAuthState,
  newPkcePair,
  newRedemptionCode,
  returnUrl,
  type ConnectErrorCode,
} from "../../domain/oauth";
import type { Platform } from "../../domain/platforms";
import { ConnectError, type ConnectableAccount } from "../../platforms/oauth-provider";
import type { IdTokenAuth } from "../caller";
import type { AppDeps } from "../deps";

/** The page a connect attempt returns to when the caller named none: the API's own outcome page. */
export const DEFAULT_RETURN_PATH = "/oauth/done";

/**
 * POST /v1/integrations/{platform}/connect: a single-use state bound to the user (with the PKCE
 * verifier where the platform uses PKCE), and the platform's authorize URL carrying it.
 */
export async function startConnect(
  deps: AppDeps,
  caller: IdTokenAuth,
  input: { platform: Platform; returnTo: string | undefined },
) {
  const { platform, returnTo } = input;
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
    userId: caller.userId,
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
 * GET /oauth/{platform}/callback: spends the state, exchanges the code and reads the account(s),
 * then keeps them sealed under a single-use code for the user who started the flow and returns
 * where to send the browser. Nothing is connected here: whoever follows an authorize link
 * consents as themselves, so only that starter redeeming the code with their own ID token
 * attaches the accounts (redeem-connection.ts). A state that is unknown or already spent gets a
 * 400 (there is no trusted place to redirect to); everything after that redirects to the
 * `returnTo` the state carries, with the outcome in its query. It has no caller: no Postcast
 * credentials arrive with the platform's redirect, and the state names the user.
 */
export async function finishConnect(
  deps: AppDeps,
  input: { platform: Platform; query: CallbackQuery },
): Promise<string> {
  const { platform, query } = input;
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
  const code = newRedemptionCode();
  await deps.oauth.pending.create(code, { userId: record.userId, platform, returnTo: record.returnTo }, accounts);
  return returnUrl(record.returnTo, { status: "pending", platform, code });
}

/**
 * DELETE /v1/accounts/{platform}/{accountId}: revokes the grant at the platform where it can
 * (best effort: the account is disconnected here whatever the platform says), forgets the
 * credentials and fails the account's scheduled posts.
 */
export async function disconnectAccount(
  deps: AppDeps,
  caller: IdTokenAuth,
  input: { platform: Platform; accountId: string },
) {
  const { platform, accountId } = input;
  const ref = { userId: caller.userId, platform, accountId };
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
