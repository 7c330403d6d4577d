import type { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { PLATFORMS } from "../../domain/platforms";
import { WAIT_REASONS } from "../../domain/run-waiting";
import {
  RUN_STATUSES,
  runsInFlight,
  shownSummary,
  SUBMISSION_STATUSES,
  summaryOfRuns,
} from "../../domain/submission-status";
import type { AccountIssueRecord, RunRecord, RunWaitingRecord, SubmissionRecord } from "../../store/records";

export const iso = (t: Timestamp | null | undefined): string | null => (t ? t.toDate().toISOString() : null);

const isoTime = z.iso.datetime();
const finding = z.object({ rule: z.string(), message: z.string() });
const runError = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() });
const issueSchema = z.object({ code: z.string(), message: z.string(), at: isoTime.nullable() });
const waitingSchema = z.object({
  reason: z.enum(WAIT_REASONS),
  message: z.string(),
  since: isoTime.nullable(),
  until: isoTime.nullable(),
  progress: z.object({ sentBytes: z.number(), totalBytes: z.number() }).optional(),
});
const runBase = { runId: z.string(), platform: z.enum(PLATFORMS), accountId: z.string() };
/** A target's run once orchestrated. */
const runSchema = z.object({
  ...runBase,
  status: z.enum(RUN_STATUSES),
  attempts: z.number().int(),
  platformPostId: z.string().nullable(),
  permalink: z.string().nullable(),
  error: runError.nullable(),
  adjustments: z.array(finding),
  warning: issueSchema.nullable(),
  waiting: waitingSchema.nullable(),
  createdAt: isoTime.nullable(),
  updatedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});
/** A target not orchestrated yet (see pendingRunView). */
const pendingRunSchema = z.union([
  z.object({ ...runBase, status: z.literal("failed"), error: runError }),
  z.object({ ...runBase, status: z.enum(["pending", "canceled"]), warning: issueSchema.nullable() }),
]);

/** A post as GET /v1/posts/{id} answers it (and the list, DELETE, PATCH and publish-now). */
export const postViewSchema = z
  .object({
    postSubmissionId: z.string(),
    status: z.enum(SUBMISSION_STATUSES),
    mode: z.enum(["live", "test"]),
    scheduledTime: isoTime.nullable(),
    createdAt: isoTime.nullable(),
    updatedAt: isoTime.nullable(),
    requestId: z.string(),
    request: z.looseObject({}).meta({ description: "The validated request, as stored (see POST /v1/posts)." }),
    targets: z.array(
      z.object({
        platform: z.enum(PLATFORMS),
        accountId: z.string(),
        runId: z.string(),
        adjustments: z.array(finding).optional(),
      }),
    ),
    summary: z.object({
      total: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      pending: z.number().int(),
      canceled: z.number().int(),
    }),
    error: runError.nullable(),
    runs: z.array(z.union([runSchema, pendingRunSchema])),
  })
  .meta({ id: "Post" });
export type PostView = z.output<typeof postViewSchema>;

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
export function postView(id: string, sub: SubmissionRecord, runs: ReadonlyMap<string, RunRecord>): PostView {
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
    // While runs are out the stored summary is the orchestration's: the runs give the live count.
    summary: shownSummary(
      runsInFlight(sub.status) && runs.size > 0
        ? summaryOfRuns(
            sub.summary.total,
            [...runs.values()].map((r) => r.status),
          )
        : sub.summary,
      sub.status,
    ),
    error: sub.error ?? null,
    runs: sub.targets.map((t) => {
      const run = runs.get(t.runId);
      return run ? runView(t.runId, run) : pendingRunView(t, sub.accountIssues?.[t.runId], sub.status === "canceled");
    }),
  };
}
