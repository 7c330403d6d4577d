import { z } from "zod";
import type { Platform } from "./platforms";

/**
 * Per-target platform options (an object target's `options`), one strict schema per platform, so
 * a misspelt option is a validation error naming the target instead of being silently ignored.
 * Names are camelCase versions of the platform's own parameters.
 */
const httpsUrl = z.url({ protocol: /^https?$/ });

const x = z.strictObject({
  replySettings: z.enum(["following", "mentionedUsers", "subscribers", "verified"]).optional(),
  madeWithAi: z.boolean().optional(),
  paidPartnership: z.boolean().optional(),
});

const threads = z.strictObject({
  replyControl: z
    .enum(["everyone", "accounts_you_follow", "mentioned_only", "parent_post_author_only", "followers_only"])
    .optional(),
  topicTag: z
    .string()
    .min(1)
    .max(50)
    .refine((t) => !/[.&]/.test(t), { message: "must not contain '.' or '&'" })
    .optional(),
  linkAttachment: httpsUrl.optional(),
  altText: z.string().max(1000).optional(),
});

const instagram = z.strictObject({
  /** Reels only: also show the reel in the feed grid (Instagram's default is true). */
  shareToFeed: z.boolean().optional(),
  /** Reels only: publish as a trial reel, shown to non-followers first (same as the top-level trial_reel). */
  trialReel: z.boolean().optional(),
  trialGraduation: z.enum(["MANUAL", "SS_PERFORMANCE"]).optional(),
  coverUrl: httpsUrl.optional(),
  thumbOffsetMs: z.number().int().min(0).optional(),
  altText: z.string().max(1000).optional(),
  collaborators: z.array(z.string().min(1).max(30)).max(3).optional(),
  locationId: z.string().min(1).max(100).optional(),
});

const facebook = z.strictObject({
  /** A link shared with a text post (the feed's `link`). */
  link: httpsUrl.optional(),
  /** Video title. */
  title: z.string().min(1).max(255).optional(),
});

const linkedin = z.strictObject({
  visibility: z.enum(["PUBLIC", "CONNECTIONS", "LOGGED_IN"]).optional(),
  disableReshare: z.boolean().optional(),
  /** Title shown with an uploaded video or image. */
  mediaTitle: z.string().min(1).max(200).optional(),
});

export const TIKTOK_PRIVACY_LEVELS = [
  "PUBLIC_TO_EVERYONE",
  "MUTUAL_FOLLOW_FRIENDS",
  "FOLLOWER_OF_CREATOR",
  "SELF_ONLY",
] as const;

const tiktok = z.strictObject({
  privacyLevel: z.enum(TIKTOK_PRIVACY_LEVELS).optional(),
  disableComment: z.boolean().optional(),
  disableDuet: z.boolean().optional(),
  disableStitch: z.boolean().optional(),
  videoCoverTimestampMs: z.number().int().min(0).optional(),
  brandContentToggle: z.boolean().optional(),
  brandOrganicToggle: z.boolean().optional(),
  isAigc: z.boolean().optional(),
  /** Photo posts: the title (the post's text becomes the description). */
  title: z.string().max(90).optional(),
  photoCoverIndex: z.number().int().min(0).optional(),
  autoAddMusic: z.boolean().optional(),
});

const youtube = z.strictObject({
  /** Defaults to the post's text (which must then fit in 100 characters). */
  title: z.string().min(1).max(100).optional(),
  /** Defaults to the post's text when a title is given. */
  description: z.string().optional(),
  tags: z.array(z.string().min(1).max(100)).max(100).optional(),
  categoryId: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional(),
  privacyStatus: z.enum(["public", "unlisted", "private"]).optional(),
  madeForKids: z.boolean().optional(),
  notifySubscribers: z.boolean().optional(),
  containsSyntheticMedia: z.boolean().optional(),
});

export const SNAPCHAT_POST_TYPES = ["story", "saved_story", "spotlight"] as const;

const snapchat = z.strictObject({
  /** Default: `spotlight` for a video, `story` for an image. */
  type: z.enum(SNAPCHAT_POST_TYPES).optional(),
  locale: z
    .string()
    .regex(/^[a-z]{2}_[A-Z]{2}$/)
    .optional(),
  /** Saved stories: the title (≤ 45 characters; defaults to the text). */
  title: z.string().min(1).max(45).optional(),
});

export const PLATFORM_OPTION_SCHEMAS = {
  x,
  threads,
  instagram,
  facebook,
  linkedin,
  tiktok,
  youtube,
  snapchat,
} as const satisfies Record<Platform, z.ZodType>;

export interface PlatformOptionsMap {
  x: z.infer<typeof x>;
  threads: z.infer<typeof threads>;
  instagram: z.infer<typeof instagram>;
  facebook: z.infer<typeof facebook>;
  linkedin: z.infer<typeof linkedin>;
  tiktok: z.infer<typeof tiktok>;
  youtube: z.infer<typeof youtube>;
  snapchat: z.infer<typeof snapchat>;
}

export type PlatformOptions = PlatformOptionsMap[Platform];
