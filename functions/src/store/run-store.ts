import {
  FieldValue,
  Timestamp,
  type DocumentReference,
  type DocumentSnapshot,
  type Firestore,
  type Transaction,
} from "firebase-admin/firestore";
import { sha256Hex } from "../domain/canonical-json";
import type { Platform } from "../domain/platforms";
import type { RunWait, UploadProgress } from "../domain/run-waiting";
import type { NewEvent } from "../domain/events";
import { runEndedEvent } from "../domain/post-events";
import { isFinalRun, type RunStatus } from "../domain/submission-status";
import { COLLECTIONS } from "./collections";
import type { EventRelay, EventStore } from "./event-store";
import { converters, recordOf, wellFormed, type RunError, type RunRecord, type SubmissionRecord } from "./records";
import { SubmissionStore } from "./submission-store";

export type ClaimResult =
  | { kind: "missing" }
  /** The run is another platform's: the task was not made for this publisher, and nothing was changed. */
  | { kind: "foreign"; platform: Platform }
  | { kind: "final"; status: RunStatus }
  | { kind: "busy"; leaseExpiresAt: Date }
  | { kind: "not_waiting" }
  /** The run had used up its attempts: the claim finished it instead of taking it. */
  | { kind: "exhausted"; outcome: FailedOutcome; attempts: number }
  | { kind: "claimed"; run: RunRecord; submission: SubmissionRecord; lease: Lease };

/**
 * What a delivery holds a run by. `pending`: the claim was read but not written yet (a deferred
 * claim, see `claim`): the run as the claim found it (its update time) and the claim's fields,
 * which the delivery's first write carries, on condition that nobody wrote the run meanwhile.
 */
export interface Lease {
  leaseId: string;
  pending: { readAt: Timestamp; fields: Record<string, unknown>; run: RunRecord } | null;
}

export type FailedOutcome = { status: "failed" | "unknown"; error: RunError };

export type RunOutcome = { status: "succeeded"; platformPostId: string; permalink: string | null } | FailedOutcome;

/** A wait as stored: since when it has lasted (the same reason kept across writes), until when. */
function waitingField(wait: RunWait, since: Timestamp) {
  return {
    reason: wait.reason,
    message: wait.message,
    since,
    until: wait.until ? Timestamp.fromDate(wait.until) : null,
    ...(wait.progress ? { progress: wait.progress } : {}),
  };
}

/** When the run's current wait began, if it is one of the same reason; otherwise now. */
function sinceFor(run: RunRecord, reason: RunWait["reason"], now: Date): Timestamp {
  return run.waiting?.reason === reason ? run.waiting.since : Timestamp.fromDate(now);
}

export interface DeadLetter {
  userId: string;
  attempts: number;
}

type Write = { ref: DocumentReference; data: Record<string, unknown> };

/** How long after a planned check a waiting run counts as lost (the sweeper then re-enqueues it). */
const WAIT_GRACE_MS = 10 * 60_000;

/**
 * How a run whose attempts are used up ends when its next delivery claims it. A pending commit
 * mark means a call that may have published got no recorded outcome, and a run waiting on the
 * platform has handed it something that may become a post: either way only the platform knows, so
 * the run is `unknown`, never `failed` (a caller would post again). Otherwise nothing can have
 * gone out: `failed`.
 */
function exhaustedOutcome(run: RunRecord): FailedOutcome {
  const spent = `gave up after ${run.attempts} attempts (the last delivery ended without recording an outcome: it was killed, ran out of memory or timed out)`;
  if (run.pendingCommit) {
    return {
      status: "unknown",
      error: {
        code: "outcome_unknown",
        message: `A call that may have published got no recorded answer, and the run ${spent}; the platform's state was not checked again.`,
        retryable: false,
      },
    };
  }
  if (run.platformProcessing) {
    const what = run.waiting?.reason === "platform_processing" ? ` (${run.waiting.message})` : "";
    return {
      status: "unknown",
      error: {
        code: "outcome_unknown",
        message: `The platform was processing the post${what} when the run ${spent}.`,
        retryable: false,
      },
    };
  }
  return { status: "failed", error: { code: "transient", message: `The run ${spent}.`, retryable: false } };
}

/**
 * A run's lifecycle as seen by its publisher. The claim is a lease: a second delivery of the same
 * task while the first holds the lease is turned away, and a run that reached a final status is
 * never claimed again, whatever Cloud Tasks redelivers. Every write checks the lease, so a
 * delivery that lost it (it ran past its lease) changes nothing.
 */
export class RunStore {
  private readonly submissions: SubmissionStore;
  private readonly events: EventStore;

  /** `relay`: hands the events of a final outcome to delivery once recorded (absent: the sweeper does). */
  constructor(
    private readonly db: Firestore,
    relay?: EventRelay,
  ) {
    this.submissions = new SubmissionStore(db, relay);
    this.events = this.submissions.events;
  }

  private async readRunAndSubmission(tx: Transaction, id: string, runId: string) {
    const [runSnap, subSnap] = await Promise.all([
      tx.get(this.submissions.runRef(id, runId)),
      tx.get(this.submissions.ref(id)),
    ]);
    return { runSnap, subSnap };
  }

  /**
   * Takes the run for one delivery. A check (`countAttempt: false`) only takes a run that is
   * waiting on the platform; a publish delivery takes a queued run, a waiting one, or one whose
   * holder's lease ran out.
   *
   * A publish delivery that finds the run's attempts used up (`maxAttempts`) finishes it here
   * instead, in the same transaction: deliveries that die (out of memory, timeout, kill) never
   * reach the failure handling that applies the cap, so without this a run that kills its
   * publisher would be retried, and its media fetched again, for ever. A check never counts and
   * is never capped; a check that dies leaves its lease behind, and what recovers the run then is
   * the sweeper's publish task, which counts.
   *
   * `defer`: the claim is decided here but not written; the delivery's first write of the run
   * carries it (`Lease.pending`), only if the run was not written since this read. A delivery that
   * touches nothing outside Firestore before that write (the sandbox; a live text post up to its
   * commit mark) so spends one write where a claim and a mark took two, and loses nothing by it:
   * until that write it has changed nothing anywhere, so a delivery that dies or loses the race
   * leaves the run as it found it.
   */
  async claim(
    id: string,
    runId: string,
    leaseId: string,
    now: Date,
    leaseMs: number,
    options: { countAttempt: boolean; maxAttempts?: number; platform?: Platform; defer?: boolean } = {
      countAttempt: true,
    },
  ): Promise<ClaimResult> {
    let exhaustedWorld: { userId: string; livemode: boolean } | undefined;
    const claimed = await this.events.transaction(async (tx, record): Promise<ClaimResult> => {
      const { runSnap, subSnap } = await this.readRunAndSubmission(tx, id, runId);
      const run = recordOf(runSnap);
      const submission = recordOf(subSnap);
      if (!run || !submission) return { kind: "missing" };
      if (options.platform && run.platform !== options.platform) return { kind: "foreign", platform: run.platform };
      if (isFinalRun(run.status)) return { kind: "final", status: run.status };
      const leaseEnd = run.leaseExpiresAt?.toDate();
      const held = run.status === "processing" && run.leaseId && leaseEnd && leaseEnd > now;
      if (held) return { kind: "busy", leaseExpiresAt: leaseEnd };
      if (!options.countAttempt && !run.platformProcessing) return { kind: "not_waiting" };
      // A run waiting on the platform that its last delivery released is owed a look at what the
      // platform holds (a duplicate or recovered task may find it so); a delivery that died never
      // released anything, so its lease is still on the run and the cap applies.
      const releasedWhileWaiting = Boolean(run.platformProcessing) && !run.leaseId;
      const spent = options.maxAttempts !== undefined && run.attempts >= options.maxAttempts;
      if (options.countAttempt && spent && !releasedWhileWaiting) {
        const outcome = exhaustedOutcome(run);
        const post = { id, userId: submission.userId, mode: submission.mode };
        exhaustedWorld = { userId: post.userId, livemode: post.mode === "live" };
        this.recordFinal(tx, record, { runSnap, run, post }, outcome, {
          userId: submission.userId,
          attempts: run.attempts,
        });
        return { kind: "exhausted", outcome, attempts: run.attempts };
      }

      const attempts = run.attempts + (options.countAttempt ? 1 : 0);
      const leaseExpiresAt = Timestamp.fromMillis(now.getTime() + leaseMs);
      // The wait is over once a delivery has the run, except the platform's processing, which
      // this delivery is about to check.
      const waiting = run.waiting?.reason === "platform_processing" ? run.waiting : null;
      const fields = { status: "processing", attempts, leaseId, leaseExpiresAt, waiting };
      const claimedRun: RunRecord = { ...run, status: "processing", attempts, leaseId, leaseExpiresAt, waiting };
      const readAt = runSnap.updateTime;
      if (options.defer && readAt) {
        return {
          kind: "claimed",
          run: claimedRun,
          submission,
          lease: { leaseId, pending: { readAt, fields, run: claimedRun } },
        };
      }
      tx.update(runSnap.ref.withConverter(null), { ...fields, updatedAt: FieldValue.serverTimestamp() });
      return { kind: "claimed", run: claimedRun, submission, lease: { leaseId, pending: null } };
    });
    if (claimed.kind === "exhausted") await this.submissions.settle(id, exhaustedWorld);
    return claimed;
  }

  /**
   * The run as this delivery holds it, read in `tx`: null when the lease was lost, or (a deferred
   * claim) when the run was written since the claim read it.
   */
  private async held(tx: Transaction, id: string, runId: string, lease: Lease | string) {
    const { leaseId, pending } = typeof lease === "string" ? { leaseId: lease, pending: null } : lease;
    const snap = await tx.get(this.submissions.runRef(id, runId));
    const run = recordOf(snap);
    if (!run) return null;
    if (pending)
      return snap.updateTime?.isEqual(pending.readAt) ? { snap, run: pending.run, claim: pending.fields } : null;
    if (run.status !== "processing" || run.leaseId !== leaseId) return null;
    return { snap, run, claim: {} };
  }

  /** After a write that carried a deferred claim: the lease is now held as any other. */
  private static written(lease: Lease | string): void {
    if (typeof lease !== "string") lease.pending = null;
  }

  /**
   * Writes the run's `change` (its fields; other documents through `tx`) if this delivery still
   * holds its lease, with the claim when it was deferred.
   */
  private async whileHeld(
    id: string,
    runId: string,
    lease: Lease | string,
    change: (tx: Transaction, run: RunRecord) => Record<string, unknown>,
  ): Promise<boolean> {
    const done = await this.db.runTransaction(async (tx) => {
      const held = await this.held(tx, id, runId, lease);
      if (!held) return false;
      const fields = change(tx, held.run);
      tx.update(held.snap.ref.withConverter(null), {
        ...held.claim,
        ...fields,
        updatedAt: FieldValue.serverTimestamp(),
      });
      return true;
    });
    if (done) RunStore.written(lease);
    return done;
  }

  /**
   * Writes a deferred claim now (before the delivery's first call outside Firestore). False when
   * the run was written since the claim read it: another delivery has it, and this one must stop.
   */
  async hold(id: string, runId: string, lease: Lease): Promise<boolean> {
    if (!lease.pending) return true;
    return this.whileHeld(id, runId, lease, () => ({}));
  }

  /**
   * A commit mark that guards no call outside Postcast (a simulated adapter's): kept with the
   * deferred claim, so the delivery's outcome writes both. False when the claim is already written
   * (the mark is then written as any other, `markCommit`).
   */
  static deferMark(lease: Lease, progress: object, mark: { attempt: number; at: Date }): boolean {
    if (!lease.pending) return false;
    const pendingCommit = { attempt: mark.attempt, at: Timestamp.fromDate(mark.at) };
    lease.pending.fields = { ...lease.pending.fields, progress, pendingCommit };
    return true;
  }

  /**
   * Marks the run as about to make a call that may publish, with the progress so far, and (for
   * per-account pacing) counts the publish; a deferred claim is written with it. False when the
   * lease was lost (or the deferred claim overtaken): the call must not happen then.
   */
  async markCommit(
    id: string,
    runId: string,
    lease: Lease | string,
    progress: object,
    mark: { attempt: number; at: Date },
    usage?: Write,
  ): Promise<boolean> {
    return this.whileHeld(id, runId, lease, (tx) => {
      if (usage) tx.set(usage.ref, usage.data);
      return { progress, pendingCommit: { attempt: mark.attempt, at: Timestamp.fromDate(mark.at) } };
    });
  }

  async saveProgress(id: string, runId: string, lease: Lease | string, progress: object): Promise<boolean> {
    return this.whileHeld(id, runId, lease, () => ({ progress }));
  }

  /** The earlier commit was shown not to have published: a new one may be made. */
  async clearCommit(id: string, runId: string, lease: Lease | string): Promise<boolean> {
    return this.whileHeld(id, runId, lease, () => ({ pendingCommit: null }));
  }

  /**
   * The platform accepted the post and is processing it: the lease is released and a check task
   * comes back at `nextCheckAt`, which the run shows as its wait. A lost check is found by the
   * sweeper once the grace has passed. Returns the check's number (its task id), or null when
   * this delivery no longer holds the run.
   */
  async wait(
    id: string,
    runId: string,
    lease: Lease | string,
    progress: object,
    nextCheckAt: Date,
    message: string,
    now: Date,
  ): Promise<number | null> {
    let checks: number | null = null;
    await this.whileHeld(id, runId, lease, (_tx, run) => {
      const since = run.platformProcessing?.since ?? Timestamp.fromDate(now);
      checks = (run.platformProcessing?.checks ?? 0) + 1;
      return {
        progress,
        pendingCommit: null,
        platformProcessing: { since, checks },
        waiting: waitingField({ reason: "platform_processing", message, until: nextCheckAt }, since),
        leaseId: null,
        leaseExpiresAt: Timestamp.fromMillis(nextCheckAt.getTime() + WAIT_GRACE_MS),
      };
    });
    return checks;
  }

  /** How far this delivery's upload got, shown as an `uploading` wait (a write per step, not per chunk). */
  async uploading(
    id: string,
    runId: string,
    lease: Lease | string,
    message: string,
    { sentBytes, totalBytes }: UploadProgress,
    now: Date,
  ): Promise<boolean> {
    return this.whileHeld(id, runId, lease, (_tx, run) => ({
      waiting: waitingField(
        // Only the counts: a caller's report may carry more (its content type).
        { reason: "uploading", message, until: null, progress: { sentBytes, totalBytes } },
        sinceFor(run, "uploading", now),
      ),
    }));
  }

  /**
   * Records a final outcome, with a dead-letter record when the run needs an operator's eye, then
   * settles the submission (its summary and final status once no run is pending). The run's
   * transaction reads and writes the run alone: `post` (the submission's owner and mode, which never
   * change) comes from the claim. Returns false when this delivery no longer holds the lease.
   */
  async finish(
    id: string,
    runId: string,
    lease: Lease | string,
    post: { userId: string; mode: SubmissionRecord["mode"] },
    outcome: RunOutcome,
    deadLetter?: DeadLetter,
  ): Promise<boolean> {
    const world = { userId: post.userId, livemode: post.mode === "live" };
    const done = await this.events.transaction(async (tx, record) => {
      const held = await this.held(tx, id, runId, lease);
      if (!held) return false;
      const read = { runSnap: held.snap, run: held.run, post: { id, ...post } };
      this.recordFinal(tx, record, read, outcome, deadLetter, held.claim);
      return true;
    }, world);
    if (done) RunStore.written(lease);
    if (done) await this.submissions.settle(id, world);
    return done;
  }

  /**
   * The writes of a final outcome: the run, the dead letter, and the run's event. The submission is
   * not written here (SubmissionStore.settle does, once per post).
   */
  private recordFinal(
    tx: Transaction,
    record: (event: NewEvent) => void,
    read: {
      runSnap: DocumentSnapshot<RunRecord>;
      run: RunRecord;
      post: { id: string; userId: string; mode: SubmissionRecord["mode"] };
    },
    outcome: RunOutcome,
    deadLetter?: DeadLetter,
    claim: Record<string, unknown> = {},
  ): void {
    const { runSnap, run, post } = read;
    tx.update(runSnap.ref.withConverter(null), {
      ...claim,
      status: outcome.status,
      platformPostId: outcome.status === "succeeded" ? outcome.platformPostId : null,
      permalink: outcome.status === "succeeded" ? outcome.permalink : null,
      error: outcome.status === "succeeded" ? null : outcome.error,
      pendingCommit: null,
      platformProcessing: null,
      waiting: null,
      leaseId: null,
      leaseExpiresAt: null,
      updatedAt: FieldValue.serverTimestamp(),
      finishedAt: FieldValue.serverTimestamp(),
    });
    const deadLettered = Boolean(deadLetter) && outcome.status !== "succeeded";
    record(runEndedEvent(post, { runId: runSnap.id, ...run }, outcome, deadLettered));
    if (deadLetter && outcome.status !== "succeeded") {
      const id = post.id;
      tx.set(this.db.collection(COLLECTIONS.deadLetters).doc(sha256Hex(`${id}/${runSnap.id}`)), {
        postSubmissionId: id,
        runId: runSnap.id,
        platform: run.platform,
        accountId: run.accountId,
        userId: deadLetter.userId,
        status: outcome.status,
        error: outcome.error,
        attempts: deadLetter.attempts,
        progress: run.progress ?? null,
        createdAt: FieldValue.serverTimestamp(),
      });
    }
  }

  /**
   * A retryable failure, or a deferral: the run goes back to `queued` with the error and what it
   * waits for (`wait`: a retry's backoff, the platform's reset, a pacing slot), and the lease is
   * freed. `clearCommit` when the platform's answer showed nothing was published; `refundAttempt`
   * when the delivery was only deferred (pacing) and did not try.
   */
  async release(
    id: string,
    runId: string,
    lease: Lease | string,
    error: RunError | null,
    wait: RunWait,
    now: Date,
    options: { clearCommit: boolean; refundAttempt?: boolean },
  ): Promise<boolean> {
    return this.whileHeld(id, runId, lease, (_tx, run) => ({
      status: "queued",
      ...(error ? { error } : {}),
      ...(options.clearCommit ? { pendingCommit: null } : {}),
      ...(options.refundAttempt ? { attempts: Math.max(0, run.attempts - 1) } : {}),
      waiting: waitingField(wait, sinceFor(run, wait.reason, now)),
      leaseId: null,
      leaseExpiresAt: null,
    }));
  }

  /** Runs in `status` whose `field` is older than `before`, across submissions (collection group). */
  async stale(
    status: "processing" | "queued",
    field: "leaseExpiresAt" | "updatedAt",
    before: Date,
    limit: number,
  ): Promise<{ id: string; runId: string; run: RunRecord }[]> {
    const snap = await this.db
      .collectionGroup(COLLECTIONS.runs)
      .withConverter(converters.run)
      .where("status", "==", status)
      .where(field, "<", Timestamp.fromDate(before))
      .orderBy(field)
      .limit(limit)
      .get();
    return wellFormed(snap).flatMap(({ id: runId, ref, data }) => {
      const id = ref.parent.parent?.id;
      return id ? [{ id, runId, run: data }] : [];
    });
  }
}
