import { FieldValue, Timestamp, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";
import { ifMatchHolds, type Version } from "../domain/etag";
import type { NormalizedPostRequest } from "../domain/post-request";
import { initialSummary, isCancelable, isEditable, type SubmissionStatus } from "../domain/submission-status";
import type { ResolvedTarget } from "../domain/targets";
import type { SubmissionRecord } from "./records";
import type { SubmissionStore } from "./submission-store";

export type Change =
  | { kind: "missing" }
  | { kind: "conflict"; status: SubmissionStatus }
  | { kind: "stale"; version: Version }
  | { kind: "done"; submission: SubmissionRecord; previous: SubmissionRecord };

export interface Edit {
  request: NormalizedPostRequest;
  targets: ResolvedTarget[];
  scheduledTime: Date;
  deferred: boolean;
}

export function versionOf(snap: DocumentSnapshot, sub: SubmissionRecord): Version {
  const t = snap.updateTime ?? sub.updatedAt;
  return { seconds: t.seconds, nanoseconds: t.nanoseconds, updatedAtIso: sub.updatedAt.toDate().toISOString() };
}

/**
 * The caller-driven changes of a submission: cancel, edit, publish now. Each is one transaction
 * that checks ownership and status, so it races safely with the orchestrator (which takes a post
 * with its own transaction) and with other edits. Another user's post reads as missing.
 */
export class PostLifecycleStore {
  constructor(
    private readonly db: Firestore,
    private readonly submissions: SubmissionStore,
  ) {}

  private async change(
    id: string,
    userId: string,
    apply: (sub: SubmissionRecord, snap: DocumentSnapshot) => Change | Record<string, unknown>,
  ): Promise<Change> {
    const ref = this.submissions.ref(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const sub = snap.data();
      if (!sub || sub.userId !== userId) return { kind: "missing" };
      const outcome = apply(sub, snap);
      if ("kind" in outcome) return outcome as Change;
      const update = { ...outcome, updatedAt: FieldValue.serverTimestamp() };
      tx.update(ref.withConverter(null), update);
      return { kind: "done", submission: { ...sub, ...(outcome as Partial<SubmissionRecord>) }, previous: sub };
    });
  }

  /** `scheduled`/`queued` → `canceled`; canceling a canceled post is a no-op success. */
  cancel(id: string, userId: string): Promise<Change> {
    return this.change(id, userId, (sub) => {
      if (sub.status === "canceled") return { kind: "done", submission: sub, previous: sub };
      if (!isCancelable(sub.status)) return { kind: "conflict", status: sub.status };
      return {
        status: "canceled",
        summary: { ...initialSummary(sub.targets.length), pending: 0 },
        deferred: false,
        canceledAt: FieldValue.serverTimestamp(),
      };
    });
  }

  /** Replaces a scheduled post's request, targets and time, if `ifMatch` (when given) is current. */
  edit(id: string, userId: string, ifMatch: string | null, build: (sub: SubmissionRecord) => Edit): Promise<Change> {
    return this.change(id, userId, (sub, snap) => {
      if (!isEditable(sub.status)) return { kind: "conflict", status: sub.status };
      const version = versionOf(snap, sub);
      if (ifMatch !== null && !ifMatchHolds(ifMatch, version)) return { kind: "stale", version };
      const edit = build(sub);
      return {
        request: edit.request,
        targets: edit.targets,
        platforms: [...new Set(edit.targets.map((t) => t.platform))],
        scheduledTime: Timestamp.fromDate(edit.scheduledTime),
        deferred: edit.deferred,
        summary: initialSummary(edit.targets.length),
      };
    });
  }

  /** `scheduled` → `queued` with no scheduled time: the orchestrator takes it at once. */
  publishNow(id: string, userId: string): Promise<Change> {
    return this.change(id, userId, (sub) => {
      if (sub.status !== "scheduled") return { kind: "conflict", status: sub.status };
      return {
        status: "queued",
        scheduledTime: null,
        request: { ...sub.request, scheduledTime: null },
        deferred: false,
        publishedEarlyAt: FieldValue.serverTimestamp(),
      };
    });
  }
}
