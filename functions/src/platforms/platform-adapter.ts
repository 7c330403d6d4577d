import type { TargetContent } from "../domain/post-model";
import type { KeyMode } from "../domain/api-key";
import type { Credentials } from "../domain/credentials";
import type { Platform } from "../domain/platforms";
import type { PublishError } from "../domain/publish-error";
import type { SandboxOutcome } from "../domain/sandbox-outcome";
import type { HttpClient } from "./http-client";
import type { PostMedia } from "./post-media";

/**
 * What a run has recorded of its progress at the platform (container ids, upload sessions,
 * publish ids), so a later delivery continues instead of starting again. JSON values only.
 */
export type Progress = Record<string, string | number | boolean | null | string[]>;

export interface RunIdentity {
  postSubmissionId: string;
  runId: string;
  platform: Platform;
  accountId: string;
  userId: string;
  mode: KeyMode;
  /** 1 for the first attempt; polls of a processing post do not count. */
  attempt: number;
  /** When the run was created: no post older than that can be this run's. */
  createdAt: Date;
}

/** The account's credentials for this delivery, refreshed when near expiry or rejected. */
export interface AuthSession {
  credentials(): Promise<Credentials>;
  /** The platform rejected `used`: refresh (once per delivery) or throw auth_expired. */
  refreshAfterRejection(used: Credentials): Promise<Credentials>;
}

export interface PublishContext {
  run: RunIdentity;
  content: TargetContent;
  /** Only for sk_test_ submissions. */
  sandboxOutcome: SandboxOutcome;
  progress: Progress;
  /**
   * When the commit mark this delivery found was set: an earlier attempt made a call that may have
   * published and its outcome was never recorded. Null when there is none. A post that attempt
   * made cannot have been created before it (less the platforms' clock skew), so reconciliation
   * never takes an older post for it.
   */
  commitMark: Date | null;
  /**
   * Records `progress` and marks the run as about to call the platform in a way that may publish.
   * Every adapter calls it right before that call; a delivery that later finds the mark without an
   * outcome reconciles instead of publishing again.
   */
  commit(progress: Progress): Promise<void>;
  /** Records progress that does not publish anything (an upload offset, a container id). */
  save(progress: Progress): Promise<void>;
  auth: AuthSession;
  http: HttpClient;
  /** The post's media, read from the store (never fetched by URL). */
  media: PostMedia;
  clock: () => Date;
}

export interface Published {
  kind: "published";
  platformPostId: string;
  permalink: string | null;
}

/** The platform is processing; a later task continues from `progress` after `afterSeconds`. */
export interface Waiting {
  kind: "wait";
  progress: Progress;
  afterSeconds: number;
  reason: string;
}

export type StepResult = Published | Waiting;

export type Reconciliation =
  | Published
  | Waiting
  /** The platform shows no trace of the earlier attempt: publishing again is safe. */
  | { kind: "not_published" }
  /** Neither can be shown: the run ends `unknown` with this reason and is not retried. */
  | { kind: "undecidable"; reason: string };

/**
 * One platform's publishing, the same shape for all eight: `step` advances a run from its recorded
 * progress, `reconcile` settles an attempt whose outcome was lost, `refresh` renews credentials and
 * `classifyError` maps the platform's errors onto the shared taxonomy.
 */
export interface PlatformAdapter {
  readonly platform: Platform;
  /**
   * Calls nothing outside Postcast (the sandbox): its commit marks guard no call, so the delivery
   * writes them with its outcome instead of before.
   */
  readonly simulated?: boolean;
  step(ctx: PublishContext): Promise<StepResult>;
  reconcile(ctx: PublishContext): Promise<Reconciliation>;
  /** New credentials through the platform's refresh grant; null when it has none (reconnect). */
  refresh(credentials: Credentials, http: HttpClient): Promise<Credentials | null>;
  classifyError(error: unknown): PublishError;
}
