import { randomUUID } from "node:crypto";
import type { Platform } from "../domain/platforms";
import type { PublishError } from "../domain/publish-error";
import type { NormalizedPostRequest } from "../domain/post-request";
import { logs } from "../logs";
import type { AdapterRegistry } from "../platforms/registry";
import type { RunStore } from "../store/run-store";
import type { TaskMeta } from "./orchestrator";
import { publishPayload } from "./payloads";
import { MAX_PUBLISH_ATTEMPTS, PUBLISH_FUNCTION, PUBLISH_LEASE_MS } from "./queue-options";
import type { TaskEnqueuer } from "./task-enqueuer";
import { taskIds } from "./task-ids";

export interface PublisherDeps {
  runs: RunStore;
  adapters: AdapterRegistry;
  enqueuer: TaskEnqueuer;
  clock: () => Date;
}

/** Thrown to make Cloud Tasks deliver the task again later, with its backoff. */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetryLaterError";
  }
}

/**
 * The handler shared by the eight publisher functions: claim the run, publish once through the
 * platform's adapter, record the outcome. A run that reached a final status is never published
 * again, whatever Cloud Tasks redelivers.
 */
export function createPublishHandler(platform: Platform, deps: PublisherDeps) {
  const task = PUBLISH_FUNCTION[platform];
  return async (data: unknown, _meta: TaskMeta): Promise<void> => {
    const payload = publishPayload.safeParse(data);
    if (!payload.success) return logs.taskDropped(task, "malformed payload", data);
    const { postSubmissionId: id, runId } = payload.data;

    const leaseId = randomUUID();
    const claim = await deps.runs.claim(id, runId, leaseId, deps.clock(), PUBLISH_LEASE_MS);
    if (claim.kind === "missing") return logs.taskDropped(task, "no such run", data);
    if (claim.kind === "final") return;
    if (claim.kind === "busy") throw new RetryLaterError(`run ${id}/${runId} is held by another delivery`);
    if (claim.run.platform !== platform) return logs.taskDropped(task, "run belongs to another platform", data);

    const request = claim.submission.request as unknown as NormalizedPostRequest;
    const adapter = deps.adapters.forRun(platform, claim.submission.mode);
    const attempt = claim.run.attempts;
    let failure: PublishError;
    try {
      const result = await adapter.publish({
        postSubmissionId: id,
        runId,
        platform,
        accountId: claim.run.accountId,
        userId: claim.submission.userId,
        mode: claim.submission.mode,
        attempt,
        content: request.post.content,
        trialReel: request.trial_reel,
        sandboxOutcome: request.sandbox?.outcomes[runId] ?? request.sandbox?.outcomes[platform] ?? "succeed",
      });
      await deps.runs.finish(id, runId, leaseId, { status: "succeeded", ...result });
      return logs.runFinished(id, runId, "succeeded");
    } catch (error) {
      failure = adapter.classifyError(error);
    }

    const runError = { code: failure.code, message: failure.message, retryable: failure.retryable };
    if (!failure.retryable || attempt >= MAX_PUBLISH_ATTEMPTS) {
      const status = failure.code === "outcome_unknown" ? "unknown" : "failed";
      const message = failure.retryable ? `${failure.message} (gave up after ${attempt} attempts)` : failure.message;
      await deps.runs.finish(id, runId, leaseId, { status, error: { ...runError, message, retryable: false } });
      return logs.runFinished(id, runId, status, failure.code);
    }

    await deps.runs.release(id, runId, leaseId, runError);
    logs.runRetry(id, runId, failure.code, attempt);
    if (failure.retryAfterSeconds !== null) {
      // The platform said when to come back: a task scheduled for then honours it exactly,
      // where Cloud Tasks' own backoff would not.
      await deps.enqueuer.enqueue(
        task,
        { postSubmissionId: id, runId },
        {
          taskId: taskIds.publish(id, runId, attempt),
          scheduleTime: new Date(deps.clock().getTime() + failure.retryAfterSeconds * 1000),
        },
      );
      return;
    }
    throw new RetryLaterError(`${failure.code}: ${failure.message}`);
  };
}
