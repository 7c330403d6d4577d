import type { TaskFunctionName } from "./task-types";

export interface EnqueueOptions {
  /**
   * Deterministic task id (letters, digits, hyphens, underscores; at most 500 chars). Cloud Tasks
   * refuses a second task with the same id, which makes enqueueing idempotent.
   */
  taskId: string;
  /** Earliest delivery time; omitted means now. Cloud Tasks accepts at most 30 days ahead. */
  scheduleTime?: Date;
}

/** `enqueued`: a new task exists. `exists`: a task with this id was already created (not an error). */
export type EnqueueResult = "enqueued" | "exists";

/** Hands work to a task function's queue (tasks/dispatch.ts says which, with what payload and id). */
export interface TaskEnqueuer {
  enqueue(fn: TaskFunctionName, payload: object, options: EnqueueOptions): Promise<EnqueueResult>;
}
