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
import type { RunRecord, SubmissionRecord } from "../store/records";
import type { RunStore } from "../store/run-store";
import { MAX_PUBLISH_ATTEMPTS, MAX_WAIT_MS, PUBLISH_FUNCTION } from "./queue-options";
import type { TaskEnqueuer } from "./task-enqueuer";
import { taskIds } from "./task-ids";

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
  constructor(readonly until: Date) {
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

  constructor(
    private readonly deps: PublisherDeps,
    private readonly platform: Platform,
    private readonly leaseId: string,
    private readonly run: RunRecord,
    private readonly submission: SubmissionRecord,
    ids: { postSubmissionId: string; runId: string },
    private readonly check: boolean,
  ) {
    this.committed = Boolean(run.pendingCommit);
    this.id = ids.postSubmissionId;
    this.runId = ids.runId;
    this.adapter = deps.adapters.forRun(platform, submission.mode);
    this.progress = { ...((run.progress ?? {}) as Progress) };
    this.account = { userId: submission.userId, platform, accountId: run.accountId };
  }

  async perform(): Promise<void> {
    const ctx = this.context();
    try {
      if (this.run.pendingCommit) {
        const settled = await this.adapter.reconcile(ctx);
        if (settled.kind === "published") return await this.succeed(settled);
        if (settled.kind === "wait") return await this.wait(settled);
        if (settled.kind === "undecidable") return await this.finishUnknown(settled.reason);
        await this.deps.runs.clearCommit(this.id, this.runId, this.leaseId);
        // Shown not to have published: until this delivery commits, a failure leaves nothing open.
        this.committed = false;
      }
      const result = await this.adapter.step(ctx);
      return result.kind === "published" ? await this.succeed(result) : await this.wait(result);
    } catch (error) {
      if (error instanceof PacingDeferral) return this.defer(error.until);
      return this.fail(this.adapter.classifyError(error));
    }
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
      media: this.deps.media(submission),
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
      if (slot) throw new PacingDeferral(slot);
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
    const at = new Date(now.getTime() + result.afterSeconds * 1000);
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

  private async defer(until: Date): Promise<void> {
    await this.deps.runs.release(this.id, this.runId, this.leaseId, null, {
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
        reason: failure.message,
      });
    }
    const runError = {
      code: outcomeLost ? "outcome_unknown" : failure.code,
      message: failure.message,
      retryable: failure.retryable || outcomeLost,
    };
    if (runError.retryable && attempt < MAX_PUBLISH_ATTEMPTS) {
      await this.deps.runs.release(this.id, this.runId, this.leaseId, runError, { clearCommit: !outcomeLost });
      logs.runRetry(this.id, this.runId, runError.code, attempt);
      if (failure.retryAfterSeconds !== null || this.check) {
        // The platform said when to come back: a task scheduled for then honours it exactly,
        // where Cloud Tasks' own backoff would not. A check delivery hands over to a publish
        // task, so the new try counts as an attempt and the attempt cap bounds it.
        const after = failure.retryAfterSeconds ?? CHECK_BACKOFF_SECONDS;
        return this.enqueueRetry(new Date(this.deps.clock().getTime() + after * 1000), String(attempt));
      }
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

  private async enqueueRetry(at: Date, tag: string): Promise<void> {
    await this.deps.enqueuer.enqueue(
      PUBLISH_FUNCTION[this.platform],
      { postSubmissionId: this.id, runId: this.runId },
      { taskId: taskIds.retry(this.id, this.runId, `${tag}-${at.getTime()}`), scheduleTime: at },
    );
  }
}
