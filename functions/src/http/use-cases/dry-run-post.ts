import type { ApiKeyAuth } from "../caller";
import type { AppDeps } from "../deps";
import { parsePost, preparePost } from "./prepare-post";

/**
 * POST /v1/posts?dryRun=true: everything a real POST checks, and per target what would be sent,
 * what would be adjusted (with `strict: false`) and what would be refused. Stores nothing and uses
 * no idempotency key.
 */
export async function dryRunPost(deps: AppDeps, caller: ApiKeyAuth, input: { body: unknown }) {
  const draft = await parsePost(deps, caller, input);
  const prepared = await preparePost(deps, caller, { draft, convert: false });
  const { request, plan } = prepared.plan();
  const strict = request.strict !== false;
  return {
    dryRun: true,
    valid: plan.plans.every((p) => p.violations.length === 0),
    strict,
    scheduledTime: request.scheduledTime,
    targets: plan.targets.map((t, i) => {
      const target = plan.plans[i]!;
      const outcome = target.violations.length > 0 ? "rejected" : target.adjustments.length > 0 ? "adjusted" : "send";
      return {
        platform: t.platform,
        accountId: t.accountId,
        runId: t.runId,
        outcome,
        content: target.content,
        adjustments: target.adjustments,
        violations: target.violations,
      };
    }),
  };
}
