import type { Request, Response } from "express";
import { validationError } from "../../domain/errors";
import { parsePostRequest } from "../../domain/post-request";
import { planSubmission } from "../../domain/submission-plan";
import { ownMedia } from "../../media/own-media";
import { withMediaIds } from "./media-ids";
import { apiKeyAuth } from "../context";
import type { AppDeps } from "../deps";

/** `?dryRun=true|false` (also 1/0); anything else is a validation error, not a silent real post. */
export function wantsDryRun(query: Request["query"]): boolean {
  const value = query.dryRun;
  if (value === undefined || value === "false" || value === "0") return false;
  if (value === "true" || value === "1") return true;
  throw validationError([{ field: "dryRun", reason: "invalid_value", message: "dryRun must be true or false." }]);
}

/**
 * POST /v1/posts?dryRun=true: everything a real POST checks, and per target what would be sent,
 * what would be adjusted (with `strict: false`) and what would be refused. Stores nothing and uses
 * no idempotency key.
 */
export async function dryRunPost(req: Request, res: Response, deps: AppDeps) {
  const auth = apiKeyAuth(res);
  const input = await withMediaIds(deps, auth, req.body ?? {});
  const request = parsePostRequest(input, { now: deps.clock(), mode: auth.mode });
  const accounts = await deps.users.accountsByPlatform(
    auth.userId,
    request.post.content.platform.map((t) => t.platform),
  );
  const own = await ownMedia(deps, auth, request, { convert: false });
  const { targets, plans } = planSubmission(request, accounts, own.known);
  const strict = request.strict !== false;
  return {
    dryRun: true,
    valid: plans.every((p) => p.violations.length === 0),
    strict,
    scheduledTime: request.scheduledTime,
    targets: targets.map((t, i) => {
      const plan = plans[i]!;
      const outcome = plan.violations.length > 0 ? "rejected" : plan.adjustments.length > 0 ? "adjusted" : "send";
      return {
        platform: t.platform,
        accountId: t.accountId,
        runId: t.runId,
        outcome,
        content: plan.content,
        adjustments: plan.adjustments,
        violations: plan.violations,
      };
    }),
  };
}
