import type { Timestamp } from "firebase-admin/firestore";
import type { RunRecord, SubmissionRecord } from "../../store/records";

export const iso = (t: Timestamp | null | undefined): string | null => (t ? t.toDate().toISOString() : null);

function runView(runId: string, run: RunRecord) {
  return {
    runId,
    platform: run.platform,
    accountId: run.accountId,
    status: run.status,
    attempts: run.attempts,
    platformPostId: run.platformPostId,
    permalink: run.permalink,
    error: run.error,
    adjustments: run.adjustments ?? [],
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    finishedAt: iso(run.finishedAt),
  };
}

/**
 * The public representation of a submission (GET, list items, and the answers of DELETE, PATCH
 * and publish-now). Targets without a run yet (before orchestration) are listed with their
 * would-be run id and status `pending`.
 */
export function postView(id: string, sub: SubmissionRecord, runs: ReadonlyMap<string, RunRecord>) {
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
    runs: sub.targets.map((t) => {
      const run = runs.get(t.runId);
      return run
        ? runView(t.runId, run)
        : { runId: t.runId, platform: t.platform, accountId: t.accountId, status: "pending" as const };
    }),
  };
}
