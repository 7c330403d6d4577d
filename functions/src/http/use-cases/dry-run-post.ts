import { z } from "zod";
import { PLATFORMS } from "../../domain/platforms";
import type { ApiKeyAuth } from "../caller";
import type { AppDeps } from "../deps";
import { parsePost, preparePost } from "./prepare-post";

const finding = z.object({ rule: z.string(), message: z.string() });

/** What one target would be sent (domain/post-model.ts TargetContent), after adjustments. */
const targetContentSchema = z
  .object({
    platform: z.enum(PLATFORMS),
    text: z.string().nullable().meta({ description: "Caption, post text, commentary or description." }),
    title: z.string().nullable().meta({ description: "YouTube's title, a TikTok photo post's, a saved story's." }),
    mediaType: z.enum(["text", "image", "video"]),
    imageUrls: z.array(z.string()),
    videoUrl: z.string().nullable(),
    options: z.record(z.string(), z.unknown()).meta({ description: "The platform's options, as validated." }),
  })
  .meta({ id: "TargetContent" });

export const dryRunResultSchema = z
  .object({
    dryRun: z.literal(true),
    valid: z.boolean().meta({ description: "No target would be refused." }),
    strict: z.boolean(),
    scheduledTime: z.iso.datetime().nullable(),
    targets: z.array(
      z.object({
        platform: z.enum(PLATFORMS),
        accountId: z.string(),
        runId: z.string(),
        outcome: z.enum(["send", "adjusted", "rejected"]),
        content: targetContentSchema,
        adjustments: z.array(finding),
        violations: z.array(finding),
      }),
    ),
  })
  .meta({ id: "DryRunResult" });

/**
 * POST /v1/posts?dryRun=true: everything a real POST checks, and per target what would be sent,
 * what would be adjusted (with `strict: false`) and what would be refused. Stores nothing and uses
 * no idempotency key.
 */
export async function dryRunPost(
  deps: AppDeps,
  caller: ApiKeyAuth,
  input: { body: unknown },
): Promise<z.input<typeof dryRunResultSchema>> {
  const draft = await parsePost(deps, caller, input);
  const prepared = await preparePost(deps, caller, { draft, convert: false });
  const { request, plan } = prepared.plan();
  const strict = request.strict !== false;
  return {
    dryRun: true as const,
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
