import { z } from "zod";
import { validationError } from "./errors";
import { zodIssues } from "./zod-issues";
import { asPostBody } from "./post-edit";
import type { NormalizedPostRequest } from "./post-model";
import { parsePostRequest, type ParseContext } from "./post-request";
import { parseZonedIso } from "./scheduled-time";

/**
 * POST /v1/posts/{id}/publish: `scheduledTime` schedules the draft for then, null publishes it at
 * once, and absent keeps the draft's own (none: at once).
 */
export const publishDraftSchema = z.strictObject({
  scheduledTime: z.string().nullable().optional(),
});
export type PublishDraftBody = z.infer<typeof publishDraftSchema>;

export function parsePublishDraft(body: unknown): PublishDraftBody {
  const parsed = publishDraftSchema.safeParse(body ?? {});
  if (!parsed.success) throw validationError(zodIssues(parsed.error, body));
  return parsed.data;
}

/**
 * The draft's request as it publishes, validated exactly like a new post at this moment: a time
 * that was 60 s ahead when the draft was written may no longer be.
 */
export function publishedRequest(
  draft: NormalizedPostRequest,
  body: PublishDraftBody,
  ctx: Omit<ParseContext, "keptScheduledTime">,
): NormalizedPostRequest {
  const scheduledTime = body.scheduledTime === undefined ? draft.scheduledTime : body.scheduledTime;
  return parsePostRequest({ ...asPostBody(draft), scheduledTime }, ctx);
}

/**
 * Whether a publish asks for what an earlier publish of the same draft did (`at`: the time it was
 * published for, null for at once): a repeat that does is answered as the first was.
 */
export function samePublish(body: PublishDraftBody, at: Date | null): boolean {
  if (body.scheduledTime === undefined) return true;
  if (body.scheduledTime === null || at === null) return body.scheduledTime === null && at === null;
  return parseZonedIso(body.scheduledTime)?.getTime() === at.getTime();
}
