import type { KeyMode } from "../domain/api-key";
import type { FieldIssue } from "../domain/errors";
import type { Platform } from "../domain/platforms";
import type { NormalizedPostRequest } from "../domain/post-request";
import type { PublishError } from "../domain/publish-error";
import type { SandboxOutcome } from "../domain/sandbox-outcome";

export type PostContent = NormalizedPostRequest["post"]["content"];

export interface PublishContext {
  postSubmissionId: string;
  runId: string;
  platform: Platform;
  accountId: string;
  userId: string;
  mode: KeyMode;
  /** 1 for the first attempt; counts every claim of the run. */
  attempt: number;
  content: PostContent;
  trialReel: boolean;
  /** Only for sk_test_ submissions. */
  sandboxOutcome: SandboxOutcome;
}

export interface PublishResult {
  platformPostId: string;
  permalink: string | null;
}

/**
 * What the publisher needs of a platform. Real platforms implement it with their APIs; the
 * sandbox implements it for sk_test_ keys.
 */
export interface PlatformAdapter {
  readonly platform: Platform;
  /** Platform rules for this content (text length, media kinds); empty when acceptable. */
  validate(content: PostContent, targetIndex: number): FieldIssue[];
  /** Publishes once. Throws a PublishError (or anything `classifyError` understands). */
  publish(ctx: PublishContext): Promise<PublishResult>;
  /** Turns whatever `publish` threw into the shared taxonomy. */
  classifyError(error: unknown): PublishError;
}
