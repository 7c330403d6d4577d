/** Names of the task functions; one constant shared by index.ts and every enqueuer (the emulator needs the bare name). */
export const TASK_FUNCTIONS = {
  orchestratePost: "orchestratePost",
  publishInstagram: "publishInstagram",
  publishTiktok: "publishTiktok",
  publishYoutube: "publishYoutube",
  publishFacebook: "publishFacebook",
  publishX: "publishX",
  publishThreads: "publishThreads",
  publishLinkedin: "publishLinkedin",
  publishSnapchat: "publishSnapchat",
} as const;

export type TaskFunctionName = (typeof TASK_FUNCTIONS)[keyof typeof TASK_FUNCTIONS];

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

/** Hands work to a task function's queue. */
export interface TaskEnqueuer {
  enqueue(fn: TaskFunctionName, payload: object, options: EnqueueOptions): Promise<EnqueueResult>;
}
