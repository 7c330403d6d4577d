import { randomUUID } from "node:crypto";
import type { Platform } from "../domain/platforms";
import { logs } from "../logs";
import type { TaskMeta } from "./orchestrator";
import { Delivery, RetryLaterError, type PublisherDeps } from "./delivery";
import { publishPayload } from "./payloads";
import { MAX_PUBLISH_ATTEMPTS, PUBLISH_FUNCTION, PUBLISH_LEASE_MS } from "./queue-options";

/**
 * The handler shared by the eight publisher functions: claim the run, then let a Delivery publish
 * (or check on) it. A run that reached a final status is never published again, whatever Cloud
 * Tasks redelivers, and a run whose attempts are used up is finished by the claim itself.
 */
export function createPublishHandler(platform: Platform, deps: PublisherDeps) {
  const task = PUBLISH_FUNCTION[platform];
  return async (data: unknown, meta: TaskMeta): Promise<void> => {
    const payload = publishPayload.safeParse(data);
    if (!payload.success) return logs.taskDropped(task, "malformed payload", data);
    const { postSubmissionId: id, runId } = payload.data;
    const check = payload.data.check === true;

    const leaseId = randomUUID();
    const claim = await deps.runs.claim(id, runId, leaseId, deps.clock(), PUBLISH_LEASE_MS, {
      countAttempt: !check,
      maxAttempts: MAX_PUBLISH_ATTEMPTS,
    });
    if (claim.kind === "missing") return logs.taskDropped(task, "no such run", data);
    if (claim.kind === "final" || claim.kind === "not_waiting") return;
    if (claim.kind === "exhausted") {
      return logs.runExhausted(id, runId, claim.outcome.status, claim.attempts, claim.outcome.error.message);
    }
    if (claim.kind === "busy") {
      // A check finding the run held: the holder schedules whatever comes next.
      if (check) return;
      throw new RetryLaterError(`run ${id}/${runId} is held by another delivery`);
    }
    if (claim.run.platform !== platform) return logs.taskDropped(task, "run belongs to another platform", data);
    await new Delivery(
      deps,
      platform,
      leaseId,
      claim.run,
      claim.submission,
      { postSubmissionId: id, runId },
      { check, retryCount: meta.retryCount },
    ).perform();
  };
}
