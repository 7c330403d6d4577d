import type { AccountRef } from "../domain/account-ref";
import type { NormalizedPostRequest, TargetContent } from "../domain/post-model";
import type { Platform } from "../domain/platforms";
import { PUBLISH_CAPS, type PublishCap } from "../domain/publish-caps";
import { PublishError } from "../domain/publish-error";
import { planTarget, targetInput } from "../domain/target-plan";
import { logs } from "../logs";
import { StoredAuthSession } from "../platforms/auth-session";
import type { AuthSession, PlatformAdapter, Progress, PublishContext } from "../platforms/platform-adapter";
import { HttpClient, type HttpRequest, type HttpResponse } from "../platforms/http-client";
import type { PostMedia } from "../platforms/post-media";
import type { RunRecord, SubmissionRecord } from "../store/records";
import { RunStore, type Lease } from "../store/run-store";
import type { PublisherDeps } from "./deps";
import { dispatch } from "./dispatch";
import { nextAfter, type AttemptOutcome, type AttemptState, type NextStep } from "./next-after";
import { runWaits } from "./run-waits";
import type { RunTask } from "./task-types";
import { reportingUploads, type UploadReport } from "./upload-progress";

/** Thrown to make Cloud Tasks deliver the task again later, with its backoff. */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetryLaterError";
  }
}

/** The run was written by another delivery between this one's claim and its first write. */
class ClaimLost extends Error {
  constructor(id: string, runId: string) {
    super(`run ${id}/${runId} was taken by another delivery before this one wrote its claim`);
    this.name = "ClaimLost";
  }
}

/** An HttpClient whose every call waits for `before` (the delivery's claim written) first. */
class HeldHttp extends HttpClient {
  constructor(
    private readonly inner: HttpClient,
    private readonly before: () => Promise<void>,
  ) {
    super();
  }

  override async send(request: HttpRequest): Promise<HttpResponse> {
    await this.before();
    return this.inner.send(request);
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

/**
 * One delivery of a publish (or check) task that claimed its run: reconcile an earlier attempt
 * whose outcome was lost, advance the run through its adapter, and carry out what `nextAfter`
 * decides from the outcome (the writes, the next task, or a throw for Cloud Tasks' backoff).
 */
export class Delivery {
  /** A call that may have published was made, in this delivery or in one whose outcome was lost. */
  private committed: boolean;
  private readonly adapter: PlatformAdapter;
  private readonly id: string;
  private readonly runId: string;
  private readonly runTask: RunTask;
  private readonly progress: Progress;
  private readonly account: AccountRef;
  private readonly check: boolean;
  /** Cloud Tasks' retry count of the task being delivered (0 on its first delivery). */
  private readonly retryCount: number;
  /** The upload progress last written, and the one waiting to be (only the latest is kept). */
  private uploadWrite: Promise<void> = Promise.resolve();
  private nextUpload: UploadReport | null = null;
  /** The deferred claim's write, once something outside Firestore needed it. */
  private claimWrite: Promise<void> | null = null;
  private claimLost = false;
  /** The platform calls and media reads of this delivery: each waits for the claim to be written. */
  private readonly http: HttpClient;
  private readonly media: PostMedia;

  constructor(
    private readonly deps: PublisherDeps,
    private readonly platform: Platform,
    private readonly lease: Lease,
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
    this.runTask = { ...ids, platform };
    this.adapter = deps.adapters.forRun(platform, submission.mode);
    this.progress = { ...((run.progress ?? {}) as Progress) };
    this.account = { userId: submission.userId, platform, accountId: run.accountId };
    this.http = new HeldHttp(deps.http, () => this.held());
    const media = deps.media(submission);
    this.media = {
      open: async (url) => {
        await this.held();
        return media.open(url);
      },
    };
  }

  /**
   * Writes the deferred claim (once) before anything leaves Postcast: a platform call, a media
   * read. From then on the run is held as by a claim written up front, and a delivery that dies
   * has spent its attempt (the crash-loop cap counts it).
   */
  private held(): Promise<void> {
    this.claimWrite ??= this.deps.runs.hold(this.id, this.runId, this.lease).then((held) => {
      if (held) return;
      this.claimLost = true;
      throw new ClaimLost(this.id, this.runId);
    });
    return this.claimWrite;
  }

  async perform(): Promise<void> {
    // Upload progress is written while the bytes stream (showUpload); those writes need the
    // lease, so one landing after the outcome's changes nothing, and each is waited for before
    // a failure is handled and before the delivery ends. A failure while recording the attempt's
    // outcome is handled as the attempt's failure.
    try {
      await this.carryOut(await this.advance(this.context()));
    } catch (error) {
      await this.uploadsShown();
      // Another delivery has the run, and this one did nothing yet: as a claim finding it held.
      if (this.claimLost) {
        if (this.check) return;
        throw new RetryLaterError(`run ${this.id}/${this.runId} is held by another delivery`);
      }
      const outcome: AttemptOutcome =
        error instanceof PacingDeferral
          ? { kind: "paced", cap: error.cap, until: error.until }
          : { kind: "failed", error: this.adapter.classifyError(error) };
      return await this.carryOut(outcome);
    } finally {
      await this.uploadsShown();
    }
  }

  private async advance(ctx: PublishContext): Promise<AttemptOutcome> {
    if (this.run.pendingCommit) {
      const settled = await this.adapter.reconcile(ctx);
      if (settled.kind !== "not_published") return settled;
      await this.deps.runs.clearCommit(this.id, this.runId, this.lease);
      // Shown not to have published: until this delivery commits, a failure leaves nothing open.
      this.committed = false;
    }
    return this.adapter.step(ctx);
  }

  private state(): AttemptState {
    return {
      platform: this.platform,
      mode: this.submission.mode,
      attempts: this.run.attempts,
      committed: this.committed,
      check: this.check,
      retryCount: this.retryCount,
      processingSince: this.run.platformProcessing?.since.toDate() ?? null,
      progress: this.progress,
      pollScale: this.deps.pollScale?.() ?? 1,
      now: this.deps.clock(),
    };
  }

  /** Decides what follows `outcome` and does it. */
  private async carryOut(outcome: AttemptOutcome): Promise<void> {
    const state = this.state();
    const step = nextAfter(outcome, state);
    if (step.needsReauth !== undefined) await this.deps.accounts.needsReauth(this.account, step.needsReauth);
    await this.take(step, state.now);
  }

  private async take(step: NextStep, now: Date): Promise<void> {
    const { id, runId, lease } = this;
    const runs = this.deps.runs;
    switch (step.kind) {
      case "succeed": {
        const { platformPostId, permalink } = step;
        await runs.finish(id, runId, lease, this.post(), { status: "succeeded", platformPostId, permalink });
        return logs.runFinished(id, runId, "succeeded");
      }
      case "check": {
        const checks = await runs.wait(id, runId, lease, step.progress, step.at, step.wait.message, now);
        if (checks !== null) await dispatch(this.deps.enqueuer).publish(this.runTask, { at: step.at, check: checks });
        return;
      }
      case "pace":
        await runs.release(id, runId, lease, null, step.wait, now, {
          clearCommit: false,
          refundAttempt: step.refundAttempt,
        });
        logs.runDeferred(id, runId, step.at);
        await dispatch(this.deps.enqueuer).retry(this.runTask, step.at, "paced");
        return;
      case "retry":
      case "reconcile":
        await runs.release(id, runId, lease, step.error, step.wait, now, { clearCommit: step.kind === "retry" });
        logs.runRetry(id, runId, step.error.code, this.run.attempts);
        if (step.tag !== null) {
          await dispatch(this.deps.enqueuer).retry(this.runTask, step.at, step.tag);
          return;
        }
        throw new RetryLaterError(`${step.error.code}: ${step.error.message}`);
      case "give_up": {
        const { status, error } = step;
        const deadLetter = step.deadLetter
          ? { userId: this.submission.userId, attempts: this.run.attempts }
          : undefined;
        await runs.finish(id, runId, lease, this.post(), { status, error }, deadLetter);
        return logs.runFinished(id, runId, status, error.code);
      }
    }
  }

  private post() {
    return { userId: this.submission.userId, mode: this.submission.mode };
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
        .uploading(this.id, this.runId, this.lease, wait.message, next, this.deps.clock())
        .catch((error: unknown) => logs.progressNotShown(this.id, this.runId, error));
    });
  }

  private async uploadsShown(): Promise<void> {
    await this.uploadWrite;
  }

  private context(): PublishContext {
    const { run, submission } = this;
    const request = submission.request;
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
        await this.deps.runs.saveProgress(this.id, this.runId, this.lease, this.progress);
      },
      auth: this.auth(),
      http: this.http,
      media: reportingUploads(this.media, (report) => this.showUpload(report)),
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
      this.http,
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
    const mark = { attempt: this.run.attempts, at: now };
    // A simulated adapter's mark guards no call: it goes with the outcome's write. Otherwise the
    // mark is written (with the deferred claim, when no call came before it) before the call.
    if (!(this.adapter.simulated && RunStore.deferMark(this.lease, { ...this.progress }, mark))) {
      const usage = cap ? this.deps.usage.entry(this.account, `${this.id}/${this.runId}`, cap, now) : undefined;
      const claiming = this.lease.pending !== null;
      if (!(await this.deps.runs.markCommit(this.id, this.runId, this.lease, this.progress, mark, usage))) {
        this.claimLost = claiming;
        throw claiming
          ? new ClaimLost(this.id, this.runId)
          : new Error(`run ${this.id}/${this.runId} lease lost before publishing`);
      }
    }
    this.committed = true;
  }
}
