/**
 * The post model shared by validation, planning, the stores and the publishers: types only, so
 * every module can import it without importing behaviour (and without import circles).
 */
import type { Platform } from "./platforms";
import type { SandboxOutcome } from "./sandbox-outcome";

export type MediaType = "text" | "image" | "video";

/**
 * A target as the caller wrote it, platform normalized; accountId null for a string target. `text`
 * null means the post's text; `options` are the platform's own, validated by its schema.
 */
export interface RequestedTarget {
  platform: Platform;
  accountId: string | null;
  text?: string | null;
  options?: Record<string, unknown>;
}

/** The request after validation: the shape stored as `postSubmissions/{id}.request`. */
export interface NormalizedPostRequest {
  post: {
    content: {
      text: string | null;
      mediaType: MediaType;
      imageUrls: string[];
      videoUrl: string | null;
      platform: RequestedTarget[];
    };
  };
  scheduledTime: string | null;
  trial_reel: boolean;
  /** false: content that breaks a platform's rules is adjusted (and the change recorded) instead of refused. */
  strict?: boolean;
  sandbox: { outcomes: Record<string, SandboxOutcome> } | null;
}

/**
 * A platform rule applied to a target's content: as an adjustment, the change made to fit it
 * (`strict: false`, recorded on the run); as a violation, the rule the content breaks (with
 * `strict: true`, the default, any violation refuses the post).
 */
export interface RuleFinding {
  rule: string;
  message: string;
}

/** What Postcast probed of a stored media file (users/{uid}/media/{id}). */
export interface KnownMedia {
  kind: "image" | "video";
  /** jpeg, png, gif, webp for images; the container's type for videos. */
  format: string;
  size: number;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
}

/** What is sent to one platform, after its rules (and, with `strict: false`, its adjustments). */
export interface TargetContent {
  platform: Platform;
  /** Caption, post text, commentary or description, as the platform calls it. */
  text: string | null;
  /** YouTube's title, a TikTok photo post's title, a Snapchat saved story's title. */
  title: string | null;
  mediaType: MediaType;
  imageUrls: string[];
  videoUrl: string | null;
  options: Record<string, unknown>;
}

export interface TargetPlan {
  content: TargetContent;
  adjustments: RuleFinding[];
  violations: RuleFinding[];
}

export type AccountStatus = "active" | "needs_reauth" | "disconnected";

export interface ConnectedAccount {
  accountId: string;
  status: AccountStatus;
}

/** One account a submission publishes to; `runId` names its run document. */
export interface ResolvedTarget {
  platform: Platform;
  accountId: string;
  runId: string;
  /** Changes made to fit the platform's rules (`strict: false`). */
  adjustments?: RuleFinding[];
}
