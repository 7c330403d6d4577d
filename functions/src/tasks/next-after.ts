import type { Platform } from "../domain/platforms";
import type { PublishCap } from "../domain/publish-caps";
import type { PublishError } from "../domain/publish-error";
import type { RunWait } from "../domain/run-waiting";
import type { Progress, Published, Waiting } from "../platforms/platform-adapter";
import type { RunError } from "../store/records";
import { MAX_PUBLISH_ATTEMPTS, MAX_WAIT_MS, PUBLISH_RETRY, cloudTasksBackoffSeconds } from "./queue-options";
import { runWaits } from "./run-waits";

/** Check deliveries that fail transiently come back after this long. */
export const CHECK_BACKOFF_SECONDS = 60;

/** How a delivery's attempt ended. */
export type AttemptOutcome =
  | Published
  | Waiting
  /** An earlier attempt's outcome could not be settled by asking the platform. */
  | { kind: "undecidable"; reason: string }
  /** The account's posting cap is reached until `until`; nothing was sent. */
  | { kind: "paced"; cap: PublishCap; until: Date }
  | { kind: "failed"; error: PublishError };

/** What the delivery knows when deciding; `now` is the clock's, read once by the caller. */
export interface AttemptState {
  platform: Platform;
  mode: "live" | "test";
  /** The run's attempts, this one included. */
  attempts: number;
  /** A call that may have published was made, in this delivery or in one whose outcome was lost. */
  committed: boolean;
  /** This delivery is a check on what the platform is processing (it spent no attempt). */
  check: boolean;
  /** Cloud Tasks' retry count of the task being delivered (0 on its first delivery). */
  retryCount: number;
  /**
   * Since the platform first answered that it was processing, across retries in between
   * (`waiting` shows only the latest wait, which a retry's backoff replaces).
   */
  processingSince: Date | null;
  /** The run's progress as this delivery leaves it. */
  progress: Progress;
  /** The factor on the platforms' poll intervals (1 in production). */
  pollScale: number;
  now: Date;
}

/**
 * What happens next. Every step that leaves the run open says what the run shows (`wait`: its
 * reason and until when). `needsReauth`: the account is marked as needing reconnection first.
 */
export type NextStep = (
  | { kind: "succeed"; platformPostId: string; permalink: string | null }
  /** The platform is processing: a check task at `at`, with the progress to continue from. */
  | { kind: "check"; at: Date; progress: Progress; wait: RunWait }
  /** The posting cap is reached: a task at `at`, the attempt given back unless it was a check. */
  | { kind: "pace"; at: Date; wait: RunWait; refundAttempt: boolean }
  /**
   * Tried again at about `at`: `retry` publishes afresh (the commit mark goes), `reconcile` asks
   * the platform first (the mark stays). `tag`: a task for `at` under that tag; null: Cloud Tasks'
   * own backoff redelivers this task, which `at` estimates.
   */
  | { kind: "retry" | "reconcile"; at: Date; error: RunError; wait: RunWait; tag: string | null }
  /** Final: `deadLetter` when the run needs an operator's eye. */
  | { kind: "give_up"; status: "failed" | "unknown"; error: RunError; deadLetter: boolean }
) & { needsReauth?: string };

/** The decision after a delivery's attempt: pure (no I/O, the clock passed in), so a table tests it. */
export function nextAfter(outcome: AttemptOutcome, state: AttemptState): NextStep {
  switch (outcome.kind) {
    case "published":
      return { kind: "succeed", platformPostId: outcome.platformPostId, permalink: outcome.permalink };
    case "wait":
      return waitOrGiveUp(outcome, state);
    case "undecidable":
      return unknown(outcome.reason);
    case "paced":
      return {
        kind: "pace",
        at: outcome.until,
        wait: runWaits.pacing(state.platform, outcome.cap, outcome.until),
        refundAttempt: !state.check,
      };
    case "failed": {
      const step = afterFailure(outcome.error, state);
      const reauth = outcome.error.code === "auth_expired" && state.mode === "live";
      return reauth ? { ...step, needsReauth: outcome.error.message } : step;
    }
  }
}

function waitOrGiveUp(result: Waiting, state: AttemptState): NextStep {
  const since = state.processingSince?.getTime() ?? state.now.getTime();
  if (state.now.getTime() - since > MAX_WAIT_MS) {
    return unknown(
      `${state.platform} was still processing the post after ${MAX_WAIT_MS / 3600_000} hours (${result.reason}).`,
    );
  }
  const at = new Date(state.now.getTime() + result.afterSeconds * 1000 * state.pollScale);
  return {
    kind: "check",
    at,
    progress: result.progress,
    wait: { reason: "platform_processing", message: result.reason, until: at },
  };
}

function unknown(reason: string): NextStep {
  return {
    kind: "give_up",
    status: "unknown",
    error: { code: "outcome_unknown", message: reason, retryable: false },
    deadLetter: true,
  };
}

function afterFailure(failure: PublishError, state: AttemptState): NextStep {
  const attempt = state.attempts;
  // After a call that may have published, a failure that is not the platform's refusal of that
  // call (no answer, a timeout, a 5xx) leaves the outcome open: only the platform's state can
  // tell, so the commit mark must survive until a later delivery reconciles, and running out of
  // attempts ends `unknown`, never `failed`. An explicit refusal (a 4xx, a 429) published
  // nothing: the mark goes and the retry publishes without reconciling.
  const outcomeLost = state.committed && !failure.refused && (failure.retryable || failure.code === "outcome_unknown");
  if (state.check && failure.retryable && !outcomeLost && !failure.startsOver) {
    // A failed poll costs no attempt: the platform is still working on what was sent.
    return waitOrGiveUp(
      {
        kind: "wait",
        progress: state.progress,
        afterSeconds: failure.retryAfterSeconds ?? CHECK_BACKOFF_SECONDS,
        reason: `The last check failed and is repeated: ${failure.message}`,
      },
      state,
    );
  }
  const error: RunError = {
    code: outcomeLost ? "outcome_unknown" : failure.code,
    message: failure.message,
    retryable: failure.retryable || outcomeLost,
  };
  if (error.retryable && attempt < MAX_PUBLISH_ATTEMPTS) {
    // The platform said when to come back: a task scheduled for then honours it exactly, where
    // Cloud Tasks' own backoff would not. A check delivery hands over to a publish task, so the
    // new try counts as an attempt and the attempt cap bounds it. Otherwise Cloud Tasks
    // redelivers this task with its queue's backoff, which the run shows as an estimate.
    const scheduled = failure.retryAfterSeconds !== null || state.check;
    const after = scheduled
      ? (failure.retryAfterSeconds ?? CHECK_BACKOFF_SECONDS)
      : cloudTasksBackoffSeconds(PUBLISH_RETRY, state.retryCount + 1);
    const at = new Date(state.now.getTime() + after * 1000);
    return {
      kind: outcomeLost ? "reconcile" : "retry",
      at,
      error,
      wait: runWaits.retry(error, attempt, at),
      tag: scheduled ? String(attempt) : null,
    };
  }
  if (outcomeLost) {
    return unknown(
      `${failure.message} (no answer after ${attempt} attempts; the platform's state could not be checked)`,
    );
  }
  const exhausted = error.retryable;
  const message = exhausted ? `${failure.message} (gave up after ${attempt} attempts)` : failure.message;
  return {
    kind: "give_up",
    status: "failed",
    error: { ...error, message, retryable: false },
    deadLetter: exhausted,
  };
}
