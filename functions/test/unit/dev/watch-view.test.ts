import { countdown, watchLines, type WatchedRun } from "../../../dev/watch-view";

const now = new Date("2026-11-30T09:00:00Z");
const at = (seconds: number) => ({ toDate: () => new Date(now.getTime() + seconds * 1000) });

describe("npm run watch's lines", () => {
  it("says what each run got or waits for, and until when", () => {
    const runs = new Map<string, WatchedRun>([
      [
        "x",
        { platform: "x", status: "succeeded", attempts: 1, platformPostId: "1862", permalink: "https://x.com/a/1862" },
      ],
      [
        "instagram",
        {
          platform: "instagram",
          status: "processing",
          attempts: 1,
          error: null,
          waiting: { reason: "platform_processing", message: "Instagram is processing container 17", until: at(45) },
        },
      ],
      [
        "youtube",
        {
          platform: "youtube",
          status: "processing",
          attempts: 1,
          waiting: {
            reason: "uploading",
            message: "Uploading the video to YouTube: 48.2 of 400.0 MB.",
            until: null,
            progress: { sentBytes: 48_200_000, totalBytes: 400_000_000 },
          },
        },
      ],
      [
        "threads",
        {
          platform: "threads",
          status: "queued",
          attempts: 0,
          waiting: { reason: "pacing", message: "Threads allows 250 posts per account in 24 hours.", until: at(250) },
        },
      ],
      [
        "tiktok",
        {
          platform: "tiktok",
          status: "queued",
          attempts: 1,
          error: { code: "transient", message: "TikTok answered HTTP 503" },
          waiting: {
            reason: "retry_backoff",
            message: "Failed (attempt 1 of 5), will be tried again: TikTok answered HTTP 503",
            until: at(5),
          },
        },
      ],
      [
        "linkedin",
        {
          platform: "linkedin",
          status: "queued",
          attempts: 1,
          error: { code: "rate_limited", message: "LinkedIn answered 429" },
          waiting: {
            reason: "rate_limited",
            message: "Throttled (attempt 1 of 5): LinkedIn answered 429",
            until: at(7300),
          },
        },
      ],
    ]);
    const lines = watchLines(
      "3f0c",
      {
        status: "dispatched",
        summary: { total: 7, pending: 6 },
        targets: [...runs.keys(), "snapchat"].map((runId) => ({ runId })),
      },
      runs,
      (until) => countdown(until, now),
    );
    expect(lines[1]).toBe(
      "  x ✓ succeeded | instagram ⟳ processing | youtube ⟳ processing | threads … queued | tiktok … queued | linkedin … queued | snapchat · pending",
    );
    expect(lines.slice(2).map((l) => l.replace(/ +/g, " ").trim())).toEqual([
      "x succeeded attempts=1 1862 https://x.com/a/1862",
      "instagram processing attempts=1 processing at Instagram, next check in 45 s (Instagram is processing container 17)",
      "youtube processing attempts=1 uploading to YouTube: 48.2 of 400.0 MB (12 %)",
      "threads queued attempts=0 pacing, sent in 4 min 10 s: Threads allows 250 posts per account in 24 hours.",
      "tiktok queued attempts=1 next try in 5 s; Failed (attempt 1 of 5), will be tried again: TikTok answered HTTP 503",
      "linkedin queued attempts=1 rate limited by LinkedIn, next try in 2 h 1 min (rate_limited: LinkedIn answered 429)",
    ]);
  });

  it("shows a canceled post's targets without runs as canceled", () => {
    const lines = watchLines("3f0c", { status: "canceled", targets: [{ runId: "x" }] }, new Map(), (d) =>
      d.toISOString(),
    );
    expect(lines[1]).toBe("  x ⊘ canceled");
  });

  it("counts down to now, never below", () => {
    expect([89, 90, 3600, 5400, 0, -5].map((s) => countdown(at(s).toDate(), now))).toEqual([
      "in 89 s",
      "in 1 min 30 s",
      "in 60 min",
      "in 1 h 30 min",
      "now",
      "now",
    ]);
  });
});
