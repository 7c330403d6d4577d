import type { AccountRef } from "../domain/account-ref";
import type { NormalizedPostRequest, ResolvedTarget } from "../domain/post-model";
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import type { AccountIssue } from "../domain/account-issues";
import type { KeyMode } from "../domain/api-key";
import type { IdempotencyIdentity } from "../domain/idempotency";
import { IDEMPOTENCY_TTL_MS } from "../domain/idempotency";
import {
  canOrchestrate,
  initialSummary,
  isFinalRun,
  isFinalSubmission,
  runsInFlight,
  statusForSummary,
  summaryAfterRun,
  summaryOfRuns,
  type RunStatus,
  type SubmissionStatus,
  type Summary,
} from "../domain/submission-status";
import { postCompletedEvent, postScheduledEvent, runEndedEvent } from "../domain/post-events";
import { COLLECTIONS } from "./collections";
import { EventStore, type EventRelay } from "./event-store";
import { GRPC, grpcCode } from "./grpc-status";
import {
  converters,
  recordOf,
  wellFormed,
  type IdempotencyRecord,
  type RunError,
  type RunRecord,
  type SubmissionRecord,
} from "./records";

function sameSummary(a: Summary, b: Summary): boolean {
  return (
    a.total === b.total &&
    a.succeeded === b.succeeded &&
    a.failed === b.failed &&
    a.pending === b.pending &&
    (a.canceled ?? 0) === (b.canceled ?? 0)
  );
}

export interface NewSubmission {
  id: string;
  userId: string;
  keyHash: string;
  mode: KeyMode;
  request: NormalizedPostRequest;
  targets: ResolvedTarget[];
  scheduledTime: Date | null;
  requestId: string;
  /** Beyond Cloud Tasks' horizon: no task now, the sweeper hands it over later. */
  deferred: boolean;
  /** The user's stored media the post uses (media/own-media.ts), kept until it has published. */
  mediaIds: string[];
  /** A draft: no targets resolved yet, nothing scheduled, no event until it is published. */
  draft?: boolean;
}

export type CreateResult = { created: true } | { created: false; existing: IdempotencyRecord; updateTime: Timestamp };

export type BeginOrchestration =
  | { kind: "missing" }
  | { kind: "done"; status: SubmissionStatus }
  | { kind: "early"; scheduledTime: Date }
  | { kind: "ready"; submission: SubmissionRecord };

/** Submissions and their idempotency records. All status changes are transactions. */
export class SubmissionStore {
  /** The outbox the submission's changes record their events in. */
  readonly events: EventStore;

  /** `relay`: hands recorded events to delivery after their commit (absent: the sweeper does). */
  constructor(
    private readonly db: Firestore,
    relay?: EventRelay,
  ) {
    this.events = new EventStore(db, relay);
  }

  ref(id: string): DocumentReference<SubmissionRecord> {
    return this.db.collection(COLLECTIONS.postSubmissions).withConverter(converters.submission).doc(id);
  }

  runRef(id: string, runId: string): DocumentReference<RunRecord> {
    return this.db
      .collection(COLLECTIONS.postSubmissions)
      .doc(id)
      .collection(COLLECTIONS.runs)
      .withConverter(converters.run)
      .doc(runId);
  }

  idempotencyRef(uid: string, recordId: string): DocumentReference<IdempotencyRecord> {
    return this.db
      .collection(COLLECTIONS.users)
      .doc(uid)
      .collection(COLLECTIONS.idempotencyKeys)
      .withConverter(converters.idempotency)
      .doc(recordId);
  }

  /**
   * Stores an accepted submission, its idempotency record and its request log in one atomic
   * commit. The idempotency record is a create(): of any number of concurrent identical requests
   * exactly one commit succeeds, on Firestore's own precondition, with no process-local lock; the
   * others (and a later retry) read the record then, and get it to replay. An expired record is
   * removed and the commit tried again, so the key is new again.
   */
  async createAccepted(
    sub: NewSubmission,
    idem: IdempotencyIdentity,
    log: { ref: DocumentReference; data: Record<string, unknown> },
    now: Date,
  ): Promise<CreateResult> {
    const batch = this.db.batch();
    batch.create(this.idempotencyRef(sub.userId, idem.recordId).withConverter(null), {
      fingerprint: idem.fingerprint,
      source: idem.source,
      postSubmissionId: sub.id,
      status: 202,
      createdAt: FieldValue.serverTimestamp(),
      expireAt: Timestamp.fromMillis(now.getTime() + IDEMPOTENCY_TTL_MS),
    });
    batch.create(this.ref(sub.id).withConverter(null), {
      userId: sub.userId,
      keyHash: sub.keyHash,
      mode: sub.mode,
      request: sub.request,
      targets: sub.targets,
      // A draft's platforms are those it names (its accounts are resolved at publish), for ?platform=.
      platforms: [...new Set((sub.draft ? sub.request.post.content.platform : sub.targets).map((t) => t.platform))],
      status: sub.draft ? "draft" : sub.scheduledTime ? "scheduled" : "queued",
      scheduledTime: sub.scheduledTime ? Timestamp.fromDate(sub.scheduledTime) : null,
      requestId: sub.requestId,
      createdAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
      summary: initialSummary(sub.targets.length),
      deferred: sub.deferred,
      mediaIds: sub.mediaIds,
      error: null,
    });
    batch.set(log.ref, log.data);
    const scheduled =
      sub.scheduledTime && !sub.draft
        ? [
            this.events.write(
              batch,
              postScheduledEvent({ id: sub.id, userId: sub.userId, mode: sub.mode }, sub.scheduledTime, sub.targets),
            ),
          ]
        : [];
    try {
      await batch.commit();
      await this.events.relay(scheduled);
      return { created: true };
    } catch (error) {
      if (grpcCode(error) !== GRPC.ALREADY_EXISTS) throw error;
    }
    const snap = await this.idempotencyRef(sub.userId, idem.recordId).get();
    const existing = recordOf(snap);
    const live = existing && existing.expireAt.toMillis() > now.getTime() ? existing : undefined;
    if (!live && snap.exists && snap.updateTime) {
      // Expired (TTL deletes lazily) or malformed: it can answer nothing, so it goes, unless it was
      // replaced meanwhile, and the commit is tried again.
      await this.deleteIdempotency(sub.userId, idem.recordId, snap.updateTime);
    }
    // Gone (deleted here, or between our commit and this read): the commit is tried again.
    if (!live || !snap.updateTime) return this.createAccepted(sub, idem, log, now);
    return { created: false, existing: live, updateTime: snap.updateTime };
  }

  /** A key's record if it can still answer (not expired, well formed), else null. */
  async liveIdempotency(uid: string, recordId: string, now: Date): Promise<IdempotencyRecord | null> {
    const existing = recordOf(await this.idempotencyRef(uid, recordId).get());
    return existing && existing.expireAt.toMillis() > now.getTime() ? existing : null;
  }

  /** Removes an expired key record, only if nobody replaced it meanwhile. */
  async deleteIdempotency(uid: string, recordId: string, updateTime: Timestamp): Promise<void> {
    try {
      await this.idempotencyRef(uid, recordId).delete({ lastUpdateTime: updateTime });
    } catch (error) {
      if (grpcCode(error) !== GRPC.FAILED_PRECONDITION && grpcCode(error) !== GRPC.NOT_FOUND) throw error;
    }
  }

  async get(id: string): Promise<SubmissionRecord | null> {
    return recordOf(await this.ref(id).get()) ?? null;
  }

  async runs(id: string): Promise<{ runId: string; run: RunRecord }[]> {
    const snap = await this.db
      .collection(COLLECTIONS.postSubmissions)
      .doc(id)
      .collection(COLLECTIONS.runs)
      .withConverter(converters.run)
      .get();
    return wellFormed(snap).map(({ id, data }) => ({ runId: id, run: data }));
  }

  /**
   * The orchestrator's first step: `queued`/`scheduled` → `orchestrating`, creating one `queued`
   * run per target in the same transaction. A redelivered task finds `orchestrating` and resumes;
   * a task for a finished or canceled submission finds nothing to do; one delivered before the
   * scheduled time is told so.
   */
  async beginOrchestration(id: string, now: Date, earlyToleranceMs: number): Promise<BeginOrchestration> {
    return this.events.transaction(async (tx, record): Promise<BeginOrchestration> => {
      const snap = await tx.get(this.ref(id));
      const sub = recordOf(snap);
      if (!sub) return { kind: "missing" };
      if (!canOrchestrate(sub.status)) return { kind: "done", status: sub.status };
      if (sub.status === "orchestrating") return { kind: "ready", submission: sub };
      const at = sub.scheduledTime?.toDate();
      if (at && at.getTime() - now.getTime() > earlyToleranceMs) return { kind: "early", scheduledTime: at };

      // Targets whose account was disconnected meanwhile fail here, with the reason they carry.
      const issues = sub.accountIssues ?? {};
      let summary = initialSummary(sub.targets.length);
      for (const t of sub.targets) if (issues[t.runId]?.fatal) summary = summaryAfterRun(summary, "failed");
      const status = summary.pending === 0 ? statusForSummary("orchestrating", summary) : "orchestrating";
      tx.update(this.ref(id).withConverter(null), { status, summary, updatedAt: FieldValue.serverTimestamp() });
      const post = { id, userId: sub.userId, mode: sub.mode };
      if (status !== "orchestrating") record(postCompletedEvent(post, status, summary));
      for (const t of sub.targets) {
        const issue = issues[t.runId];
        if (issue?.fatal) {
          const error = { code: issue.code, message: issue.message };
          record(runEndedEvent(post, { ...t, attempts: 0 }, { status: "failed", error }, false));
        }
        tx.create(this.runRef(id, t.runId).withConverter(null), {
          platform: t.platform,
          accountId: t.accountId,
          status: issue?.fatal ? "failed" : "queued",
          attempts: 0,
          platformPostId: null,
          permalink: null,
          error: issue?.fatal ? { code: issue.code, message: issue.message, retryable: false } : null,
          createdAt: FieldValue.serverTimestamp(),
          updatedAt: FieldValue.serverTimestamp(),
          finishedAt: issue?.fatal ? FieldValue.serverTimestamp() : null,
          leaseId: null,
          leaseExpiresAt: null,
          adjustments: t.adjustments ?? [],
          warning: issue && !issue.fatal ? issue : null,
        });
      }
      if (status !== "orchestrating") return { kind: "done", status };
      return { kind: "ready", submission: { ...sub, status: "orchestrating" } };
    });
  }

  /** Submissions that reference a media and have not finished publishing. */
  async pendingUsingMedia(userId: string, mediaId: string): Promise<string[]> {
    const snap = await this.db
      .collection(COLLECTIONS.postSubmissions)
      .withConverter(converters.submission)
      .where("userId", "==", userId)
      .where("mediaIds", "array-contains", mediaId)
      .get();
    return wellFormed(snap)
      .filter(({ data }) => !isFinalSubmission(data.status))
      .map(({ id }) => id);
  }

  /**
   * The scheduled (not yet orchestrated) submissions of a user that target an account. Equality
   * filters only, which Firestore serves from single-field indexes.
   */
  async scheduledTargeting(account: AccountRef): Promise<{ id: string; runId: string; scheduledTime: Date | null }[]> {
    const snap = await this.db
      .collection(COLLECTIONS.postSubmissions)
      .withConverter(converters.submission)
      .where("userId", "==", account.userId)
      .where("status", "==", "scheduled")
      .where("platforms", "array-contains", account.platform)
      .get();
    return wellFormed(snap).flatMap(({ id, data }) =>
      data.targets
        .filter((t) => t.platform === account.platform && t.accountId === account.accountId)
        .map((t) => ({ id, runId: t.runId, scheduledTime: data.scheduledTime?.toDate() ?? null })),
    );
  }

  /**
   * Flags every scheduled post of an account with the issue `issueFor` gives for its time (null
   * clears a non-fatal one). Returns how many posts changed.
   */
  async flagScheduled(
    account: AccountRef,
    issueFor: (scheduledTime: Date | null) => AccountIssue | null,
    now: Date,
  ): Promise<number> {
    const targets = await this.scheduledTargeting(account);
    const changed = await Promise.all(
      targets.map((t) => this.flagTarget(t.id, t.runId, issueFor(t.scheduledTime), now)),
    );
    return changed.filter(Boolean).length;
  }

  /**
   * Records an account issue on a scheduled target (or clears it with null). A fatal one fails the
   * target now: the summary counts it failed at once. Returns whether anything changed; a
   * submission that left `scheduled` meanwhile is not touched (its runs carry their own outcome).
   * A fatal issue is never replaced by a milder one.
   */
  async flagTarget(id: string, runId: string, issue: AccountIssue | null, now: Date): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const sub = recordOf(await tx.get(this.ref(id)));
      if (!sub || sub.status !== "scheduled" || !sub.targets.some((t) => t.runId === runId)) return false;
      const current = sub.accountIssues?.[runId];
      if (current?.fatal) return false;
      if (!issue && !current) return false;
      if (issue && current?.code === issue.code) return false;
      // The whole map is rewritten (inside the transaction) rather than one nested field, so the
      // write does not depend on field-path deletes.
      const issues = { ...sub.accountIssues };
      if (issue) issues[runId] = { ...issue, at: Timestamp.fromDate(now) };
      else delete issues[runId];
      const summary = issue?.fatal ? summaryAfterRun(sub.summary, "failed") : sub.summary;
      tx.update(this.ref(id).withConverter(null), {
        accountIssues: issues,
        summary,
        updatedAt: FieldValue.serverTimestamp(),
      });
      return true;
    });
  }

  /** `orchestrating` → `dispatched` once every run's task is enqueued (no-op from any other status). */
  async markDispatched(id: string): Promise<SubmissionStatus | null> {
    return this.db.runTransaction(async (tx) => {
      const sub = recordOf(await tx.get(this.ref(id)));
      if (!sub) return null;
      if (sub.status !== "orchestrating") return sub.status;
      tx.update(this.ref(id).withConverter(null), { status: "dispatched", updatedAt: FieldValue.serverTimestamp() });
      return "dispatched";
    });
  }

  /**
   * The orchestrator gave up handing runs to their queues: the submission becomes
   * `dispatch_failed` and every run still waiting fails with the same error, so nothing stays
   * pending forever.
   */
  async markDispatchFailed(id: string, error: RunError): Promise<void> {
    await this.failRemainingRuns(id, error, () => "dispatch_failed");
  }

  /**
   * The post's media could not be prepared (fetched, verified, converted): no run can publish, so
   * every one fails with the reason.
   */
  async markMediaFailed(id: string, error: RunError): Promise<void> {
    await this.failRemainingRuns(id, error, (summary) => statusForSummary("orchestrating", summary));
  }

  private async failRemainingRuns(
    id: string,
    error: RunError,
    finalStatus: (summary: SubmissionRecord["summary"]) => SubmissionStatus,
  ): Promise<void> {
    await this.events.transaction(async (tx, record) => {
      const sub = recordOf(await tx.get(this.ref(id)));
      if (!sub || sub.status !== "orchestrating") return;
      const runSnaps = await Promise.all(sub.targets.map((t) => tx.get(this.runRef(id, t.runId))));
      const post = { id, userId: sub.userId, mode: sub.mode };
      const statuses: RunStatus[] = [];
      runSnaps.forEach((runSnap) => {
        const run = recordOf(runSnap);
        if (!run) return;
        if (isFinalRun(run.status) || run.status === "processing") return void statuses.push(run.status);
        statuses.push("failed");
        record(runEndedEvent(post, { runId: runSnap.id, ...run }, { status: "failed", error }, false));
        tx.update(runSnap.ref.withConverter(null), {
          status: "failed",
          error,
          updatedAt: FieldValue.serverTimestamp(),
          finishedAt: FieldValue.serverTimestamp(),
        });
      });
      const summary = summaryOfRuns(sub.summary.total, statuses);
      const status = finalStatus(summary);
      tx.update(this.ref(id).withConverter(null), { status, summary, error, updatedAt: FieldValue.serverTimestamp() });
      if (isFinalSubmission(status)) record(postCompletedEvent(post, status, summary));
    });
  }

  /**
   * After a run became final: once no run of the submission is pending, its summary is counted from
   * the runs and its final status written, with `post.completed`, in one transaction that only the
   * first caller to find it in flight gets to commit. Runs never write the submission themselves,
   * so a post to many accounts has no hot document: the submission takes one write here, and each
   * finished run costs a count() (one read) instead. Called after every final outcome's commit;
   * the sweeper calls it again for a submission left in flight (a publisher that died between its
   * run's commit and this).
   */
  async settle(id: string, world?: { userId: string; livemode: boolean }): Promise<SubmissionStatus | null> {
    const count = async (statuses: RunStatus[]) =>
      (await this.runsCollection(id).where("status", "in", statuses).count().get()).data().count;
    if ((await count(["queued", "processing"])) > 0) return null;
    // No run is open, and a final run never changes again: these counts are the outcome, whoever
    // reads them, so they need no transaction (and cost a read each, not one per run).
    const [succeeded, failed, canceled] = await Promise.all([
      count(["succeeded"]),
      count(["failed", "unknown"]),
      count(["canceled"]),
    ]);
    return this.events.transaction(async (tx, record) => {
      const sub = recordOf(await tx.get(this.ref(id)));
      if (!sub) return null;
      const late = sub.status === "dispatch_failed";
      if (!runsInFlight(sub.status) && !late) return sub.status;
      const total = sub.summary.total;
      const summary: Summary = { total, succeeded, failed, canceled, pending: total - succeeded - failed - canceled };
      if (summary.pending > 0) return null;
      // A dispatch that failed left its runs that were under way to finish: only its count follows.
      const status = late ? sub.status : statusForSummary("dispatched", summary);
      if (late && sameSummary(summary, sub.summary)) return status;
      tx.update(this.ref(id).withConverter(null), { status, summary, updatedAt: FieldValue.serverTimestamp() });
      if (!late) record(postCompletedEvent({ id, userId: sub.userId, mode: sub.mode }, status, summary));
      return status;
    }, world);
  }

  private runsCollection(id: string) {
    return this.db.collection(COLLECTIONS.postSubmissions).doc(id).collection(COLLECTIONS.runs);
  }

  /**
   * The post's media rehosted: its request now names Postcast's copies, which it keeps (mediaIds)
   * until published. Once only: a concurrent delivery that prepared first wins, and its copies are
   * the same ones (their ids derive from the post and the URL).
   */
  async setPreparedMedia(id: string, request: NormalizedPostRequest, mediaIds: readonly string[]): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const sub = recordOf(await tx.get(this.ref(id)));
      if (!sub || sub.status !== "orchestrating" || sub.mediaPrepared) return;
      tx.update(this.ref(id).withConverter(null), {
        request,
        mediaIds: [...new Set([...(sub.mediaIds ?? []), ...mediaIds])],
        mediaPrepared: true,
        updatedAt: FieldValue.serverTimestamp(),
      });
    });
  }

  /** The sweeper hands a deferred post to Cloud Tasks; clears the flag. */
  async clearDeferred(id: string): Promise<void> {
    await this.ref(id).withConverter(null).update({ deferred: false, updatedAt: FieldValue.serverTimestamp() });
  }
}
