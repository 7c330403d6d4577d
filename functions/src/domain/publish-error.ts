/**
 * How a publish attempt failed, the same across platforms, so the publisher decides retries
 * without knowing any platform's error format.
 */
export const PUBLISH_ERROR_CODES = [
  /** Token expired or revoked: the account must be reconnected; retrying cannot help. */
  "auth_expired",
  /** The platform throttled us; retry after `retryAfterSeconds` when given. */
  "rate_limited",
  /** Network failure, timeout or 5xx: safe to retry. */
  "transient",
  /** The platform refused this content or request for good. */
  "rejected",
  /** The answer was lost after the platform may have published: never retried blindly. */
  "outcome_unknown",
  /** Publishing to this platform is not available in this deployment. */
  "platform_unavailable",
] as const;
export type PublishErrorCode = (typeof PUBLISH_ERROR_CODES)[number];

const RETRYABLE: readonly PublishErrorCode[] = ["rate_limited", "transient"];

export class PublishError extends Error {
  readonly code: PublishErrorCode;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | null;
  /** The platform-side work was discarded (a failed container, an expired session): the retry is a new attempt. */
  readonly startsOver: boolean;

  constructor(
    code: PublishErrorCode,
    message: string,
    options: { retryAfterSeconds?: number; cause?: unknown; startsOver?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "PublishError";
    this.code = code;
    this.retryable = RETRYABLE.includes(code);
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.startsOver = options.startsOver ?? false;
  }
}
