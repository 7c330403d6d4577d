import { FieldValue, Timestamp, type Firestore, type Transaction } from "firebase-admin/firestore";
import { isFinalRun, statusForSummary, summaryAfterRun, type RunStatus } from "../domain/submission-status";
import { COLLECTIONS } from "./collections";
import { converters, type RunError, type RunRecord, type SubmissionRecord } from "./records";
import { SubmissionStore } from "./submission-store";

export type ClaimResult =
  | { kind: "missing" }
  | { kind: "final"; status: RunStatus }
  | { kind: "busy"; leaseExpiresAt: Date }
  | { kind: "claimed"; run: RunRecord; submission: SubmissionRecord };

export type RunOutcome =
  | { status: "succeeded"; platformPostId: string; permalink: string | null }
  | { status: "failed" | "unknown"; error: RunError };

/**
 * A run's lifecycle as seen by its publisher. The claim is a lease: a second delivery of the same
 * task while the first holds the lease is turned away, and a run that reached a final status is
 * never claimed again, whatever Cloud Tasks redelivers.
 */
export class RunStore {
  private readonly submissions: SubmissionStore;

  constructor(private readonly db: Firestore) {
    this.submissions = new SubmissionStore(db);
  }

  private async readRunAndSubmission(tx: Transaction, id: string, runId: string) {
    const [runSnap, subSnap] = await Promise.all([
      tx.get(this.submissions.runRef(id, runId)),
      tx.get(this.submissions.ref(id)),
    ]);
    return { runSnap, subSnap };
  }

  async claim(id: string, runId: string, leaseId: string, now: Date, leaseMs: number): Promise<ClaimResult> {
    return this.db.runTransaction(async (tx) => {
      const { runSnap, subSnap } = await this.readRunAndSubmission(tx, id, runId);
      const run = runSnap.data();
      const submission = subSnap.data();
      if (!run || !submission) return { kind: "missing" };
      if (isFinalRun(run.status)) return { kind: "final", status: run.status };
      const leaseEnd = run.leaseExpiresAt?.toDate();
      if (run.status === "processing" && leaseEnd && leaseEnd > now) return { kind: "busy", leaseExpiresAt: leaseEnd };

      const claimed: RunRecord = {
        ...run,
        status: "processing",
        attempts: run.attempts + 1,
        leaseId,
        leaseExpiresAt: Timestamp.fromMillis(now.getTime() + leaseMs),
      };
      tx.update(runSnap.ref.withConverter(null), {
        status: "processing",
        attempts: claimed.attempts,
        leaseId,
        leaseExpiresAt: claimed.leaseExpiresAt,
        updatedAt: FieldValue.serverTimestamp(),
      });
      return { kind: "claimed", run: claimed, submission };
    });
  }

  /**
   * Records a final outcome and the submission's new summary (and final status once nothing is
   * pending) in one transaction. Returns false when this delivery no longer holds the lease.
   */
  async finish(id: string, runId: string, leaseId: string, outcome: RunOutcome): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const { runSnap, subSnap } = await this.readRunAndSubmission(tx, id, runId);
      const run = runSnap.data();
      const sub = subSnap.data();
      if (!run || !sub || run.status !== "processing" || run.leaseId !== leaseId) return false;

      const summary = summaryAfterRun(sub.summary, outcome.status);
      const status = statusForSummary(sub.status, summary);
      tx.update(runSnap.ref.withConverter(null), {
        status: outcome.status,
        platformPostId: outcome.status === "succeeded" ? outcome.platformPostId : null,
        permalink: outcome.status === "succeeded" ? outcome.permalink : null,
        error: outcome.status === "succeeded" ? null : outcome.error,
        leaseId: null,
        leaseExpiresAt: null,
        updatedAt: FieldValue.serverTimestamp(),
        finishedAt: FieldValue.serverTimestamp(),
      });
      tx.update(subSnap.ref.withConverter(null), { summary, status, updatedAt: FieldValue.serverTimestamp() });
      return true;
    });
  }

  /** A retryable failure: the run goes back to `queued` with the error, and the lease is freed. */
  async release(id: string, runId: string, leaseId: string, error: RunError): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const runSnap = await tx.get(this.submissions.runRef(id, runId));
      const run = runSnap.data();
      if (!run || run.status !== "processing" || run.leaseId !== leaseId) return false;
      tx.update(runSnap.ref.withConverter(null), {
        status: "queued",
        error,
        leaseId: null,
        leaseExpiresAt: null,
        updatedAt: FieldValue.serverTimestamp(),
      });
      return true;
    });
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
    return snap.docs.flatMap((d) => {
      const id = d.ref.parent.parent?.id;
      return id ? [{ id, runId: d.id, run: d.data() }] : [];
    });
  }
}
