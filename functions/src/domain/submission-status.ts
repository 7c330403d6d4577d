/**
 * The submission and run state machines (docs/contract.md §2). Every status write goes through these
 * functions inside a transaction, so a reader never sees an impossible combination.
 */
export const SUBMISSION_STATUSES = [
  // Stored and validated, not yet published or scheduled: nothing runs until POST /v1/posts/{id}/publish.
  "draft",
  "scheduled",
  "queued",
  "orchestrating",
  "dispatched",
  "completed",
  "partially_failed",
  "failed",
  "canceled",
  "dispatch_failed",
] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/**
 * Run statuses. `unknown`: the platform's answer was lost after it may have published; such a
 * run is never retried automatically (a retry could post twice) and counts as failed.
 * `canceled`: the post was canceled before the run was sent anywhere; it counts as neither.
 */
export const RUN_STATUSES = ["queued", "processing", "succeeded", "failed", "unknown", "canceled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * `total` = `succeeded` + `failed` + `pending` + `canceled`. `canceled` is absent from documents
 * written before runs could be canceled (read as 0, or as every run of a canceled post).
 */
export interface Summary {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  canceled?: number;
}

const FINAL_SUBMISSION: readonly SubmissionStatus[] = [
  "completed",
  "partially_failed",
  "failed",
  "canceled",
  "dispatch_failed",
];
const FINAL_RUN: readonly RunStatus[] = ["succeeded", "failed", "unknown", "canceled"];

export function isFinalSubmission(status: SubmissionStatus): boolean {
  return FINAL_SUBMISSION.includes(status);
}

export function isFinalRun(status: RunStatus): boolean {
  return FINAL_RUN.includes(status);
}

/** Statuses from which the orchestrator may (re)start its work. */
export function canOrchestrate(status: SubmissionStatus): boolean {
  return status === "scheduled" || status === "queued" || status === "orchestrating";
}

export function initialSummary(total: number): Summary {
  return { total, succeeded: 0, failed: 0, pending: total, canceled: 0 };
}

/** The summary after one pending run reached a final status (cancelation is `summaryCanceled`). */
export function summaryAfterRun(
  summary: Summary,
  outcome: Exclude<RunStatus, "queued" | "processing" | "canceled">,
): Summary {
  if (summary.pending <= 0) throw new Error("summary has no pending run to finish");
  return {
    ...summary,
    pending: summary.pending - 1,
    succeeded: summary.succeeded + (outcome === "succeeded" ? 1 : 0),
    failed: summary.failed + (outcome === "succeeded" ? 0 : 1),
  };
}

/** A canceled post's summary: whatever had not finished (nothing had been sent) is canceled. */
export function summaryCanceled(summary: Summary): Summary {
  return { ...summary, pending: 0, canceled: (summary.canceled ?? 0) + summary.pending };
}

/**
 * The summary as shown: `canceled` always present. A post canceled before cancelation was counted
 * had its other counts zeroed, so the rest of its total is what was canceled.
 */
export function shownSummary(summary: Summary, status: SubmissionStatus): Required<Summary> {
  const rest = summary.total - summary.succeeded - summary.failed - summary.pending;
  return { ...summary, canceled: summary.canceled ?? (status === "canceled" ? rest : 0) };
}

/** The submission's status once its summary changed: final when nothing is pending. */
export function statusForSummary(current: SubmissionStatus, summary: Summary): SubmissionStatus {
  if (summary.pending > 0 || (current !== "orchestrating" && current !== "dispatched")) return current;
  if (summary.failed === 0) return "completed";
  return summary.succeeded === 0 ? "failed" : "partially_failed";
}

/** A post can be canceled, edited or published early only before the orchestrator takes it (a draft: any time). */
export function isCancelable(status: SubmissionStatus): boolean {
  return status === "draft" || status === "scheduled" || status === "queued";
}

export function isEditable(status: SubmissionStatus): boolean {
  return status === "scheduled";
}

/**
 * The summary counted from the runs themselves (`unknown` counts as failed). A submission's stored
 * summary is written once its last run is final, not at every run (docs/architecture.md, "Fan-out
 * without a hot document"), so while runs are out this is the live count.
 */
export function summaryOfRuns(total: number, statuses: readonly RunStatus[]): Summary {
  const count = (match: (s: RunStatus) => boolean) => statuses.filter(match).length;
  const succeeded = count((s) => s === "succeeded");
  const failed = count((s) => s === "failed" || s === "unknown");
  const canceled = count((s) => s === "canceled");
  return { total, succeeded, failed, canceled, pending: total - succeeded - failed - canceled };
}

/** Whether the submission's runs are out (their outcomes not yet folded into its stored summary). */
export function runsInFlight(status: SubmissionStatus): boolean {
  return status === "orchestrating" || status === "dispatched";
}
