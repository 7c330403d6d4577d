import { sha256Hex } from "../domain/canonical-json";

// Cloud Tasks ids allow letters, digits, hyphens and underscores only.
const SAFE = /^[A-Za-z0-9_-]{1,200}$/;

function safe(part: string): string {
  return SAFE.test(part) ? part : sha256Hex(part).slice(0, 32);
}

/**
 * Deterministic task ids: enqueueing the same step twice yields one task. A scheduled post's id
 * carries its time, so moving the time creates a new task instead of colliding with the old one.
 */
export const taskIds = {
  orchestrate: (postSubmissionId: string, at: Date | null): string =>
    `orch-${safe(postSubmissionId)}-${at ? at.getTime() : "now"}`,
  publish: (postSubmissionId: string, runId: string, attempt = 0): string =>
    `pub-${safe(postSubmissionId)}-${safe(runId)}-${attempt}`,
  /** A check on a post the platform is processing: one id per check. */
  check: (postSubmissionId: string, runId: string, n: number): string =>
    `chk-${safe(postSubmissionId)}-${safe(runId)}-${n}`,
  /** A retry at a set time (a platform's retry-after, a posting cap's next slot). */
  retry: (postSubmissionId: string, runId: string, tag: string): string =>
    `pub-${safe(postSubmissionId)}-${safe(runId)}-${safe(tag)}`,
  /** An early delivery hands over to a task for the right time; unique, so it never hits the original id. */
  redefer: (postSubmissionId: string, at: Date, deliveredAt: Date): string =>
    `orch-${safe(postSubmissionId)}-${at.getTime()}-early-${deliveredAt.getTime()}`,
  /** A recovery by the sweeper: one id per sweep window, so a lost task is replaced once. */
  recovery: (base: string, windowStart: Date): string => `${base}-sweep-${windowStart.getTime()}`,
};
