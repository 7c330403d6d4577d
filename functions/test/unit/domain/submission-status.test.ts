import {
  initialSummary,
  shownSummary,
  statusForSummary,
  summaryAfterRun,
  summaryCanceled,
  summaryOfRuns,
} from "../../../src/domain/submission-status";

describe("submission state machine", () => {
  it("counts finished runs and becomes final only when nothing is pending", () => {
    let s = initialSummary(3);
    s = summaryAfterRun(s, "succeeded");
    expect(statusForSummary("dispatched", s)).toBe("dispatched");
    s = summaryAfterRun(s, "failed");
    s = summaryAfterRun(s, "unknown");
    expect(s).toEqual({ total: 3, succeeded: 1, failed: 2, pending: 0, canceled: 0 });
    expect(statusForSummary("dispatched", s)).toBe("partially_failed");
  });

  it("distinguishes completed, failed and partially_failed", () => {
    expect(statusForSummary("dispatched", { total: 2, succeeded: 2, failed: 0, pending: 0 })).toBe("completed");
    expect(statusForSummary("orchestrating", { total: 2, succeeded: 0, failed: 2, pending: 0 })).toBe("failed");
  });

  it("never changes a canceled or already final submission", () => {
    expect(statusForSummary("canceled", { total: 1, succeeded: 1, failed: 0, pending: 0 })).toBe("canceled");
    expect(statusForSummary("completed", { total: 1, succeeded: 1, failed: 0, pending: 0 })).toBe("completed");
  });

  it("refuses to finish more runs than are pending", () => {
    expect(() => summaryAfterRun({ total: 1, succeeded: 1, failed: 0, pending: 0 }, "succeeded")).toThrow();
  });

  it("cancels what is pending and keeps what already failed, so the counts still add up to the total", () => {
    const flagged = summaryAfterRun(initialSummary(3), "failed"); // an account disconnected before the cancel
    expect(summaryCanceled(flagged)).toEqual({ total: 3, succeeded: 0, failed: 1, pending: 0, canceled: 2 });
  });

  it("shows canceled on every summary: 0, or every run of a post canceled before it was counted", () => {
    expect(shownSummary({ total: 2, succeeded: 1, failed: 0, pending: 1 }, "dispatched").canceled).toBe(0);
    expect(shownSummary({ total: 2, succeeded: 0, failed: 0, pending: 0 }, "canceled").canceled).toBe(2);
    expect(shownSummary({ total: 2, succeeded: 0, failed: 1, pending: 0, canceled: 1 }, "canceled").canceled).toBe(1);
  });

  it("counts a summary from the runs as the incremental one would (unknown as failed, canceled apart)", () => {
    let incremental = initialSummary(5);
    for (const outcome of ["succeeded", "unknown", "failed"] as const)
      incremental = summaryAfterRun(incremental, outcome);
    expect(summaryOfRuns(5, ["succeeded", "unknown", "failed", "queued", "processing"])).toEqual(incremental);
    expect(summaryOfRuns(3, ["succeeded", "canceled"])).toEqual({
      total: 3,
      succeeded: 1,
      failed: 0,
      canceled: 1,
      pending: 1,
    });
  });
});
