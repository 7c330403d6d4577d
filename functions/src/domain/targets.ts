import { AppError, validationError, type FieldIssue } from "./errors";
import type { Platform } from "./platforms";
import type { ConnectedAccount, RequestedTarget, ResolvedTarget } from "./post-model";

/**
 * Resolves the requested targets against the user's accounts (docs/contract.md §5). A string target takes
 * the only connected account of its platform and never guesses between several. All platforms
 * with no account are reported in one `missing_integrations` error.
 */
export function resolveTargets(
  requested: readonly RequestedTarget[],
  accounts: ReadonlyMap<Platform, readonly ConnectedAccount[]>,
): ResolvedTarget[] {
  const connected = (p: Platform): ConnectedAccount[] =>
    (accounts.get(p) ?? []).filter((a) => a.status !== "disconnected");

  const missing = [...new Set(requested.map((t) => t.platform))].filter((p) => connected(p).length === 0);
  if (missing.length > 0) {
    throw new AppError(
      "missing_integrations",
      `The following platforms are not connected: ${missing.join(", ")}. Connect them in Settings > Integrations.`,
      { missingPlatforms: missing },
    );
  }

  const picked = requested.map((t) => pickAccount(t, connected(t.platform)));
  const issues = duplicateTargetIssues(picked);
  if (issues.length > 0) throw validationError(issues);

  return picked.map((t) => ({ ...t, runId: runIdFor(t, picked) }));
}

/** The same account named twice is an error (docs/contract.md §5); targets without an account are skipped. */
export function duplicateTargetIssues(
  targets: readonly { platform: Platform; accountId: string | null }[],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  targets.forEach((t, i) => {
    if (t.accountId === null) return;
    const first = targets.findIndex((o) => o.platform === t.platform && o.accountId === t.accountId);
    if (first !== i) {
      issues.push({
        field: `post.content.platform[${i}]`,
        reason: "duplicate",
        message: `The ${t.platform} account '${t.accountId}' is targeted twice.`,
      });
    }
  });
  return issues;
}

function pickAccount(target: RequestedTarget, accounts: ConnectedAccount[]): { platform: Platform; accountId: string } {
  const available = accounts.map((a) => a.accountId).sort();
  if (target.accountId === null) {
    const only = accounts.length === 1 ? accounts[0] : undefined;
    if (!only) {
      throw new AppError(
        "missing_account",
        `Several ${target.platform} accounts are connected; name one with {"platform": "${target.platform}", "accountId": "…"}.`,
        { platform: target.platform, accountId: null, availableAccountIds: available },
      );
    }
    assertUsable(target.platform, only, available);
    return { platform: target.platform, accountId: only.accountId };
  }
  const account = accounts.find((a) => a.accountId === target.accountId);
  if (!account) {
    throw new AppError("missing_account", `The ${target.platform} account '${target.accountId}' is not connected.`, {
      platform: target.platform,
      accountId: target.accountId,
      availableAccountIds: available,
    });
  }
  assertUsable(target.platform, account, available);
  return { platform: target.platform, accountId: account.accountId };
}

// Refusing now beats a run that fails silently at publish time, the peers' most common complaint.
function assertUsable(platform: Platform, account: ConnectedAccount, available: string[]): void {
  if (account.status === "needs_reauth") {
    throw new AppError(
      "missing_account",
      `The ${platform} account '${account.accountId}' must be reconnected before it can publish.`,
      { platform, accountId: account.accountId, availableAccountIds: available, reason: "needs_reauth" },
    );
  }
}

/** `x` when the post targets one x account, `x:{accountId}` for each when it targets several. */
function runIdFor(target: { platform: Platform; accountId: string }, all: readonly { platform: Platform }[]): string {
  const samePlatform = all.filter((t) => t.platform === target.platform).length;
  return samePlatform > 1 ? `${target.platform}:${target.accountId}` : target.platform;
}
