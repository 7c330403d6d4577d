import { PUBLISH_RETRY, cloudTasksBackoffSeconds } from "../../../src/tasks/queue-options";

describe("Cloud Tasks' retry schedule, as a run shows it", () => {
  it("follows Google's documented example: doubles, then grows linearly, then stays at the maximum", () => {
    // RetryConfig docs: min 10 s, max 300 s, max_doublings 3 → 10, 20, 40, 80, 160, 240, 300, 300 …
    const config = { minBackoffSeconds: 10, maxBackoffSeconds: 300, maxDoublings: 3 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => cloudTasksBackoffSeconds(config, n))).toEqual([
      10, 20, 40, 80, 160, 240, 300, 300,
    ]);
  });

  it("gives the publishers' queue its first retries 5 s and 10 s apart", () => {
    expect(cloudTasksBackoffSeconds(PUBLISH_RETRY, 1)).toBe(5);
    expect(cloudTasksBackoffSeconds(PUBLISH_RETRY, 2)).toBe(10);
    expect(cloudTasksBackoffSeconds(PUBLISH_RETRY, 20)).toBe(PUBLISH_RETRY.maxBackoffSeconds);
  });
});
