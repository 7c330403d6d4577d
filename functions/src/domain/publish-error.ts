/**
 * How a publish attempt failed, the same across platforms, so the publisher decides retries
 * without knowing any platform's error format.
 */
export const PUBLISH_ERROR_CODES = [
  /** Token expired or revoked: the account must be reconnected; retrying cannot help. */
  "auth_expired",
  /** The user disconnected the account while the run was using it: nothing more is sent to it. */
  "account_disconnected",
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
  /**
   * The platform answered the call that would have published, and its answer refuses it (a 4xx,
   * a 429, an error body): nothing was published, so the commit mark goes and a retry publishes
   * normally. Without it, a failure after the commit mark (no answer, a timeout, a 5xx) leaves the
   * outcome open and the next delivery reconciles first.
   */
  readonly refused: boolean;

  constructor(
    code: PublishErrorCode,
    message: string,
    options: { retryAfterSeconds?: number; cause?: unknown; startsOver?: boolean; refused?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "PublishError";
    this.code = code;
    this.retryable = RETRYABLE.includes(code);
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.startsOver = options.startsOver ?? false;
    this.refused = options.refused ?? false;
  }

  /** This error as the platform's refusal of the publishing call (see `refused`). */
  asRefusal(): PublishError {
    return new PublishError(this.code, this.message, {
      ...(this.retryAfterSeconds !== null ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
      cause: this.cause,
      startsOver: this.startsOver,
      refused: true,
    });
  }
}

/** The user disconnected the account while a run or a renewal was using its credentials. */
export function accountDisconnectedError(platform: string, accountId: string): PublishError {
  return new PublishError(
    "account_disconnected",
    `The ${platform} account '${accountId}' was disconnected, so nothing more is sent to it.`,
  );
}
