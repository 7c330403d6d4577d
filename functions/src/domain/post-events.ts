import type { KeyMode } from "./api-key";
import type { EventData } from "./event-data";
import type { NewEvent } from "./events";
import type { Platform } from "./platforms";
import type { Summary, SubmissionStatus } from "./submission-status";
import { shownSummary } from "./submission-status";

/** What of a submission its events need. */
export interface PostOfEvent {
  id: string;
  userId: string;
  mode: KeyMode;
}

export interface RunOfEvent {
  runId: string;
  platform: Platform;
  accountId: string;
  attempts: number;
}

export type RunEnd =
  | { status: "succeeded"; platformPostId: string; permalink: string | null }
  | { status: "failed" | "unknown"; error: { code: string; message: string; retryable?: boolean } };

const base = (post: PostOfEvent) => ({ userId: post.userId, livemode: post.mode === "live" });

/**
 * A run's final outcome: `post.published`, `post.failed` (final; `dead_lettered` when Postcast gave
 * up on it and recorded a dead letter) or `post.unknown` (the platform may have published; never
 * retried). One per run and outcome: a run reaches a final status once.
 */
export function runEndedEvent(post: PostOfEvent, run: RunOfEvent, end: RunEnd, deadLettered: boolean): NewEvent {
  const target = { postId: post.id, runId: run.runId, platform: run.platform, accountId: run.accountId };
  const change = `run/${post.id}/${run.runId}/${end.status}`;
  if (end.status === "succeeded") {
    return {
      ...base(post),
      type: "post.published",
      change,
      data: {
        ...target,
        platformPostId: end.platformPostId,
        permalink: end.permalink,
        attempts: run.attempts,
      } satisfies EventData<"post.published">,
    };
  }
  const error = { code: end.error.code, message: end.error.message };
  if (end.status === "unknown") {
    return {
      ...base(post),
      type: "post.unknown",
      change,
      data: { ...target, reason: error } satisfies EventData<"post.unknown">,
    };
  }
  return {
    ...base(post),
    type: "post.failed",
    change,
    data: { ...target, error, attempts: run.attempts, dead_lettered: deadLettered } satisfies EventData<"post.failed">,
  };
}

/** The submission reached its final status (`completed`, `partially_failed`, `failed`, `dispatch_failed`). */
export function postCompletedEvent(post: PostOfEvent, status: SubmissionStatus, summary: Summary): NewEvent {
  return {
    ...base(post),
    type: "post.completed",
    change: `post.completed/${post.id}`,
    data: { postId: post.id, status, summary: shownSummary(summary, status) } satisfies EventData<"post.completed">,
  };
}

/** A post accepted for later: its time and targets. */
export function postScheduledEvent(
  post: PostOfEvent,
  scheduledTime: Date,
  targets: readonly { runId: string; platform: Platform; accountId: string }[],
): NewEvent {
  return {
    ...base(post),
    type: "post.scheduled",
    change: `post.scheduled/${post.id}`,
    data: {
      postId: post.id,
      scheduledTime: scheduledTime.toISOString(),
      targets: targets.map((t) => ({ runId: t.runId, platform: t.platform, accountId: t.accountId })),
    } satisfies EventData<"post.scheduled">,
  };
}

export function postCanceledEvent(post: PostOfEvent, summary: Summary): NewEvent {
  return {
    ...base(post),
    type: "post.canceled",
    change: `post.canceled/${post.id}`,
    data: { postId: post.id, summary: shownSummary(summary, "canceled") } satisfies EventData<"post.canceled">,
  };
}
