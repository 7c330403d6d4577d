import type { NormalizedPostRequest } from "./post-model";
import { z } from "zod";
import { validationError } from "./errors";
import { zodIssues } from "./zod-issues";
import { parsePostRequest, type ParseContext } from "./post-request";

/**
 * PATCH /v1/posts/{id}: a body shaped like POST's, every part optional. Given fields replace the
 * stored ones; media fields replace the stored media as a whole (so an image post can become a
 * video post); the result is validated exactly like a new post.
 */
export const patchSchema = z.strictObject({
  post: z
    .strictObject({
      content: z
        .strictObject({
          text: z.unknown().optional(),
          mediaType: z.unknown().optional(),
          mediaUrls: z.unknown().optional(),
          imageUrls: z.unknown().optional(),
          videoUrl: z.unknown().optional(),
          platform: z.unknown().optional(),
        })
        .optional(),
    })
    .optional(),
  scheduledTime: z.string().optional(),
  trial_reel: z.unknown().optional(),
  strict: z.unknown().optional(),
  sandbox: z.unknown().optional(),
});

const MEDIA_FIELDS = ["mediaType", "mediaUrls", "imageUrls", "videoUrl"] as const;

/** The stored request as a POST body, so an edit can be validated like a new post. */
export function asPostBody(request: NormalizedPostRequest): Record<string, unknown> {
  const c = request.post.content;
  return {
    post: {
      content: {
        text: c.text,
        mediaType: c.mediaType,
        ...(c.mediaType === "image" ? { imageUrls: c.imageUrls } : {}),
        ...(c.mediaType === "video" ? { videoUrl: c.videoUrl } : {}),
        platform: c.platform.map((t) =>
          t.accountId === null && t.text == null && t.options === undefined
            ? t.platform
            : {
                platform: t.platform,
                ...(t.accountId !== null ? { accountId: t.accountId } : {}),
                ...(t.text != null ? { text: t.text } : {}),
                ...(t.options !== undefined ? { options: t.options } : {}),
              },
        ),
      },
    },
    ...(request.scheduledTime ? { scheduledTime: request.scheduledTime } : {}),
    trial_reel: request.trial_reel,
    ...(request.strict === false ? { strict: false } : {}),
    ...(request.sandbox ? { sandbox: request.sandbox } : {}),
  };
}

export function applyPostEdit(
  current: NormalizedPostRequest,
  patch: unknown,
  ctx: Omit<ParseContext, "keptScheduledTime">,
): NormalizedPostRequest {
  const parsed = patchSchema.safeParse(patch ?? {});
  if (!parsed.success) throw validationError(zodIssues(parsed.error, patch));
  const { post, ...rest } = parsed.data;
  const editContent = post?.content ?? {};
  if (Object.keys(editContent).length + Object.keys(rest).length === 0) {
    throw validationError([
      {
        field: "",
        reason: "empty_edit",
        message: "Nothing to change: send post.content fields, scheduledTime, trial_reel or sandbox.",
      },
    ]);
  }

  const base = asPostBody(current) as { post: { content: Record<string, unknown> } } & Record<string, unknown>;
  const content = { ...base.post.content };
  if (MEDIA_FIELDS.some((f) => f in editContent)) for (const f of MEDIA_FIELDS) delete content[f];
  Object.assign(content, editContent);
  const merged = {
    ...base,
    post: { content },
    ...rest,
  };
  return parsePostRequest(merged, { ...ctx, keptScheduledTime: current.scheduledTime });
}
