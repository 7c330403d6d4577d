/**
 * Why a run is waiting, and until when: shown on the run document (`waiting`, read by dashboards
 * straight from Firestore) and in GET /v1/posts/{id}. The run's `status` stays the contract's
 * (`queued` or `processing`); `waiting` says what it is waiting for.
 */
export const WAIT_REASONS = [
  /** The platform is processing what it was sent (a container, a video); `until`: the next check. */
  "platform_processing",
  /** A delivery is sending the media to the platform; `progress` says how far it got. */
  "uploading",
  /** The account's posting cap is reached; `until`: when its window has room again. */
  "pacing",
  /** The platform throttled the request (rate limit, daily quota); `until`: the platform's reset. */
  "rate_limited",
  /** A temporary failure (`error` on the run); `until`: about when it is tried again. */
  "retry_backoff",
] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

export interface UploadProgress {
  sentBytes: number;
  totalBytes: number;
}

export interface RunWait {
  reason: WaitReason;
  /** A sentence for people; the reason is what code should branch on. */
  message: string;
  /** When the run is looked at again; null while uploading (it is being worked on now). */
  until: Date | null;
  progress?: UploadProgress;
}

const MB = 1_000_000;

/** `48.2 of 400.0 MB`: one decimal, so a progress line moves visibly. */
export function megabytes(progress: UploadProgress): string {
  return `${(progress.sentBytes / MB).toFixed(1)} of ${(progress.totalBytes / MB).toFixed(1)} MB`;
}

/** `15 minutes`, `24 hours`, `90 seconds`: a window's length in its largest whole unit. */
export function duration(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (seconds % 3600 === 0) return unit(seconds / 3600, "hour");
  if (seconds % 60 === 0) return unit(seconds / 60, "minute");
  return unit(seconds, "second");
}
