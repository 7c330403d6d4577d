/**
 * The firebase-tools Cloud Tasks emulator delivered every task at once, ignoring scheduleTime;
 * patches/root/firebase-tools+*.patch makes it hold a task until its time, as Cloud Tasks does.
 * These tests fail on the unpatched emulator.
 */
import path from "node:path";
import { REPO_ROOT } from "../../../dev/local-config";

interface TaskQueueLike {
  enqueue(task: object): void;
  delete(name: string): void;
  isActive(): boolean;
  queue: { size(): number };
  onReady?: () => void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TaskQueue } = require(path.join(REPO_ROOT, "node_modules/firebase-tools/lib/emulator/taskQueue")) as {
  TaskQueue: new (key: string, config: object) => TaskQueueLike;
};

const config = {
  retryConfig: { maxAttempts: 3, maxRetrySeconds: 0, maxBackoffSeconds: 1, maxDoublings: 1, minBackoffSeconds: 1 },
  rateLimits: { maxConcurrentDispatches: 10, maxDispatchesPerSecond: 10 },
  timeoutSeconds: 10,
  retry: true,
  defaultUri: "http://127.0.0.1:1/unused",
};
const task = (name: string, scheduleTime?: Date) => ({
  name,
  ...(scheduleTime ? { scheduleTime: scheduleTime.toISOString() } : {}),
  httpRequest: { url: "", httpMethod: "POST", headers: {}, body: {} },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Cloud Tasks emulator scheduleTime (patched)", () => {
  it("queues a task for the future only when its time comes, and tells the controller", async () => {
    const q = new TaskQueue("queue:test", config);
    let woken = 0;
    q.onReady = () => (woken += 1);
    q.enqueue(task("later", new Date(Date.now() + 400)));
    q.enqueue(task("now"));
    expect(q.queue.size()).toBe(1);
    await sleep(600);
    expect(q.queue.size()).toBe(2);
    expect(woken).toBe(1);
  });

  it("still refuses a second task with the same name while the first waits", () => {
    const q = new TaskQueue("queue:test", config);
    q.enqueue(task("dup", new Date(Date.now() + 60_000)));
    expect(() => q.enqueue(task("dup"))).toThrow();
    q.delete("dup");
  });

  it("can delete a task before its time", async () => {
    const q = new TaskQueue("queue:test", config);
    q.enqueue(task("canceled", new Date(Date.now() + 200)));
    q.delete("canceled");
    await sleep(400);
    expect(q.queue.size()).toBe(0);
  });
});
