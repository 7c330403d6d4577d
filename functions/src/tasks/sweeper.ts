import { logs } from "../logs";
import type { RunStore } from "../store/run-store";
import type { SubmissionStore } from "../store/submission-store";
import type { EventStore } from "../store/event-store";
import type { SweepQueries } from "../store/sweep-queries";
import { dispatch } from "./dispatch";
import { CLOUD_TASKS_HORIZON_MS } from "./queue-options";
import type { TaskEnqueuer } from "./task-enqueuer";

export interface SweeperDeps {
  submissions: SubmissionStore;
  runs: RunStore;
  queries: SweepQueries;
  /** The outbox: events whose relay was lost are relayed again. */
  events: EventStore;
  enqueuer: TaskEnqueuer;
  clock: () => Date;
}

export const SWEEP = {
  /** How long an accepted submission may wait for its orchestrator before it is handed over again. */
  graceMs: 2 * 60_000,
  /** How long orchestration may take before it is restarted. */
  orchestratingMs: 10 * 60_000,
  /** How long a queued run may wait (retry-after included) before its task is replaced. */
  queuedRunMs: 30 * 60_000,
  /**
   * How long a dispatched post may go without a write before its settling is checked again (its
   * last run's publisher may have died between the run's commit and the settling).
   */
  settleGraceMs: 2 * 60_000,
  /** How long a recorded event may wait for its relay (normally well under a second). */
  relayGraceMs: 60_000,
  batch: 200,
} as const;

/**
 * The scheduled sweeper. Accepted work is never lost: it hands posts scheduled beyond Cloud Tasks'
 * 30-day horizon to the queue when they come within it, and re-enqueues anything whose task was
 * lost (enqueue failed after the post was stored, or a publisher died holding its lease). Every
 * handler it feeds re-checks state, so a recovery that races the original task is harmless.
 */
export async function sweep(deps: SweeperDeps): Promise<Record<string, number>> {
  const now = deps.clock();
  const window = new Date(Math.floor(now.getTime() / SWEEP.graceMs) * SWEEP.graceMs);
  const before = (ms: number) => new Date(now.getTime() - ms);
  const counts: Record<string, number> = {};
  const tasks = dispatch(deps.enqueuer);
  const orchestrate = async (id: string, key: string) => {
    await tasks.recoverOrchestration(id, window);
    counts[key] = (counts[key] ?? 0) + 1;
  };

  for (const { id, submission } of await deps.queries.deferredDueBefore(
    new Date(now.getTime() + CLOUD_TASKS_HORIZON_MS),
    SWEEP.batch,
  )) {
    const at = submission.scheduledTime?.toDate() ?? now;
    await tasks.handOver(id, at, now);
    await deps.submissions.clearDeferred(id);
    counts.handedOver = (counts.handedOver ?? 0) + 1;
  }
  // By updatedAt, not createdAt: a post published early (publish-now) is queued long after it was created.
  for (const { id } of await deps.queries.stuck("queued", "updatedAt", before(SWEEP.graceMs), SWEEP.batch)) {
    await orchestrate(id, "queued");
  }
  for (const { id } of await deps.queries.stuck("scheduled", "scheduledTime", before(SWEEP.graceMs), SWEEP.batch)) {
    await orchestrate(id, "overdue");
  }
  for (const { id } of await deps.queries.stuck(
    "orchestrating",
    "updatedAt",
    before(SWEEP.orchestratingMs),
    SWEEP.batch,
  )) {
    await orchestrate(id, "orchestrating");
  }
  for (const { id } of await deps.queries.stuck("dispatched", "updatedAt", before(SWEEP.settleGraceMs), SWEEP.batch)) {
    const status = await deps.submissions.settle(id);
    if (status !== null && status !== "dispatched") counts.settled = (counts.settled ?? 0) + 1;
  }
  const staleRuns = [
    ...(await deps.runs.stale("processing", "leaseExpiresAt", before(SWEEP.graceMs), SWEEP.batch)),
    ...(await deps.runs.stale("queued", "updatedAt", before(SWEEP.queuedRunMs), SWEEP.batch)),
  ];
  for (const { id, runId, run } of staleRuns) {
    await tasks.recoverRun({ postSubmissionId: id, runId, platform: run.platform }, window);
    counts.runs = (counts.runs ?? 0) + 1;
  }
  for (const { userId, eventId } of await deps.events.unrelayed(before(SWEEP.relayGraceMs), SWEEP.batch)) {
    await tasks.recoverRelay(userId, eventId, window);
    counts.events = (counts.events ?? 0) + 1;
  }
  logs.swept(counts);
  return counts;
}
