import { sha256Hex } from "../domain/canonical-json";
import type { Platform } from "../domain/platforms";
import type { EnqueueResult, TaskEnqueuer } from "./task-enqueuer";
import type {
  DeliverPayload,
  OrchestratePayload,
  PublishPayload,
  RelayPayload,
  RunTask,
  TaskFunctionName,
} from "./task-types";

/** Names of the task functions; one constant shared by index.ts, the enqueuers and deploy-check. */
export const PUBLISH_FUNCTION: { readonly [P in Platform]: `publish${Capitalize<P>}` } = {
  instagram: "publishInstagram",
  tiktok: "publishTiktok",
  youtube: "publishYoutube",
  facebook: "publishFacebook",
  x: "publishX",
  threads: "publishThreads",
  linkedin: "publishLinkedin",
  snapchat: "publishSnapchat",
};

export const TASK_FUNCTIONS = {
  orchestratePost: "orchestratePost",
  publishInstagram: PUBLISH_FUNCTION.instagram,
  publishTiktok: PUBLISH_FUNCTION.tiktok,
  publishYoutube: PUBLISH_FUNCTION.youtube,
  publishFacebook: PUBLISH_FUNCTION.facebook,
  publishX: PUBLISH_FUNCTION.x,
  publishThreads: PUBLISH_FUNCTION.threads,
  publishLinkedin: PUBLISH_FUNCTION.linkedin,
  publishSnapchat: PUBLISH_FUNCTION.snapchat,
  relayEvent: "relayEvent",
  deliverWebhook: "deliverWebhook",
} as const satisfies { [F in TaskFunctionName]: F };

// Cloud Tasks ids allow letters, digits, hyphens and underscores only.
const SAFE = /^[A-Za-z0-9_-]{1,200}$/;

function safe(part: string): string {
  return SAFE.test(part) ? part : sha256Hex(part).slice(0, 32);
}

/**
 * Deterministic task ids: enqueueing the same step twice yields one task. A scheduled post's id
 * carries its time, so moving the time creates a new task instead of colliding with the old one.
 */
export const taskIds = {
  orchestrate: (postSubmissionId: string, at: Date | null): string =>
    `orch-${safe(postSubmissionId)}-${at ? at.getTime() : "now"}`,
  publish: (postSubmissionId: string, runId: string, attempt = 0): string =>
    `pub-${safe(postSubmissionId)}-${safe(runId)}-${attempt}`,
  /** A check on a post the platform is processing: one id per check. */
  check: (postSubmissionId: string, runId: string, n: number): string =>
    `chk-${safe(postSubmissionId)}-${safe(runId)}-${n}`,
  /** A retry at a set time (a platform's retry-after, a posting cap's next slot). */
  retry: (postSubmissionId: string, runId: string, tag: string): string =>
    `pub-${safe(postSubmissionId)}-${safe(runId)}-${safe(tag)}`,
  /** An early delivery hands over to a task for the right time; unique, so it never hits the original id. */
  redefer: (postSubmissionId: string, at: Date, deliveredAt: Date): string =>
    `orch-${safe(postSubmissionId)}-${at.getTime()}-early-${deliveredAt.getTime()}`,
  /** A recovery by the sweeper: one id per sweep window, so a lost task is replaced once. */
  recovery: (base: string, windowStart: Date): string => `${base}-sweep-${windowStart.getTime()}`,
  /** An event's fan-out: one per event. */
  relay: (eventId: string): string => `rly-${safe(eventId)}`,
  /** An event's delivery to one endpoint: one per pair (Cloud Tasks retries it under the same id). */
  deliver: (eventId: string, endpointId: string): string => `whk-${safe(eventId)}-${safe(endpointId)}`,
};

/**
 * Every task Postcast enqueues, each tied to its function, payload and task id, so no caller
 * spells any of them. The id decides what a repeated enqueue does (Cloud Tasks answers `exists`
 * for a task it already has), so each method names the step it stands for.
 */
export class Dispatch {
  constructor(private readonly enqueuer: TaskEnqueuer) {}

  /** Hands a post to the orchestrator: now (`at` null), or at its scheduled time (one task per time). */
  orchestrate(postSubmissionId: string, at: Date | null): Promise<EnqueueResult> {
    return this.toOrchestrator(postSubmissionId, taskIds.orchestrate(postSubmissionId, at), at);
  }

  /**
   * Hands over a post that was deferred beyond Cloud Tasks' horizon, under the id its scheduled
   * time gives it; a time already past is delivered now.
   */
  handOver(postSubmissionId: string, at: Date, now: Date): Promise<EnqueueResult> {
    return this.toOrchestrator(postSubmissionId, taskIds.orchestrate(postSubmissionId, at), at > now ? at : null);
  }

  /** An orchestration delivered early hands over to a task for its time (a new id each time). */
  redefer(postSubmissionId: string, at: Date, deliveredAt: Date): Promise<EnqueueResult> {
    return this.toOrchestrator(postSubmissionId, taskIds.redefer(postSubmissionId, at, deliveredAt), at);
  }

  /** The sweeper replaces a post's lost orchestration, once per sweep window. */
  recoverOrchestration(postSubmissionId: string, window: Date): Promise<EnqueueResult> {
    const taskId = taskIds.recovery(taskIds.orchestrate(postSubmissionId, null), window);
    return this.toOrchestrator(postSubmissionId, taskId, null);
  }

  /**
   * A run's first publish task, or (`check`: the check's number) a check at `at` on what the
   * platform is processing.
   */
  publish(run: RunTask, next?: { at: Date; check: number }): Promise<EnqueueResult> {
    const { postSubmissionId: id, runId } = run;
    if (!next) return this.toPublisher(run, taskIds.publish(id, runId), null, false);
    return this.toPublisher(run, taskIds.check(id, runId, next.check), next.at, true);
  }

  /** A new try at a set time (a platform's retry-after, a posting cap's slot); `tag` says which. */
  retry(run: RunTask, at: Date, tag: string): Promise<EnqueueResult> {
    const taskId = taskIds.retry(run.postSubmissionId, run.runId, `${tag}-${at.getTime()}`);
    return this.toPublisher(run, taskId, at, false);
  }

  /** The sweeper replaces a run's lost task, once per sweep window. */
  recoverRun(run: RunTask, window: Date): Promise<EnqueueResult> {
    const taskId = taskIds.recovery(taskIds.publish(run.postSubmissionId, run.runId), window);
    return this.toPublisher(run, taskId, null, false);
  }

  /** Hands a recorded event to its fan-out (after the commit that wrote it). */
  relayEvent(userId: string, eventId: string): Promise<EnqueueResult> {
    return this.toRelay({ userId, eventId }, taskIds.relay(eventId));
  }

  /** The relay of events just committed (store/event-store.ts's EventRelay). */
  async relayEvents(events: readonly { userId: string; eventId: string }[]): Promise<void> {
    await Promise.all(events.map((e) => this.relayEvent(e.userId, e.eventId)));
  }

  /** The sweeper relays an event whose relay was lost, once per sweep window. */
  recoverRelay(userId: string, eventId: string, window: Date): Promise<EnqueueResult> {
    return this.toRelay({ userId, eventId }, taskIds.recovery(taskIds.relay(eventId), window));
  }

  /**
   * Delivers an event to one endpoint. `redelivery` (POST /v1/events/{id}/redeliver) makes a new
   * task, keyed by when it was asked for; otherwise one task per event and endpoint.
   */
  deliverWebhook(payload: DeliverPayload, redelivery?: Date): Promise<EnqueueResult> {
    const base = taskIds.deliver(payload.eventId, payload.endpointId);
    const taskId = redelivery ? `${base}-re-${redelivery.getTime()}` : base;
    return this.enqueuer.enqueue(TASK_FUNCTIONS.deliverWebhook, payload, { taskId });
  }

  private toRelay(payload: RelayPayload, taskId: string): Promise<EnqueueResult> {
    return this.enqueuer.enqueue(TASK_FUNCTIONS.relayEvent, payload, { taskId });
  }

  private toOrchestrator(postSubmissionId: string, taskId: string, at: Date | null): Promise<EnqueueResult> {
    const payload: OrchestratePayload = { postSubmissionId };
    return this.enqueuer.enqueue(TASK_FUNCTIONS.orchestratePost, payload, {
      taskId,
      ...(at ? { scheduleTime: at } : {}),
    });
  }

  private toPublisher(run: RunTask, taskId: string, at: Date | null, check: boolean): Promise<EnqueueResult> {
    const payload: PublishPayload = {
      postSubmissionId: run.postSubmissionId,
      runId: run.runId,
      ...(check ? { check: true } : {}),
    };
    return this.enqueuer.enqueue(PUBLISH_FUNCTION[run.platform], payload, {
      taskId,
      ...(at ? { scheduleTime: at } : {}),
    });
  }
}

/** The dispatch of tasks through `enqueuer` (Cloud Tasks in production, InlineTasks in tests). */
export function dispatch(enqueuer: TaskEnqueuer): Dispatch {
  return new Dispatch(enqueuer);
}
