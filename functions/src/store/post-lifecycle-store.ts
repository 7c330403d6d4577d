import type { NormalizedPostRequest, ResolvedTarget } from "../domain/post-model";
import { FieldValue, Timestamp, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";
import { ifMatchHolds, type Version } from "../domain/etag";
import type { Owner } from "../domain/owner";
import {
  initialSummary,
  isCancelable,
  isEditable,
  isFinalRun,
  summaryCanceled,
  type SubmissionStatus,
} from "../domain/submission-status";
import { postCanceledEvent, postScheduledEvent } from "../domain/post-events";
import { recordOf, type SubmissionRecord } from "./records";
import type { SubmissionStore } from "./submission-store";

export type Change =
  | { kind: "missing" }
  | { kind: "conflict"; status: SubmissionStatus }
  | { kind: "stale"; version: Version }
  /** The change was made (or, for a repeated cancel, had been); `previous` is the post before it. */
  | { kind: "done"; previous: SubmissionRecord };

/** What a change does to the post it read: refuse (a Change), or update these fields. */
type Decision = Exclude<Change, { kind: "done" }> | { kind: "update"; fields: object };

export interface Edit {
  request: NormalizedPostRequest;
  targets: ResolvedTarget[];
  scheduledTime: Date;
  deferred: boolean;
  /** The user's stored media the edited post names (media/own-media.ts), kept until it has published. */
  mediaIds: string[];
}

export function versionOf(snap: DocumentSnapshot, sub: SubmissionRecord): Version {
  const t = snap.updateTime ?? sub.updatedAt;
  return { seconds: t.seconds, nanoseconds: t.nanoseconds, updatedAtIso: sub.updatedAt.toDate().toISOString() };
}

/** Whether `owner`'s keys may see and change the post: the same user, and a key of the post's mode. */
export function ownsPost(owner: Owner, sub: SubmissionRecord): boolean {
  return sub.userId === owner.userId && sub.mode === owner.mode;
}

/**
 * The caller-driven changes of a submission: cancel, edit, publish now. Each is one transaction
 * that checks ownership and status, so it races safely with the orchestrator (which takes a post
 * with its own transaction) and with other edits. Another user's post, or one made with a key of
 * the other mode, reads as missing.
 */
export class PostLifecycleStore {
  constructor(
    private readonly db: Firestore,
    private readonly submissions: SubmissionStore,
  ) {}

  private async change(
    id: string,
    owner: Owner,
    decide: (sub: SubmissionRecord, snap: DocumentSnapshot) => Decision,
  ): Promise<Change> {
    const ref = this.submissions.ref(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const sub = recordOf(snap);
      if (!sub || !ownsPost(owner, sub)) return { kind: "missing" };
      const decision = decide(sub, snap);
      if (decision.kind !== "update") return decision;
      tx.update(ref.withConverter(null), { ...decision.fields, updatedAt: FieldValue.serverTimestamp() });
      return { kind: "done", previous: sub };
    });
  }

  /**
   * `scheduled`/`queued` → `canceled`, and every run with it, in the same transaction: a run
   * becomes `canceled` (created so, since runs are created at orchestration, which a cancelable
   * post has not reached), except one whose account was disconnected meanwhile, which stays the
   * failure it already counted as. Canceling a canceled post is a no-op success. The orchestrator
   * reads the post in its own transaction first, so it either took the post (and the cancel is a
   * conflict) or finds it canceled and creates nothing; a canceled run is final, so no publisher
   * claims it.
   */
  cancel(id: string, owner: Owner): Promise<Change> {
    const ref = this.submissions.ref(id);
    return this.submissions.events.transaction(async (tx, record): Promise<Change> => {
      const snap = await tx.get(ref);
      const sub = recordOf(snap);
      if (!sub || !ownsPost(owner, sub)) return { kind: "missing" };
      if (sub.status === "canceled") return { kind: "done", previous: sub };
      if (!isCancelable(sub.status)) return { kind: "conflict", status: sub.status };
      const runs = await Promise.all(sub.targets.map((t) => tx.get(this.submissions.runRef(id, t.runId))));
      for (const [i, t] of sub.targets.entries()) {
        const runSnap = runs[i]!;
        const existing = recordOf(runSnap);
        if (existing && isFinalRun(existing.status)) continue;
        const issue = sub.accountIssues?.[t.runId];
        const ended = {
          status: issue?.fatal ? "failed" : "canceled",
          error: issue?.fatal ? { code: issue.code, message: issue.message, retryable: false } : null,
          waiting: null,
          leaseId: null,
          leaseExpiresAt: null,
          updatedAt: FieldValue.serverTimestamp(),
          finishedAt: FieldValue.serverTimestamp(),
        };
        if (runSnap.exists) {
          tx.update(runSnap.ref.withConverter(null), ended);
          continue;
        }
        tx.set(runSnap.ref.withConverter(null), {
          platform: t.platform,
          accountId: t.accountId,
          attempts: 0,
          platformPostId: null,
          permalink: null,
          createdAt: FieldValue.serverTimestamp(),
          adjustments: t.adjustments ?? [],
          warning: issue && !issue.fatal ? issue : null,
          ...ended,
        });
      }
      const summary = summaryCanceled(sub.summary);
      // A draft was never announced (no post.scheduled): its deletion is no event either.
      if (sub.status !== "draft") record(postCanceledEvent({ id, userId: sub.userId, mode: sub.mode }, summary));
      tx.update(ref.withConverter(null), {
        status: "canceled",
        summary,
        deferred: false,
        canceledAt: FieldValue.serverTimestamp(),
        updatedAt: FieldValue.serverTimestamp(),
      });
      return { kind: "done", previous: sub };
    });
  }

  /** Replaces a scheduled post's request, targets and time, if `ifMatch` (when given) is current. */
  edit(id: string, owner: Owner, ifMatch: string | null, build: (sub: SubmissionRecord) => Edit): Promise<Change> {
    return this.change(id, owner, (sub, snap) => {
      if (!isEditable(sub.status)) return { kind: "conflict", status: sub.status };
      const version = versionOf(snap, sub);
      if (ifMatch !== null && !ifMatchHolds(ifMatch, version)) return { kind: "stale", version };
      const edit = build(sub);
      return {
        kind: "update",
        fields: {
          request: edit.request,
          targets: edit.targets,
          platforms: [...new Set(edit.targets.map((t) => t.platform))],
          scheduledTime: Timestamp.fromDate(edit.scheduledTime),
          deferred: edit.deferred,
          mediaIds: edit.mediaIds,
          summary: initialSummary(edit.targets.length),
          // Targets were resolved again (a disconnected account no longer resolves): only the
          // warnings of targets that remain still apply.
          accountIssues: Object.fromEntries(
            Object.entries(sub.accountIssues ?? {}).filter(
              ([runId, issue]) =>
                !issue.fatal &&
                edit.targets.some(
                  (t) => t.runId === runId && sub.targets.some((o) => o.runId === runId && o.accountId === t.accountId),
                ),
            ),
          ),
        },
      };
    });
  }

  /**
   * Replaces a draft's request (checked by `build` against the version stored now), if `ifMatch`
   * (when given) is current. Still a draft: no targets, no task.
   */
  editDraft(
    id: string,
    owner: Owner,
    ifMatch: string | null,
    build: (sub: SubmissionRecord) => { request: NormalizedPostRequest; mediaIds: string[] },
  ): Promise<Change> {
    return this.change(id, owner, (sub, snap) => {
      if (sub.status !== "draft") return { kind: "conflict", status: sub.status };
      const version = versionOf(snap, sub);
      if (ifMatch !== null && !ifMatchHolds(ifMatch, version)) return { kind: "stale", version };
      const { request, mediaIds } = build(sub);
      return {
        kind: "update",
        fields: {
          request,
          platforms: [...new Set(request.post.content.platform.map((t) => t.platform))],
          scheduledTime: request.scheduledTime ? Timestamp.fromDate(new Date(request.scheduledTime)) : null,
          mediaIds,
        },
      };
    });
  }

  /**
   * `draft` → `scheduled` (post.scheduled recorded in the same commit) or `queued`, with the targets
   * resolved at publish, if the draft is still the version `expected` names (its updatedAt): an
   * edit in between makes the caller plan again rather than publish what it no longer says.
   */
  publishDraft(
    id: string,
    owner: Owner,
    expected: Timestamp,
    edit: Omit<Edit, "scheduledTime"> & { at: Date | null },
  ): Promise<Change> {
    const ref = this.submissions.ref(id);
    return this.submissions.events.transaction(async (tx, record): Promise<Change> => {
      const snap = await tx.get(ref);
      const sub = recordOf(snap);
      if (!sub || !ownsPost(owner, sub)) return { kind: "missing" };
      if (sub.status !== "draft") return { kind: "conflict", status: sub.status };
      if (!sub.updatedAt.isEqual(expected)) return { kind: "stale", version: versionOf(snap, sub) };
      const post = { id, userId: sub.userId, mode: sub.mode };
      if (edit.at) record(postScheduledEvent(post, edit.at, edit.targets));
      tx.update(ref.withConverter(null), {
        status: edit.at ? "scheduled" : "queued",
        request: edit.request,
        targets: edit.targets,
        platforms: [...new Set(edit.targets.map((t) => t.platform))],
        scheduledTime: edit.at ? Timestamp.fromDate(edit.at) : null,
        deferred: edit.deferred,
        mediaIds: edit.mediaIds,
        summary: initialSummary(edit.targets.length),
        publishedFromDraft: {
          at: FieldValue.serverTimestamp(),
          scheduledTime: edit.at ? Timestamp.fromDate(edit.at) : null,
        },
        updatedAt: FieldValue.serverTimestamp(),
      });
      return { kind: "done", previous: sub };
    });
  }

  /** `scheduled` → `queued` with no scheduled time: the orchestrator takes it at once. */
  publishNow(id: string, owner: Owner): Promise<Change> {
    return this.change(id, owner, (sub) => {
      if (sub.status !== "scheduled") return { kind: "conflict", status: sub.status };
      return {
        kind: "update",
        fields: {
          status: "queued",
          scheduledTime: null,
          request: { ...sub.request, scheduledTime: null },
          deferred: false,
          publishedEarlyAt: FieldValue.serverTimestamp(),
        },
      };
    });
  }
}
