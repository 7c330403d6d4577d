import type { ConnectedAccount, KnownMedia, NormalizedPostRequest, ResolvedTarget, TargetPlan } from "./post-model";
import { validationError } from "./errors";
import type { Platform } from "./platforms";
import { planIssues, planRequest } from "./target-plan";
import { resolveTargets } from "./targets";

export interface SubmissionPlan {
  targets: ResolvedTarget[];
  /** Index-aligned with `targets`. */
  plans: TargetPlan[];
}

/**
 * Resolves a request's targets against the connected accounts and checks each against its
 * platform's rules. Account problems throw (docs/contract.md §5); rule violations are returned so a dry
 * run can show them.
 */
export function planSubmission(
  request: NormalizedPostRequest,
  accounts: ReadonlyMap<Platform, readonly ConnectedAccount[]>,
  known?: ReadonlyMap<string, KnownMedia>,
): SubmissionPlan {
  const targets = resolveTargets(request.post.content.platform, accounts);
  checkSandboxKeys(request, targets);
  return { targets, plans: planRequest(request, known) };
}

/**
 * The targets to store for an accepted post: refuses the post when a platform rule is broken
 * (strict, the default); otherwise each target carries the adjustments made to fit its platform.
 */
export function acceptedTargets(plan: SubmissionPlan): ResolvedTarget[] {
  const issues = planIssues(plan.plans);
  if (issues.length > 0) throw validationError(issues);
  return plan.targets.map((t, i) => {
    const adjustments = plan.plans[i]?.adjustments ?? [];
    return adjustments.length > 0 ? { ...t, adjustments } : t;
  });
}

/** Sandbox outcomes must name a targeted platform or run, so a typo is not silently ignored. */
export function checkSandboxKeys(request: NormalizedPostRequest, targets: readonly ResolvedTarget[]): void {
  const known = new Set(targets.flatMap((t) => [t.platform, t.runId]));
  const unknown = Object.keys(request.sandbox?.outcomes ?? {}).filter((k) => !known.has(k.toLowerCase()));
  if (unknown.length === 0) return;
  throw validationError(
    unknown.map((k) => ({
      field: `sandbox.outcomes.${k}`,
      reason: "unknown_target",
      message: `sandbox.outcomes names '${k}', which is neither a targeted platform nor a run id (${[...known].join(", ")}).`,
    })),
  );
}
