import type { LengthUnit } from "./text-length";
import type { Platform } from "./platforms";

/**
 * What each platform accepts, from its API documentation (docs/platforms.md names each) and Soku's
 * published matrix (help.mysoku.io). Where sources conflict the stricter documented value is
 * used; media facts (bytes, seconds, aspect) apply once media is probed.
 */
export interface TextRule {
  max: number;
  unit: LengthUnit;
}

export interface MediaFacts {
  imageFormats: readonly string[];
  maxImageBytes: number;
  maxVideoBytes: number;
  videoSeconds: readonly [number, number];
  /** width / height */
  imageAspect?: readonly [number, number];
  videoAspect?: readonly [number, number];
}

export interface PlatformRules {
  /** The caption, post text or commentary. */
  text: TextRule;
  textOnly: boolean;
  /** Most images in one post; 0 when the platform takes no images. */
  maxImages: number;
  video: boolean;
  maxHashtags?: number;
  maxMentions?: number;
  maxLinks?: number;
  maxCashtags?: number;
  /** Text must not contain these characters (YouTube rejects `<` and `>`). */
  forbiddenChars?: string;
  media: MediaFacts;
}

const MB = 1024 * 1024;

export const PLATFORM_RULES: Readonly<Record<Platform, PlatformRules>> = {
  x: {
    text: { max: 280, unit: "x_weighted" },
    textOnly: true,
    maxImages: 4,
    video: true,
    maxCashtags: 1,
    media: {
      imageFormats: ["jpeg", "png", "gif", "webp"],
      maxImageBytes: 5 * MB,
      maxVideoBytes: 512 * MB,
      videoSeconds: [0.5, 140],
      videoAspect: [1 / 3, 3],
    },
  },
  threads: {
    text: { max: 500, unit: "threads_chars" },
    textOnly: true,
    maxImages: 20,
    video: true,
    maxLinks: 5,
    media: {
      imageFormats: ["jpeg", "png"],
      maxImageBytes: 8 * MB,
      maxVideoBytes: 1024 * MB,
      videoSeconds: [0, 300],
      imageAspect: [0.1, 10],
      videoAspect: [0.01, 10],
    },
  },
  instagram: {
    text: { max: 2200, unit: "code_points" },
    textOnly: false,
    maxImages: 10,
    video: true,
    maxHashtags: 30,
    maxMentions: 20,
    media: {
      imageFormats: ["jpeg"],
      maxImageBytes: 8 * MB,
      maxVideoBytes: 300 * MB,
      videoSeconds: [3, 900],
      imageAspect: [4 / 5, 1.91],
      videoAspect: [0.01, 10],
    },
  },
  facebook: {
    text: { max: 5000, unit: "code_points" },
    textOnly: true,
    maxImages: 10,
    video: true,
    media: {
      imageFormats: ["jpeg", "png"],
      maxImageBytes: 4 * MB,
      maxVideoBytes: 1024 * MB,
      videoSeconds: [1, 14_400],
    },
  },
  linkedin: {
    text: { max: 3000, unit: "code_points" },
    textOnly: true,
    maxImages: 20,
    video: true,
    media: {
      imageFormats: ["jpeg", "png", "gif"],
      maxImageBytes: 36 * MB,
      maxVideoBytes: 500 * MB,
      videoSeconds: [3, 1800],
    },
  },
  tiktok: {
    // Video captions; a photo post's text is its description (4,000), see captionRule.
    text: { max: 2200, unit: "utf16" },
    textOnly: false,
    maxImages: 35,
    video: true,
    media: {
      imageFormats: ["jpeg", "webp"],
      maxImageBytes: 20 * MB,
      maxVideoBytes: 4096 * MB,
      videoSeconds: [1, 600],
    },
  },
  youtube: {
    // The title: Soku sends the post's text as the title unless one is given.
    text: { max: 100, unit: "code_points" },
    textOnly: false,
    maxImages: 0,
    video: true,
    forbiddenChars: "<>",
    media: {
      imageFormats: [],
      maxImageBytes: 0,
      maxVideoBytes: 256 * 1024 * MB,
      videoSeconds: [1, 43_200],
    },
  },
  snapchat: {
    // Spotlight description; saved story titles (45) and stories (no text) are handled in captionRule.
    text: { max: 160, unit: "code_points" },
    textOnly: false,
    maxImages: 1,
    video: true,
    media: {
      imageFormats: ["jpeg", "png"],
      maxImageBytes: 20 * MB,
      maxVideoBytes: 1024 * MB,
      videoSeconds: [5, 60],
      videoAspect: [9 / 16 - 0.01, 9 / 16 + 0.01],
    },
  },
};

/** YouTube's description is limited in bytes, not characters. */
export const YOUTUBE_DESCRIPTION_RULE: TextRule = { max: 5000, unit: "utf8_bytes" };
export const YOUTUBE_TAGS_MAX_CHARS = 500;
export const TIKTOK_PHOTO_DESCRIPTION_RULE: TextRule = { max: 4000, unit: "utf16" };
export const SNAPCHAT_SAVED_STORY_TITLE_RULE: TextRule = { max: 45, unit: "code_points" };
