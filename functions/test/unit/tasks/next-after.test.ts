import { PublishError } from "../../../src/domain/publish-error";
import type { PublishCap } from "../../../src/domain/publish-caps";
import { nextAfter, type AttemptOutcome, type AttemptState } from "../../../src/tasks/next-after";

/** The decision after a delivery's attempt, case by case: no Firestore, no queue, the clock fixed. */
const NOW = new Date("2026-03-01T12:00:00Z");
const HOUR = 3600_000;
const after = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

const base: AttemptState = {
  platform: "x",
  mode: "live",
  attempts: 1,
  committed: false,
  check: false,
  retryCount: 0,
  processingSince: null,
  progress: { containerId: "c1" },
  pollScale: 1,
  now: NOW,
};

const cap: PublishCap = { limit: 25, windowSeconds: 24 * 3600 };
const failed = (error: PublishError): AttemptOutcome => ({ kind: "failed", error });
const transient = (options: ConstructorParameters<typeof PublishError>[2] = {}) =>
  failed(new PublishError("transient", "upstream 503", options));

/** A new try `seconds` from now (`tag` null: by Cloud Tasks' backoff), showing `reason` until then. */
const again = (
  kind: "retry" | "reconcile",
  seconds: number,
  tag: string | null,
  error: Record<string, unknown>,
  reason?: string,
) => ({ kind, tag, at: after(seconds), error, ...(reason ? { wait: { reason, until: after(seconds) } } : {}) });

/** A final outcome; `deadLetter` when an operator should look. */
const givesUp = (status: "failed" | "unknown", deadLetter: boolean, error: Record<string, unknown>) => ({
  kind: "give_up",
  status,
  deadLetter,
  error,
});

interface Case {
  name: string;
  outcome: AttemptOutcome;
  state?: Partial<AttemptState>;
  expected: Record<string, unknown>;
  /** Set when the account must be marked as needing reconnection. */
  needsReauth?: string;
}

const CASES: Case[] = [
  {
    name: "published: succeed",
    outcome: { kind: "published", platformPostId: "p1", permalink: "https://x.test/p1" },
    expected: { kind: "succeed", platformPostId: "p1", permalink: "https://x.test/p1" },
  },
  {
    name: "the platform is processing: check when it says, showing platform_processing until then",
    outcome: { kind: "wait", progress: { containerId: "c2" }, afterSeconds: 30, reason: "Video is being processed." },
    expected: {
      kind: "check",
      at: after(30),
      progress: { containerId: "c2" },
      wait: { reason: "platform_processing", message: "Video is being processed.", until: after(30) },
    },
  },
  {
    name: "processing on the local stack: the poll interval scaled",
    outcome: { kind: "wait", progress: {}, afterSeconds: 30, reason: "processing" },
    state: { pollScale: 0.1 },
    expected: { kind: "check", at: after(3), wait: { reason: "platform_processing", until: after(3) } },
  },
  {
    name: "processing for exactly 24 hours: still checked",
    outcome: { kind: "wait", progress: {}, afterSeconds: 60, reason: "processing" },
    state: { processingSince: new Date(NOW.getTime() - 24 * HOUR) },
    expected: { kind: "check", at: after(60) },
  },
  {
    name: "processing for more than 24 hours: give up as unknown, dead-lettered",
    outcome: { kind: "wait", progress: {}, afterSeconds: 60, reason: "still IN_PROGRESS" },
    state: { processingSince: new Date(NOW.getTime() - 24 * HOUR - 1) },
    expected: givesUp("unknown", true, {
      code: "outcome_unknown",
      message: "x was still processing the post after 24 hours (still IN_PROGRESS).",
      retryable: false,
    }),
  },
  {
    name: "a lost outcome the platform cannot settle: give up as unknown with its reason",
    outcome: { kind: "undecidable", reason: "no way to list recent posts" },
    state: { committed: true },
    expected: givesUp("unknown", true, {
      code: "outcome_unknown",
      message: "no way to list recent posts",
      retryable: false,
    }),
  },
  {
    name: "posting cap reached: come back at the slot, the attempt given back",
    outcome: { kind: "paced", cap, until: after(3600) },
    expected: { kind: "pace", at: after(3600), refundAttempt: true, wait: { reason: "pacing", until: after(3600) } },
  },
  {
    name: "posting cap reached on a check: nothing to give back",
    outcome: { kind: "paced", cap, until: after(3600) },
    state: { check: true },
    expected: { kind: "pace", at: after(3600), refundAttempt: false },
  },
  {
    name: "transient before any commit: Cloud Tasks' backoff (5 s on the first retry), shown as retry_backoff",
    outcome: transient(),
    expected: again("retry", 5, null, { code: "transient", message: "upstream 503", retryable: true }, "retry_backoff"),
  },
  {
    name: "transient on Cloud Tasks' fourth retry: its backoff has doubled three times",
    outcome: transient(),
    state: { retryCount: 3 },
    expected: again("retry", 40, null, { code: "transient" }),
  },
  {
    name: "rate limited with a retry-after: a task at that time, shown as rate_limited",
    outcome: failed(new PublishError("rate_limited", "429", { retryAfterSeconds: 120, refused: true })),
    state: { attempts: 2 },
    expected: again("retry", 120, "2", { code: "rate_limited", retryable: true }, "rate_limited"),
  },
  {
    name: "no answer after the commit: reconcile first, the outcome open",
    outcome: transient(),
    state: { committed: true },
    expected: again(
      "reconcile",
      5,
      null,
      { code: "outcome_unknown", message: "upstream 503", retryable: true },
      "retry_backoff",
    ),
  },
  {
    name: "the platform refused the committed call: publish afresh",
    outcome: transient({ refused: true }),
    state: { committed: true },
    expected: again("retry", 5, null, { code: "transient", retryable: true }),
  },
  {
    name: "outcome_unknown after the commit: reconcile",
    outcome: failed(new PublishError("outcome_unknown", "timed out")),
    state: { committed: true },
    expected: again("reconcile", 5, null, { code: "outcome_unknown", retryable: true }),
  },
  {
    name: "outcome_unknown before any commit: nothing can have published, failed",
    outcome: failed(new PublishError("outcome_unknown", "timed out")),
    expected: givesUp("failed", false, { code: "outcome_unknown", message: "timed out", retryable: false }),
  },
  {
    name: "rejected: failed at once, no dead letter",
    outcome: failed(new PublishError("rejected", "text too long")),
    state: { committed: true },
    expected: givesUp("failed", false, { code: "rejected", message: "text too long", retryable: false }),
  },
  {
    name: "transient on the last attempt: failed, dead-lettered, saying so",
    outcome: transient(),
    state: { attempts: 5 },
    expected: givesUp("failed", true, {
      code: "transient",
      message: "upstream 503 (gave up after 5 attempts)",
      retryable: false,
    }),
  },
  {
    name: "no answer on the last attempt after the commit: unknown, never failed",
    outcome: transient(),
    state: { attempts: 5, committed: true },
    expected: givesUp("unknown", true, {
      code: "outcome_unknown",
      message: "upstream 503 (no answer after 5 attempts; the platform's state could not be checked)",
      retryable: false,
    }),
  },
  {
    name: "auth expired on a live post: failed, and the account needs reconnecting",
    outcome: failed(new PublishError("auth_expired", "token revoked")),
    expected: givesUp("failed", false, { code: "auth_expired" }),
    needsReauth: "token revoked",
  },
  {
    name: "auth expired in the sandbox: failed, the account untouched",
    outcome: failed(new PublishError("auth_expired", "The sandbox has no credentials.")),
    state: { mode: "test" },
    expected: { kind: "give_up", status: "failed", error: { code: "auth_expired" } },
  },
  {
    name: "disconnected while publishing: failed, no dead letter",
    outcome: failed(new PublishError("account_disconnected", "gone")),
    expected: givesUp("failed", false, { code: "account_disconnected" }),
  },
  {
    name: "a check's poll fails transiently: checked again in 60 s, no attempt spent",
    outcome: transient(),
    state: { check: true },
    expected: {
      kind: "check",
      at: after(60),
      progress: { containerId: "c1" },
      wait: {
        reason: "platform_processing",
        message: "The last check failed and is repeated: upstream 503",
        until: after(60),
      },
    },
  },
  {
    name: "a check's poll is throttled: checked again after the retry-after, scaled like any poll",
    outcome: failed(new PublishError("rate_limited", "429", { retryAfterSeconds: 300 })),
    state: { check: true, pollScale: 0.5 },
    expected: { kind: "check", at: after(150) },
  },
  {
    name: "a check finds the platform's work discarded: a scheduled publish task (an attempt)",
    outcome: transient({ startsOver: true }),
    state: { check: true, attempts: 3 },
    expected: again("retry", 60, "3", { code: "transient" }),
  },
  {
    name: "a check loses the answer to a committed call: a scheduled reconciling task",
    outcome: transient(),
    state: { check: true, committed: true, attempts: 2 },
    expected: again("reconcile", 60, "2", { code: "outcome_unknown" }),
  },
  {
    name: "a check's poll fails after 24 hours of processing: unknown",
    outcome: transient(),
    state: { check: true, processingSince: new Date(NOW.getTime() - 25 * HOUR) },
    expected: { kind: "give_up", status: "unknown", deadLetter: true },
  },
  {
    name: "a check on the last attempt whose poll fails: still only checked again",
    outcome: transient(),
    state: { check: true, attempts: 5 },
    expected: { kind: "check", at: after(60) },
  },
];

describe("nextAfter: what follows a delivery's attempt", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const step = nextAfter(c.outcome, { ...base, ...c.state });
    expect(step).toMatchObject(c.expected);
    expect(step.needsReauth).toBe(c.needsReauth);
  });

  it("every retry and check says until when the run waits, and that time is the step's", () => {
    for (const c of CASES) {
      const step = nextAfter(c.outcome, { ...base, ...c.state });
      if (step.kind === "check" || step.kind === "pace" || step.kind === "retry" || step.kind === "reconcile") {
        expect(step.wait.until).toEqual(step.at);
        expect(step.at.getTime()).toBeGreaterThan(NOW.getTime());
      }
    }
  });
});
