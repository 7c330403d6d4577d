import { taskIds } from "../../../src/tasks/dispatch";

const CLOUD_TASKS_ID = /^[A-Za-z0-9_-]{1,500}$/;

describe("task ids", () => {
  const id = "3f0c8a9e-1d2b-4c5d-8e9f-0a1b2c3d4e5f";

  it("are valid Cloud Tasks ids even for run ids with ':' and odd account ids", () => {
    for (const taskId of [
      taskIds.orchestrate(id, null),
      taskIds.orchestrate(id, new Date("2030-01-01T00:00:00Z")),
      taskIds.publish(id, "x:acct.with:odd chars/é"),
      taskIds.redefer(id, new Date(2e12), new Date(1e12)),
      taskIds.recovery(taskIds.publish(id, "threads"), new Date(1e12)),
    ]) {
      expect(taskId).toMatch(CLOUD_TASKS_ID);
    }
  });

  it("are deterministic, and differ when the step differs", () => {
    expect(taskIds.publish(id, "x")).toBe(taskIds.publish(id, "x"));
    expect(taskIds.publish(id, "x", 1)).not.toBe(taskIds.publish(id, "x", 0));
    expect(taskIds.publish(id, "x:a")).not.toBe(taskIds.publish(id, "x:b"));
    expect(taskIds.orchestrate(id, new Date(1))).not.toBe(taskIds.orchestrate(id, new Date(2)));
    expect(taskIds.redefer(id, new Date(5), new Date(1))).not.toBe(taskIds.orchestrate(id, new Date(5)));
  });
});
