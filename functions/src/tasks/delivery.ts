import type { Platform } from "../domain/platforms";
import type { NormalizedPostRequest } from "../domain/post-request";
import { PUBLISH_CAPS, type PublishCap } from "../domain/publish-caps";
import { PublishError } from "../domain/publish-error";
import { planTarget, targetInput, type TargetContent } from "../domain/target-plan";
import { logs } from "../logs";
import { StoredAuthSession } from "../platforms/auth-session";
import type { HttpClient } from "../platforms/http-client";
import type { Owner } from "../domain/owner";
import type { OAuthProvider } from "../platforms/oauth-provider";
import type { PostMedia } from "../platforms/post-media";
import type {
  AuthSession,
  PlatformAdapter,
  Progress,
  PublishContext,
  Published,
  Waiting,
} from "../platforms/platform-adapter";
import type { AdapterRegistry } from "../platforms/registry";
import type { AccountStanding } from "../store/account-standing";
import type { AccountUsageStore } from "../store/account-usage-store";
import type { AccountRef, CredentialStore } from "../store/credential-store";
import type { RunError, RunRecord, SubmissionRecord } from "../store/records";
import type { RunStore } from "../store/run-store";
import {
  MAX_PUBLISH_ATTEMPTS,
  MAX_WAIT_MS,
  PUBLISH_FUNCTION,
  PUBLISH_RETRY,
  cloudTasksBackoffSeconds,
} from "./queue-options";
import { runWaits } from "./run-waits";
import type { TaskEnqueuer } from "./task-enqueuer";
import { taskIds } from "./task-ids";
import { reportingUploads, type UploadReport } from "./upload-progress";

export interface PublisherDeps {
  runs: RunStore;
  adapters: AdapterRegistry;
  enqueuer: TaskEnqueuer;
  clock: () => Date;
  credentials: CredentialStore;
  accounts: AccountStanding;
  usage: AccountUsageStore;
  http: HttpClient;
  /** Each platform's OAuth, to revoke what a refresh obtained after the account was disconnected. */
  oauthProvider: (platform: Platform) => OAuthProvider;
  /** The stored media of a user's post, for the adapters that upload bytes. */
  media: (owner: Owner) => PostMedia;
  caps?: Readonly<Record<Platform, PublishCap | null>>;
  /**
   * Multiplies the platforms' poll intervals (1 in production: what each platform advises). The
   * local stack polls its fakes sooner (config/platform-settings.ts, demo- projects only).
   */
  pollScale?: () => number;
}

/** Thrown to make Cloud Tasks deliver the task again later, with its backoff. */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetryLaterError";
  }
}

/** The account's posting cap is reached: come back at `until`, without spending an attempt. */
class PacingDeferral extends Error {
  constructor(
    readonly cap: PublishCap,
    readonly until: Date,
  ) {
    super(`posting cap reached; deferred until ${until.toISOString()}`);
  }
}

/** Check deliveries that fail transiently come back after this long. */
const CHECK_BACKOFF_SECONDS = 60;

/**
 * One delivery of a publish (or check) task that claimed its run: reconcile an earlier attempt
 * whose outcome was lost, advance the run through its adapter, and record what happened.
 */
export class Delivery {
  /** A call that may have published was made, in this delivery or in one whose outcome was lost. */
  private committed: boolean;
  private readonly adapter: PlatformAdapter;
  private readonly id: string;
  private readonly runId: string;
  private readonly progress: Progress;
  private readonly account: AccountRef;
  private readonly check: boolean;
  /** Cloud Tasks' retry count of the task being delivered (0 on its first delivery). */
  private readonly retryCount: number;
  /** The upload progress last written, and the one waiting to be (only the latest is kept). */
  private uploadWrite: Promise<void> = Promise.resolve();
  private nextUpload: UploadReport | null = null;

  constructor(
    private readonly deps: PublisherDeps,
    private readonly platform: Platform,
    private readonly leaseId: string,
    private readonly run: RunRecord,
    private readonly submission: SubmissionRecord,
    ids: { postSubmissionId: string; runId: string },
    task: { check: boolean; retryCount: number },
  ) {
    this.check = task.check;
    this.retryCount = task.retryCount;
    this.committed = Boolean(run.pendingCommit);
    this.id = ids.postSubmissionId;
    this.runId = ids.runId;
    this.adapter = deps.adapters.forRun(platform, submission.mode);
    this.progress = { ...((run.progress ?? {}) as Progress) };
    this.account = { userId: submission.userId, platform, accountId: run.accountId };
  }

  async perform(): Promise<void> {
    // Upload progress is written while the bytes stream (showUpload); those writes need the
    // lease, so one landing after the outcome's changes nothing, and each is waited for before
    // a failure is handled and before the delivery ends.
    try {
      await this.advance(this.context());
    } catch (error) {
      await this.uploadsShown();
      if (error instanceof PacingDeferral) return await this.defer(error.cap, error.until);
      return await this.fail(this.adapter.classifyError(error));
    } finally {
      await this.uploadsShown();
    }
  }

  private async advance(ctx: PublishContext): Promise<void> {
    if (this.run.pendingCommit) {
      const settled = await this.adapter.reconcile(ctx);
      if (settled.kind === "published") return this.succeed(settled);
      if (settled.kind === "wait") return this.wait(settled);
      if (settled.kind === "undecidable") return this.finishUnknown(settled.reason);
      await this.deps.runs.clearCommit(this.id, this.runId, this.leaseId);
      // Shown not to have published: until this delivery commits, a failure leaves nothing open.
      this.committed = false;
    }
    const result = await this.adapter.step(ctx);
    return result.kind === "published" ? this.succeed(result) : this.wait(result);
  }

  /**
   * Shows how far the upload got, as the run's `uploading` wait. Writes are made one at a time,
   * and a report arriving while one is under way replaces any still waiting: the run shows the
   * latest, and a fast upload costs no more writes than a slow one. A write that fails only
   * leaves the display behind.
   */
  private showUpload(report: UploadReport): void {
    const alreadyQueued = this.nextUpload !== null;
    this.nextUpload = report;
    if (alreadyQueued) return;
    this.uploadWrite = this.uploadWrite.then(async () => {
      const next = this.nextUpload;
      this.nextUpload = null;
      if (!next) return;
      const wait = runWaits.uploading(this.platform, next.contentType, next);
      await this.deps.runs
        .uploading(this.id, this.runId, this.leaseId, wait.message, next, this.deps.clock())
        .catch((error: unknown) => logs.progressNotShown(this.id, this.runId, error));
    });
  }

  private async uploadsShown(): Promise<void> {
    await this.uploadWrite;
  }

  private context(): PublishContext {
    const { run, submission } = this;
    const request = submission.request as unknown as NormalizedPostRequest;
    return {
      run: {
        postSubmissionId: this.id,
        runId: this.runId,
        platform: this.platform,
        accountId: run.accountId,
        userId: submission.userId,
        mode: submission.mode,
        attempt: run.attempts,
        createdAt: run.createdAt.toDate(),
      },
      content: this.content(request),
      sandboxOutcome: request.sandbox?.outcomes[this.runId] ?? request.sandbox?.outcomes[this.platform] ?? "succeed",
      progress: this.progress,
      commitMark: run.pendingCommit?.at.toDate() ?? null,
      commit: (progress) => this.commit(progress),
      save: async (progress) => {
        Object.assign(this.progress, progress);
        await this.deps.runs.saveProgress(this.id, this.runId, this.leaseId, this.progress);
      },
      auth: this.auth(),
      http: this.deps.http,
      media: reportingUploads(this.deps.media(submission), (report) => this.showUpload(report)),
      clock: this.deps.clock,
    };
  }

  /** The content as planned at create time: the same rules, so the same adjustments. */
  private content(request: NormalizedPostRequest): TargetContent {
    const index = this.submission.targets.findIndex((t) => t.runId === this.runId);
    const requested = request.post.content.platform[index] ?? { platform: this.platform, accountId: null };
    return planTarget(targetInput(request, requested), request.strict !== false).content;
  }

  private auth(): AuthSession {
    if (this.submission.mode === "test") {
      // The sandbox never calls a platform, so it never needs (or reads) credentials.
      const none = () => Promise.reject(new PublishError("auth_expired", "The sandbox has no credentials."));
      return { credentials: none, refreshAfterRejection: none };
    }
    return new StoredAuthSession(
      this.deps.credentials,
      this.account,
      this.adapter,
      this.deps.oauthProvider(this.platform),
      this.deps.http,
      this.deps.clock,
    );
  }

  private async commit(progress: Progress): Promise<void> {
    const cap = this.submission.mode === "live" ? (this.deps.caps ?? PUBLISH_CAPS)[this.platform] : null;
    const now = this.deps.clock();
    if (cap) {
      const slot = await this.deps.usage.nextSlot(this.account, cap, now);
      if (slot) throw new PacingDeferral(cap, slot);
    }
    Object.assign(this.progress, progress);
    const usage = cap ? this.deps.usage.entry(this.account, `${this.id}/${this.runId}`, cap, now) : undefined;
    await this.deps.runs.markCommit(
      this.id,
      this.runId,
      this.leaseId,
      this.progress,
      { attempt: this.run.attempts, at: now },
      usage,
    );
    this.committed = true;
  }

  private async succeed(result: Published): Promise<void> {
    const { platformPostId, permalink } = result;
    await this.deps.runs.finish(this.id, this.runId, this.leaseId, { status: "succeeded", platformPostId, permalink });
    logs.runFinished(this.id, this.runId, "succeeded");
  }

  private async wait(result: Waiting): Promise<void> {
    const now = this.deps.clock();
    const since = this.run.waiting?.since.toMillis() ?? now.getTime();
    if (now.getTime() - since > MAX_WAIT_MS) {
      return this.finishUnknown(
        `${this.platform} was still processing the post after ${MAX_WAIT_MS / 3600_000} hours (${result.reason}).`,
      );
    }
    const at = new Date(now.getTime() + result.afterSeconds * 1000 * (this.deps.pollScale?.() ?? 1));
    const checks = await this.deps.runs.wait(
      this.id,
      this.runId,
      this.leaseId,
      result.progress,
      at,
      result.reason,
      now,
    );
    if (checks === null) return;
    await this.deps.enqueuer.enqueue(
      PUBLISH_FUNCTION[this.platform],
      { postSubmissionId: this.id, runId: this.runId, check: true },
      { taskId: taskIds.check(this.id, this.runId, checks), scheduleTime: at },
    );
  }

  private async defer(cap: PublishCap, until: Date): Promise<void> {
    const wait = runWaits.pacing(this.platform, cap, until);
    await this.deps.runs.release(this.id, this.runId, this.leaseId, null, wait, this.deps.clock(), {
      clearCommit: false,
      refundAttempt: !this.check,
    });
    logs.runDeferred(this.id, this.runId, until);
    await this.enqueueRetry(until, "paced");
  }

  private async finishUnknown(reason: string): Promise<void> {
    const error = { code: "outcome_unknown", message: reason, retryable: false };
    await this.deps.runs.finish(this.id, this.runId, this.leaseId, { status: "unknown", error }, this.deadLetter());
    logs.runFinished(this.id, this.runId, "unknown", "outcome_unknown");
  }

  private deadLetter() {
    return { userId: this.submission.userId, attempts: this.run.attempts };
  }

  private async fail(failure: PublishError): Promise<void> {
    const attempt = this.run.attempts;
    if (failure.code === "auth_expired" && this.submission.mode === "live") {
      await this.deps.accounts.needsReauth(this.account, failure.message);
    }
    // After a call that may have published, a failure that is not the platform's refusal of that
    // call (no answer, a timeout, a 5xx) leaves the outcome open: only the platform's state can
    // tell, so the commit mark must survive until a later delivery reconciles, and running out of
    // attempts ends `unknown`, never `failed`. An explicit refusal (a 4xx, a 429) published
    // nothing: the mark goes and the retry publishes without reconciling.
    const outcomeLost = this.committed && !failure.refused && (failure.retryable || failure.code === "outcome_unknown");
    if (this.check && failure.retryable && !outcomeLost && !failure.startsOver) {
      // A failed poll costs no attempt: the platform is still working on what was sent.
      return this.wait({
        kind: "wait",
        progress: this.progress,
        afterSeconds: failure.retryAfterSeconds ?? CHECK_BACKOFF_SECONDS,
        reason: `The last check failed and is repeated: ${failure.message}`,
      });
    }
    const runError = {
      code: outcomeLost ? "outcome_unknown" : failure.code,
      message: failure.message,
      retryable: failure.retryable || outcomeLost,
    };
    if (runError.retryable && attempt < MAX_PUBLISH_ATTEMPTS) {
      // The platform said when to come back: a task scheduled for then honours it exactly, where
      // Cloud Tasks' own backoff would not. A check delivery hands over to a publish task, so the
      // new try counts as an attempt and the attempt cap bounds it. Otherwise Cloud Tasks
      // redelivers this task with its queue's backoff, which the run shows as an estimate.
      const scheduled = failure.retryAfterSeconds !== null || this.check;
      const now = this.deps.clock();
      const after = scheduled
        ? (failure.retryAfterSeconds ?? CHECK_BACKOFF_SECONDS)
        : cloudTasksBackoffSeconds(PUBLISH_RETRY, this.retryCount + 1);
      const until = new Date(now.getTime() + after * 1000);
      await this.release(runError, until, !outcomeLost);
      logs.runRetry(this.id, this.runId, runError.code, attempt);
      if (scheduled) return this.enqueueRetry(until, String(attempt));
      throw new RetryLaterError(`${runError.code}: ${failure.message}`);
    }
    if (outcomeLost) {
      return this.finishUnknown(
        `${failure.message} (no answer after ${attempt} attempts; the platform's state could not be checked)`,
      );
    }
    const exhausted = runError.retryable;
    const message = exhausted ? `${failure.message} (gave up after ${attempt} attempts)` : failure.message;
    await this.deps.runs.finish(
      this.id,
      this.runId,
      this.leaseId,
      { status: "failed", error: { ...runError, message, retryable: false } },
      exhausted ? this.deadLetter() : undefined,
    );
    logs.runFinished(this.id, this.runId, "failed", failure.code);
  }

  private async release(error: RunError, until: Date, clearCommit: boolean): Promise<void> {
    const wait = runWaits.retry(error, this.run.attempts, until);
    await this.deps.runs.release(this.id, this.runId, this.leaseId, error, wait, this.deps.clock(), { clearCommit });
  }

  private async enqueueRetry(at: Date, tag: string): Promise<void> {
    await this.deps.enqueuer.enqueue(
      PUBLISH_FUNCTION[this.platform],
      { postSubmissionId: this.id, runId: this.runId },
      { taskId: taskIds.retry(this.id, this.runId, `${tag}-${at.getTime()}`), scheduleTime: at },
    );
  }
}
