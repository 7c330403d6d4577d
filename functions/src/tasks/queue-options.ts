import type { Platform } from "../domain/platforms";

/** Attempts a run gets before it is `failed` (counted by the run's own `attempts`). */
export const MAX_PUBLISH_ATTEMPTS = 5;
/** Longer than a publisher's timeout, so a live delivery never loses its lease. */
export const PUBLISH_LEASE_MS = 10 * 60_000;
export const PUBLISHER_TIMEOUT_SECONDS = 540;
/** How long a run may wait on a platform's processing (containers expire after 24 h). */
export const MAX_WAIT_MS = 24 * 3600_000;

/**
 * Cloud Tasks retries with exponential backoff. It allows more attempts than a run does, because
 * a delivery that finds the lease held by another one is also retried and does not count.
 */
export const PUBLISH_RETRY = {
  maxAttempts: MAX_PUBLISH_ATTEMPTS + 5,
  minBackoffSeconds: 5,
  maxBackoffSeconds: 300,
  maxDoublings: 5,
} as const;

export const ORCHESTRATOR_RETRY = {
  maxAttempts: 8,
  minBackoffSeconds: 2,
  maxBackoffSeconds: 120,
  maxDoublings: 5,
} as const;

export const ORCHESTRATOR_RATE_LIMITS = { maxConcurrentDispatches: 100, maxDispatchesPerSecond: 50 } as const;

/**
 * Each platform has its own queue so one platform's throttling never delays another. The limits are
 * the whole service's, so they must not pace users: no platform documents a per-second limit for
 * an app (docs/architecture.md, "Per-platform queues"); its limits are per user or token (per-account
 * pacing, domain/publish-caps.ts, and the 429 handling keep to those) or per app and day (X 10,000
 * posts, LinkedIn 100,000 calls, YouTube 100 uploads), which no dispatch rate enforces. 50 a second
 * sends a 50-account post on one platform at once; 100 at once bounds the instances a burst of
 * long uploads holds (publishers take 40 deliveries each) and what a runaway (a flood of retries,
 * a sweeper bug) can send a platform before its 429s take over.
 */
const PUBLISH_QUEUE = { maxConcurrentDispatches: 100, maxDispatchesPerSecond: 50 } as const;

export const PUBLISH_RATE_LIMITS: Record<
  Platform,
  { maxConcurrentDispatches: number; maxDispatchesPerSecond: number }
> = {
  instagram: PUBLISH_QUEUE,
  tiktok: PUBLISH_QUEUE,
  youtube: PUBLISH_QUEUE,
  facebook: PUBLISH_QUEUE,
  x: PUBLISH_QUEUE,
  threads: PUBLISH_QUEUE,
  linkedin: PUBLISH_QUEUE,
  snapchat: PUBLISH_QUEUE,
};

/**
 * Webhook deliveries: exponential backoff from 30 s, doubling 9 times (to about 4 h), then every
 * 6 h: 21 retries over about 3.1 days (cloudTasksBackoffSeconds; a unit test sums them).
 */
export const WEBHOOK_RETRY = {
  maxAttempts: 22,
  minBackoffSeconds: 30,
  maxBackoffSeconds: 6 * 3600,
  maxDoublings: 9,
} as const;

/** Fan-out of an event to its endpoints: quick, retried soon. */
export const RELAY_RETRY = {
  maxAttempts: 10,
  minBackoffSeconds: 1,
  maxBackoffSeconds: 60,
  maxDoublings: 5,
} as const;

export const WEBHOOK_RATE_LIMITS = { maxConcurrentDispatches: 200, maxDispatchesPerSecond: 100 } as const;
export const RELAY_RATE_LIMITS = { maxConcurrentDispatches: 100, maxDispatchesPerSecond: 100 } as const;

/** Cloud Tasks accepts a schedule time at most 30 days ahead; keep a margin. */
export const CLOUD_TASKS_HORIZON_MS = 29 * 24 * 3600_000;

/**
 * How long Cloud Tasks waits before retry number `retry` (1 for the first) of a task whose queue
 * has `config`: the documented RetryConfig schedule, where the interval starts at the minimum,
 * doubles `maxDoublings` times, then grows by that last doubled interval each time, capped at the
 * maximum (10 s, 300 s, 3 doublings: 10, 20, 40, 80, 160, 240, 300, 300 …). An estimate of the
 * queue's own timing, for showing when a run is tried again.
 */
export function cloudTasksBackoffSeconds(
  config: { minBackoffSeconds: number; maxBackoffSeconds: number; maxDoublings: number },
  retry: number,
): number {
  const doublings = Math.max(0, retry - 1);
  const interval =
    doublings <= config.maxDoublings
      ? config.minBackoffSeconds * 2 ** doublings
      : config.minBackoffSeconds * 2 ** config.maxDoublings * (doublings - config.maxDoublings + 1);
  return Math.min(interval, config.maxBackoffSeconds);
}
