import { z } from "zod";
import { validationError, type FieldIssue } from "./errors";
import { zodIssues } from "./zod-issues";
import { PLATFORM_OPTION_SCHEMAS } from "./platform-options";
import { normalizePlatform, type Platform } from "./platforms";
import type { MediaType, NormalizedPostRequest, RequestedTarget } from "./post-model";
import { SANDBOX_OUTCOMES } from "./sandbox-outcome";
import { checkScheduledTime } from "./scheduled-time";
import { duplicateTargetIssues } from "./targets";

/** Limits that hold whatever the platform; per-platform rules are checked by the adapters. */
export const POST_LIMITS = {
  textMaxChars: 65_536,
  urlMaxChars: 2_048,
  mediaUrlsMax: 35,
  accountIdMaxChars: 200,
  targetsMax: 50,
} as const;

const VIDEO_EXTENSIONS = [".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".mpeg", ".mpg"];

function isHttpUrl(value: string): boolean {
  if (value.length > POST_LIMITS.urlMaxChars) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const httpUrl = z.string().refine(isHttpUrl, {
  message: "must be an absolute http or https URL",
  params: { reason: "invalid_url" },
});

const accountId = z
  .string()
  .min(1)
  .max(POST_LIMITS.accountIdMaxChars)
  // Account ids become Firestore document ids and parts of run ids.
  .refine((id) => !id.includes("/") && id !== "." && id !== ".." && !/^__.*__$/.test(id), {
    message: "is not a valid account id",
    params: { reason: "invalid_value" },
  });

const platformName = z.string().refine((name) => normalizePlatform(name) !== null, {
  message: "is not a supported platform (instagram, tiktok, youtube, facebook, x, threads, linkedin, snapchat)",
  params: { reason: "unsupported_platform" },
});

/** `x: replySettings, madeWithAi, …; threads: …` (the OpenAPI document also names each schema, XOptions …). */
function optionNames(): string {
  return Object.entries(PLATFORM_OPTION_SCHEMAS)
    .map(([p, schema]) => `${p}: ${Object.keys(schema.shape).join(", ")}`)
    .join("; ");
}

const targetObject = z
  .strictObject({
    platform: platformName,
    accountId: accountId.optional(),
    text: z.string().max(POST_LIMITS.textMaxChars).optional().nullable(),
    options: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: `The platform's own options, validated by its schema: ${optionNames()}.` }),
  })
  .superRefine((t, refine) => {
    const platform = normalizePlatform(t.platform);
    if (!platform || t.options === undefined) return;
    const checked = PLATFORM_OPTION_SCHEMAS[platform].safeParse(t.options);
    if (checked.success) return;
    // Reported under the target's options, so zodIssues names e.g. post.content.platform[1].options.privacyLevel.
    for (const issue of checked.error.issues) {
      refine.addIssue({ ...issue, path: ["options", ...issue.path] });
    }
  });

const target = z.union([platformName, targetObject]);

export const contentSchema = z.strictObject({
  text: z.string().max(POST_LIMITS.textMaxChars).optional().nullable(),
  mediaType: z.enum(["text", "image", "video"]).optional().nullable(),
  mediaUrls: z.array(httpUrl).max(POST_LIMITS.mediaUrlsMax).optional().nullable(),
  imageUrls: z.array(httpUrl).max(POST_LIMITS.mediaUrlsMax).optional().nullable(),
  videoUrl: httpUrl.optional().nullable(),
  platform: z.union([target, z.array(target).min(1).max(POST_LIMITS.targetsMax)]),
});

export const bodySchema = z.strictObject({
  post: z.strictObject({ content: contentSchema }),
  scheduledTime: z.string().optional().nullable(),
  trial_reel: z.boolean().optional(),
  strict: z.boolean().optional(),
  enableRepurposing: z.boolean().optional(),
  sandbox: z.strictObject({ outcomes: z.record(z.string().min(1).max(300), z.enum(SANDBOX_OUTCOMES)) }).optional(),
  /** true: stored as a draft, published later by POST /v1/posts/{id}/publish (not part of the stored request). */
  draft: z.boolean().optional(),
});

type ParsedBody = z.infer<typeof bodySchema>;

/** Whether a POST /v1/posts body asks for a draft (`"draft": true`; anything else publishes or schedules). */
export function wantsDraft(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as { draft?: unknown }).draft === true;
}

export interface ParseContext {
  now: Date;
  mode: "live" | "test";
  /**
   * An edit that keeps a post's scheduled time: that time was valid when accepted, so the
   * lead-time rule is not applied to it again.
   */
  keptScheduledTime?: string | null;
}

/**
 * Validates a POST /v1/posts body and normalizes it. Throws a `validation_error` AppError listing
 * every problem found. Target resolution against connected accounts happens later.
 */
export function parsePostRequest(body: unknown, ctx: ParseContext): NormalizedPostRequest {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw validationError(zodIssues(parsed.error, body));
  const issues: FieldIssue[] = [];
  const normalized = normalize(parsed.data, ctx, issues);
  if (issues.length > 0 || normalized === null) throw validationError(issues);
  return normalized;
}

function normalize(body: ParsedBody, ctx: ParseContext, issues: FieldIssue[]): NormalizedPostRequest | null {
  const content = body.post.content;
  const media = inferMedia(content, issues);
  const text = content.text ?? null;
  if (media && media.mediaType === "text" && (text === null || text.trim() === "")) {
    issues.push({
      field: "post.content.text",
      reason: "required",
      message: "The 'text' field is required when mediaType is 'text'.",
    });
  }

  const kept = ctx.keptScheduledTime != null && body.scheduledTime === ctx.keptScheduledTime;
  const scheduled = kept
    ? { iso: ctx.keptScheduledTime ?? null }
    : checkScheduledTime(body.scheduledTime ?? null, ctx.now);
  if (scheduled.issue) issues.push(scheduled.issue);

  if (body.enableRepurposing === true) {
    issues.push({
      field: "enableRepurposing",
      reason: "unsupported",
      message: "enableRepurposing is not supported yet: automations are not available.",
    });
  }
  if (body.sandbox !== undefined && ctx.mode === "live") {
    issues.push({
      field: "sandbox",
      reason: "unsupported",
      message: "sandbox outcomes can only be requested with a sk_test_ key.",
    });
  }

  const rawTargets = Array.isArray(content.platform) ? content.platform : [content.platform];
  const platform: RequestedTarget[] = rawTargets.map((t) =>
    typeof t === "string"
      ? { platform: normalizePlatform(t) as Platform, accountId: null }
      : {
          platform: normalizePlatform(t.platform) as Platform,
          accountId: t.accountId ?? null,
          ...(t.text !== undefined && t.text !== null ? { text: t.text } : {}),
          ...(t.options !== undefined ? { options: t.options } : {}),
        },
  );
  issues.push(...duplicateTargetIssues(platform));

  if (!media || issues.length > 0) return null;
  return {
    post: { content: { text, ...media, platform } },
    scheduledTime: scheduled.iso,
    trial_reel: body.trial_reel ?? false,
    ...(body.strict === false ? { strict: false } : {}),
    sandbox: body.sandbox ? { outcomes: body.sandbox.outcomes } : null,
  };
}

function looksLikeVideo(url: string): boolean {
  const path = new URL(url).pathname.toLowerCase();
  return VIDEO_EXTENSIONS.some((ext) => path.endsWith(ext));
}

interface Media {
  mediaType: MediaType;
  imageUrls: string[];
  videoUrl: string | null;
}

/**
 * Works out the media type from the fields given (videoUrl, imageUrls, then mediaUrls by file
 * extension) and checks it against an explicit mediaType, so contradictions are caught here and
 * not at the platform.
 */
function inferMedia(content: ParsedBody["post"]["content"], issues: FieldIssue[]): Media | null {
  const images = [...(content.imageUrls ?? [])];
  let video = content.videoUrl ?? null;
  const generic = content.mediaUrls ?? [];
  const genericVideos = generic.filter(looksLikeVideo);
  const genericImages = generic.filter((u) => !looksLikeVideo(u));
  const count = issues.length;
  const inconsistent = (field: string, message: string): void => {
    issues.push({ field, reason: "inconsistent", message });
  };

  if (genericVideos.length > 0 && genericImages.length > 0) {
    inconsistent("post.content.mediaUrls", "mediaUrls mixes videos and images; send one video or only images.");
  }
  if (generic.length > 0 && content.mediaType === "video") {
    if (generic.length > 1) inconsistent("post.content.mediaUrls", "A video post takes exactly one video URL.");
    else if (video === null) video = generic[0] ?? null;
  } else if (genericVideos.length === 1 && genericImages.length === 0 && content.mediaType !== "image") {
    if (video !== null)
      inconsistent("post.content.mediaUrls", "Send the video either in videoUrl or in mediaUrls, not both.");
    video = genericVideos[0] ?? null;
  } else if (genericVideos.length > 1) {
    inconsistent("post.content.mediaUrls", "A video post takes exactly one video URL.");
  } else {
    images.push(...generic);
  }

  if (video !== null && images.length > 0) {
    inconsistent("post.content.videoUrl", "A post carries either one video or images, not both.");
  }
  const inferred: MediaType = video !== null ? "video" : images.length > 0 ? "image" : "text";
  const declared = content.mediaType ?? null;
  if (declared === "image" && images.length === 0) {
    issues.push({
      field: "post.content.imageUrls",
      reason: "required",
      message: "An image post needs at least one image URL (imageUrls or mediaUrls).",
    });
  } else if (declared === "video" && video === null) {
    issues.push({
      field: "post.content.videoUrl",
      reason: "required",
      message: "A video post needs a video URL (videoUrl or mediaUrls).",
    });
  } else if (declared !== null && declared !== inferred) {
    inconsistent(
      "post.content.mediaType",
      `mediaType is '${declared}' but the media given make it a '${inferred}' post.`,
    );
  }
  if (issues.length > count) return null;
  return { mediaType: declared ?? inferred, imageUrls: images, videoUrl: video };
}
