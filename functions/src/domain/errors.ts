/**
 * The one error taxonomy of the API (docs/contract.md §4). Every error a caller can see is an AppError;
 * anything else is turned into `internal_error` by the HTTP error handler.
 */
export const ERROR_STATUS = {
  validation_error: 400,
  missing_integrations: 400,
  missing_account: 400,
  upload_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  insufficient_scope: 403,
  not_found: 404,
  idempotency_conflict: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit_exceeded: 429,
  post_creation_failed: 500,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ErrorType = "invalid_request_error" | "authentication_error" | "api_error";

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  get type(): ErrorType {
    return errorType(this.status);
  }
}

export function errorType(status: number): ErrorType {
  if (status === 401 || status === 403) return "authentication_error";
  return status >= 500 ? "api_error" : "invalid_request_error";
}

/** One problem found in a request body; `field` is a dotted path such as `post.content.platform[1]`. */
export interface FieldIssue {
  field: string;
  reason: string;
  message: string;
  /** For a platform rule: the target's platform. */
  platform?: string;
}

/** A 400 `validation_error` that lists every problem found, the first one in `field`/`reason`. */
export function validationError(issues: readonly FieldIssue[]): AppError {
  const first = issues[0] ?? { field: "", reason: "invalid", message: "The request is invalid." };
  return new AppError("validation_error", first.message, {
    field: first.field,
    reason: first.reason,
    issues: [...issues],
  });
}
