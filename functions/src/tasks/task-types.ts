import type { Platform } from "../domain/platforms";

/** The task functions' names: the deployed function, its queue and what the emulator calls them. */
export type TaskFunctionName = "orchestratePost" | `publish${Capitalize<Platform>}` | "relayEvent" | "deliverWebhook";

/** What Cloud Tasks says about the delivery of a task, besides its payload. */
export interface TaskMeta {
  /** Cloud Tasks' retry count for this delivery (0 on the first). */
  retryCount: number;
}

/** A task function's handler: resolves when the work is done or dropped, throws to be delivered again. */
export type TaskHandler = (data: unknown, meta: TaskMeta) => Promise<void>;

/** The orchestrator's task: hand one post's runs to their publishers. */
export interface OrchestratePayload {
  postSubmissionId: string;
}

/** A publisher's task: publish one run, or check on it. */
export interface PublishPayload {
  postSubmissionId: string;
  runId: string;
  /** A check on a post the platform is still processing (does not count as an attempt). */
  check?: boolean;
}

/** The run a publish task is for; its platform picks the queue. */
export interface RunTask {
  postSubmissionId: string;
  runId: string;
  platform: Platform;
}

/** Fan one recorded event out to the user's endpoints. */
export interface RelayPayload {
  userId: string;
  eventId: string;
}

/** Deliver one event to one endpoint. */
export interface DeliverPayload {
  userId: string;
  eventId: string;
  endpointId: string;
}
