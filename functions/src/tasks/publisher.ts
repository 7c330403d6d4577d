import { randomUUID } from "node:crypto";
import type { Platform } from "../domain/platforms";
import { logs } from "../logs";
import { Delivery, RetryLaterError } from "./delivery";
import type { PublisherDeps } from "./deps";
import { PUBLISH_FUNCTION } from "./dispatch";
import { publishPayload } from "./payloads";
import { MAX_PUBLISH_ATTEMPTS, PUBLISH_LEASE_MS } from "./queue-options";
import type { TaskHandler } from "./task-types";

/**
 * The handler shared by the eight publisher functions: claim the run, then let a Delivery publish
 * (or check on) it. A run that reached a final status is never published again, whatever Cloud
 * Tasks redelivers, and a run whose attempts are used up is finished by the claim itself.
 */
export function createPublishHandler(platform: Platform, deps: PublisherDeps): TaskHandler {
  const task = PUBLISH_FUNCTION[platform];
  return async (data, meta) => {
    const payload = publishPayload.safeParse(data);
    if (!payload.success) return logs.taskDropped(task, "malformed payload", data);
    const { postSubmissionId: id, runId } = payload.data;
    const check = payload.data.check === true;

    const leaseId = randomUUID();
    const claim = await deps.runs.claim(id, runId, leaseId, deps.clock(), PUBLISH_LEASE_MS, {
      countAttempt: !check,
      maxAttempts: MAX_PUBLISH_ATTEMPTS,
      platform,
      // Written by the delivery's first write (Delivery.held): one write fewer per run.
      defer: true,
    });
    if (claim.kind === "missing") return logs.taskDropped(task, "no such run", data);
    if (claim.kind === "foreign") return logs.taskDropped(task, "run belongs to another platform", data);
    if (claim.kind === "final" || claim.kind === "not_waiting") return;
    if (claim.kind === "exhausted") {
      return logs.runExhausted(id, runId, claim.outcome.status, claim.attempts, claim.outcome.error.message);
    }
    if (claim.kind === "busy") {
      // A check finding the run held: the holder schedules whatever comes next.
      if (check) return;
      throw new RetryLaterError(`run ${id}/${runId} is held by another delivery`);
    }
    await new Delivery(
      deps,
      platform,
      claim.lease,
      claim.run,
      claim.submission,
      { postSubmissionId: id, runId },
      { check, retryCount: meta.retryCount },
    ).perform();
  };
}
