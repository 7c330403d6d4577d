import type { EnqueueOptions, EnqueueResult, TaskEnqueuer } from "../../src/tasks/task-enqueuer";
import type { TaskFunctionName, TaskHandler } from "../../src/tasks/task-types";

export interface QueuedTask {
  fn: TaskFunctionName;
  payload: object;
  taskId: string;
  scheduleTime: Date | null;
  retryCount: number;
}

export type Handlers = Partial<Record<TaskFunctionName, TaskHandler>>;

/**
 * An in-process stand-in for Cloud Tasks in integration tests: it keeps task ids unique (a second
 * enqueue answers "exists"), keeps schedule times, and redelivers a task whose handler threw, as
 * Cloud Tasks does. The end-to-end tests use the real Cloud Tasks emulator instead.
 */
export class InlineTasks implements TaskEnqueuer {
  readonly pending: QueuedTask[] = [];
  readonly delivered: QueuedTask[] = [];
  private readonly ids = new Set<string>();
  failNext = 0;

  enqueue(fn: TaskFunctionName, payload: object, options: EnqueueOptions): Promise<EnqueueResult> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return Promise.reject(new Error("Cloud Tasks unavailable (simulated)"));
    }
    if (this.ids.has(options.taskId)) return Promise.resolve("exists");
    this.ids.add(options.taskId);
    this.pending.push({
      fn,
      payload,
      taskId: options.taskId,
      scheduleTime: options.scheduleTime ?? null,
      retryCount: 0,
    });
    return Promise.resolve("enqueued");
  }

  /**
   * Delivers every task due at `now()` (all of them when `ignoreSchedule`) that has a handler,
   * redelivering failures up to `maxAttempts`, until nothing due is left.
   */
  async drain(handlers: Handlers, options: { now?: () => Date; ignoreSchedule?: boolean; maxAttempts?: number } = {}) {
    const now = options.now ?? (() => new Date());
    const maxAttempts = options.maxAttempts ?? 10;
    const errors: unknown[] = [];
    for (;;) {
      const index = this.pending.findIndex(
        (t) => handlers[t.fn] !== undefined && (options.ignoreSchedule || !t.scheduleTime || t.scheduleTime <= now()),
      );
      if (index < 0) return errors;
      const [task] = this.pending.splice(index, 1);
      if (!task) return errors;
      const handler = handlers[task.fn]!;
      this.delivered.push(task);
      try {
        await handler(task.payload, { retryCount: task.retryCount });
      } catch (error) {
        errors.push(error);
        if (task.retryCount + 1 < maxAttempts) this.pending.push({ ...task, retryCount: task.retryCount + 1 });
      }
    }
  }
}
