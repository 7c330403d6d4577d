import { FieldPath, Timestamp, type Firestore, type Query } from "firebase-admin/firestore";
import type { KeyMode } from "../domain/api-key";
import type { Platform } from "../domain/platforms";
import type { SubmissionStatus } from "../domain/submission-status";
import { COLLECTIONS } from "./collections";
import { converters, recordOf, wellFormed, type RunRecord, type SubmissionRecord } from "./records";
import type { SubmissionStore } from "./submission-store";

export interface PostListQuery {
  userId: string;
  /** Only the posts of the caller's key's world (domain/owner.ts). */
  mode: KeyMode;
  statuses: SubmissionStatus[];
  platform: Platform | null;
  /** Inclusive lower and exclusive upper bound on `createdAt`. */
  from: Date | null;
  to: Date | null;
  limit: number;
  after: ListPosition | null;
}

export interface ListedPost {
  id: string;
  submission: SubmissionRecord;
  runs: Map<string, RunRecord>;
}

/** Where the next page starts: after this (createdAt, id), exclusive. */
export interface ListPosition {
  createdAt: Timestamp;
  id: string;
}

/**
 * `GET /v1/posts`: a user's submissions of one mode, newest first, by (createdAt desc, id desc) so
 * pages never skip or repeat a post that shares a creation time. Each filter combination has its
 * composite index in firestore.indexes.json. Runs of the whole page are read in one batched get.
 */
export class PostListStore {
  constructor(
    private readonly db: Firestore,
    private readonly submissions: SubmissionStore,
  ) {}

  async list(q: PostListQuery): Promise<{ posts: ListedPost[]; next: ListPosition | null }> {
    let query: Query<SubmissionRecord> = this.db
      .collection(COLLECTIONS.postSubmissions)
      .withConverter(converters.submission)
      .where("userId", "==", q.userId)
      .where("mode", "==", q.mode);
    if (q.statuses.length === 1) query = query.where("status", "==", q.statuses[0]);
    else if (q.statuses.length > 1) query = query.where("status", "in", q.statuses);
    if (q.platform) query = query.where("platforms", "array-contains", q.platform);
    if (q.from) query = query.where("createdAt", ">=", Timestamp.fromDate(q.from));
    if (q.to) query = query.where("createdAt", "<", Timestamp.fromDate(q.to));
    query = query.orderBy("createdAt", "desc").orderBy(FieldPath.documentId(), "desc");
    if (q.after) query = query.startAfter(q.after.createdAt, q.after.id);
    const snap = await query.limit(q.limit + 1).get();

    // A malformed submission is left out of the page (and logged), but the page still ends where
    // the query's did: the next one starts after it, so a page of malformed posts does not end
    // the list, and nothing is skipped or read twice.
    const docs = snap.docs.slice(0, q.limit);
    const last = [...docs].reverse().find((d) => d.get("createdAt") instanceof Timestamp);
    const next =
      snap.docs.length > q.limit && last ? { createdAt: last.get("createdAt") as Timestamp, id: last.id } : null;
    const page = wellFormed({ docs }).map(({ id, data }) => ({ id, submission: data }));
    const runRefs = page.flatMap(({ id, submission }) =>
      submission.targets.map((t) => this.submissions.runRef(id, t.runId)),
    );
    const runSnaps = runRefs.length > 0 ? await this.db.getAll(...runRefs) : [];
    const runsByPost = new Map<string, Map<string, RunRecord>>();
    for (const s of runSnaps) {
      const run = recordOf(s) as RunRecord | undefined;
      const postId = s.ref.parent.parent?.id;
      if (!run || !postId) continue;
      const runs = runsByPost.get(postId) ?? new Map<string, RunRecord>();
      runs.set(s.id, run);
      runsByPost.set(postId, runs);
    }
    return { posts: page.map((p) => ({ ...p, runs: runsByPost.get(p.id) ?? new Map() })), next };
  }
}
