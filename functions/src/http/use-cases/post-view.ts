import type { Timestamp } from "firebase-admin/firestore";
import { shownSummary } from "../../domain/submission-status";
import type { AccountIssueRecord, RunRecord, RunWaitingRecord, SubmissionRecord } from "../../store/records";

export const iso = (t: Timestamp | null | undefined): string | null => (t ? t.toDate().toISOString() : null);

function issueView(issue: AccountIssueRecord | null | undefined) {
  return issue ? { code: issue.code, message: issue.message, at: iso(issue.at) } : null;
}

function waitingView(waiting: RunWaitingRecord | null | undefined) {
  if (!waiting) return null;
  return {
    reason: waiting.reason,
    message: waiting.message,
    since: iso(waiting.since),
    until: iso(waiting.until),
    ...(waiting.progress ? { progress: waiting.progress } : {}),
  };
}

/**
 * A target without a run document: not orchestrated yet, so `pending`, with a warning when its
 * account has a problem, or already `failed` when its account was disconnected; `canceled` when
 * the post was (posts canceled before cancelation wrote runs have none).
 */
function pendingRunView(
  target: SubmissionRecord["targets"][number],
  issue: AccountIssueRecord | undefined,
  canceled: boolean,
) {
  const base = { runId: target.runId, platform: target.platform, accountId: target.accountId };
  if (issue?.fatal) {
    return {
      ...base,
      status: "failed" as const,
      error: { code: issue.code, message: issue.message, retryable: false },
    };
  }
  return { ...base, status: canceled ? ("canceled" as const) : ("pending" as const), warning: issueView(issue) };
}

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
    warning: issueView(run.warning),
    waiting: waitingView(run.waiting),
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    finishedAt: iso(run.finishedAt),
  };
}

/**
 * The public representation of a submission (GET, list items, and the answers of DELETE, PATCH
 * and publish-now). Targets without a run yet (before orchestration) are listed with their
 * would-be run id and status `pending` (or `failed` or `canceled`, see pendingRunView).
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
    summary: shownSummary(sub.summary, sub.status),
    error: sub.error ?? null,
    runs: sub.targets.map((t) => {
      const run = runs.get(t.runId);
      return run ? runView(t.runId, run) : pendingRunView(t, sub.accountIssues?.[t.runId], sub.status === "canceled");
    }),
  };
}
