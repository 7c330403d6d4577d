import type { Timestamp } from "firebase-admin/firestore";
import { AppError } from "../../domain/errors";
import type { AppDeps } from "../deps";

const iso = (t: Timestamp | null | undefined): string | null => (t ? t.toDate().toISOString() : null);

/** GET /v1/posts/{id}: the submission and its runs, for its owner only (404 for anyone else). */
export async function getPost(id: string, userId: string, deps: AppDeps) {
  const sub = await deps.submissions.get(id);
  if (!sub || sub.userId !== userId) throw new AppError("not_found", `No post ${id}.`);
  const runs = await deps.submissions.runs(id);
  return {
    postSubmissionId: id,
    status: sub.status,
    mode: sub.mode,
    scheduledTime: iso(sub.scheduledTime),
    createdAt: iso(sub.createdAt),
    updatedAt: iso(sub.updatedAt),
    requestId: sub.requestId,
    request: sub.request,
    targets: sub.targets,
    summary: sub.summary,
    error: sub.error ?? null,
    runs: runs.map(({ runId, run }) => ({
      runId,
      platform: run.platform,
      accountId: run.accountId,
      status: run.status,
      attempts: run.attempts,
      platformPostId: run.platformPostId,
      permalink: run.permalink,
      error: run.error,
      createdAt: iso(run.createdAt),
      updatedAt: iso(run.updatedAt),
      finishedAt: iso(run.finishedAt),
    })),
  };
}
