import { FieldPath, Timestamp, type Firestore, type Query } from "firebase-admin/firestore";
import type { Platform } from "../domain/platforms";
import type { SubmissionStatus } from "../domain/submission-status";
import { COLLECTIONS } from "./collections";
import { converters, type RunRecord, type SubmissionRecord } from "./records";
import type { SubmissionStore } from "./submission-store";

export interface PostListQuery {
  userId: string;
  statuses: SubmissionStatus[];
  platform: Platform | null;
  /** Inclusive lower and exclusive upper bound on `createdAt`. */
  from: Date | null;
  to: Date | null;
  limit: number;
  /** Resume after this (createdAt, id), exclusive. */
  after: { createdAt: Timestamp; id: string } | null;
}

export interface ListedPost {
  id: string;
  submission: SubmissionRecord;
  runs: Map<string, RunRecord>;
}

/**
 * `GET /v1/posts`: a user's submissions newest first, by (createdAt desc, id desc) so pages never
 * skip or repeat a post that shares a creation time. Each filter combination has its composite
 * index in firestore.indexes.json. Runs of the whole page are read in one batched get.
 */
export class PostListStore {
  constructor(
    private readonly db: Firestore,
    private readonly submissions: SubmissionStore,
  ) {}

  async list(q: PostListQuery): Promise<{ posts: ListedPost[]; more: boolean }> {
    let query: Query<SubmissionRecord> = this.db
      .collection(COLLECTIONS.postSubmissions)
      .withConverter(converters.submission)
      .where("userId", "==", q.userId);
    if (q.statuses.length === 1) query = query.where("status", "==", q.statuses[0]);
    else if (q.statuses.length > 1) query = query.where("status", "in", q.statuses);
    if (q.platform) query = query.where("platforms", "array-contains", q.platform);
    if (q.from) query = query.where("createdAt", ">=", Timestamp.fromDate(q.from));
    if (q.to) query = query.where("createdAt", "<", Timestamp.fromDate(q.to));
    query = query.orderBy("createdAt", "desc").orderBy(FieldPath.documentId(), "desc");
    if (q.after) query = query.startAfter(q.after.createdAt, q.after.id);
    const snap = await query.limit(q.limit + 1).get();

    const page = snap.docs.slice(0, q.limit).map((d) => ({ id: d.id, submission: d.data() }));
    const runRefs = page.flatMap(({ id, submission }) =>
      submission.targets.map((t) => this.submissions.runRef(id, t.runId)),
    );
    const runSnaps = runRefs.length > 0 ? await this.db.getAll(...runRefs) : [];
    const runsByPost = new Map<string, Map<string, RunRecord>>();
    for (const s of runSnaps) {
      const run = s.data() as RunRecord | undefined;
      const postId = s.ref.parent.parent?.id;
      if (!run || !postId) continue;
      const runs = runsByPost.get(postId) ?? new Map<string, RunRecord>();
      runs.set(s.id, run);
      runsByPost.set(postId, runs);
    }
    return {
      posts: page.map((p) => ({ ...p, runs: runsByPost.get(p.id) ?? new Map() })),
      more: snap.docs.length > q.limit,
    };
  }
}
