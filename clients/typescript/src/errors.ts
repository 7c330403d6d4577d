import type { ResponseBody } from "./types";

/** The API's error envelope (docs/contract.md §4), by path like every type here (component names may change). */
type Envelope = ResponseBody<"/v1/posts/{id}", "get", 404>["error"];

/** Every code the API answers with, plus the client's own for answers that never came or were not the envelope. */
export type ErrorCode = Envelope["code"] | "network_error" | "unexpected_response";

export interface ErrorFields {
  status: number;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  requestId?: string | null;
  type?: Envelope["type"] | null;
  cause?: unknown;
}

/**
 * An API call that did not succeed. `code` is the contract's error code; subclasses name the
 * families a caller usually branches on. Messages are the API's own (they never contain the key);
 * nothing of the request (headers, key) is kept on the error.
 */
export class PostcastError extends Error {
  /** The HTTP status; 0 when no answer came (network_error). */
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  /** The API's request id (`X-Request-ID`): quote it when asking for support. */
  readonly requestId: string | null;
  readonly type: Envelope["type"] | null;

  constructor(fields: ErrorFields) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    this.status = fields.status;
    this.code = fields.code;
    this.details = fields.details ?? {};
    this.requestId = fields.requestId ?? null;
    this.type = fields.type ?? null;
  }
}

/** 400: the body or query was refused (`validation_error`, `missing_integrations`, `missing_account`, `upload_failed`). */
export class InvalidRequestError extends PostcastError {
  /** Every problem found (`details.issues`), for `validation_error`. */
  readonly issues: { field: string; reason: string; message: string; platform?: string }[];

  constructor(fields: ErrorFields) {
    super(fields);
    const issues = this.details.issues;
    this.issues = Array.isArray(issues) ? (issues as InvalidRequestError["issues"]) : [];
  }
}

/** 401 `unauthorized` or 403 `forbidden`: the key is missing, wrong, revoked or not allowed here. */
export class AuthenticationError extends PostcastError {}

/** 403 `insufficient_scope`: the key lacks the scope this call needs. */
export class InsufficientScopeError extends PostcastError {
  /** The scope the call needs, e.g. `posts:write`. */
  readonly scope: string | null;

  constructor(fields: ErrorFields) {
    super(fields);
    this.scope = typeof this.details.requiredScope === "string" ? this.details.requiredScope : null;
  }
}

export class NotFoundError extends PostcastError {}

/** 409 `conflict` (the post changed, or is past editing) or `idempotency_conflict` (same key, other body). */
export class ConflictError extends PostcastError {}

/** 429 `rate_limit_exceeded`, once retries (if any) were spent or the wait was longer than allowed. */
export class RateLimitedError extends PostcastError {
  /** Seconds until one more request fits (`Retry-After`). */
  readonly retryAfter: number | null;

  constructor(fields: ErrorFields & { retryAfter: number | null }) {
    super(fields);
    this.retryAfter = fields.retryAfter;
  }
}

/** 5xx (the API's, or a proxy's that was not the envelope: `unexpected_response`). */
export class ServerError extends PostcastError {}

/** No answer: the connection failed on every attempt. */
export class NetworkError extends PostcastError {}

const FAMILIES: Partial<Record<ErrorCode, typeof PostcastError>> = {
  validation_error: InvalidRequestError,
  missing_integrations: InvalidRequestError,
  missing_account: InvalidRequestError,
  upload_failed: InvalidRequestError,
  unauthorized: AuthenticationError,
  forbidden: AuthenticationError,
  insufficient_scope: InsufficientScopeError,
  not_found: NotFoundError,
  conflict: ConflictError,
  idempotency_conflict: ConflictError,
};

function isEnvelope(body: unknown): body is { error: Envelope } {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = body.error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The typed error for an answer that was not a success; `body` is what openapi-fetch parsed (or text). */
export function errorFromResponse(response: Response, body: unknown): PostcastError {
  const headerRequestId = response.headers.get("x-request-id");
  if (!isEnvelope(body)) {
    const Family = response.status >= 500 ? ServerError : PostcastError;
    return new Family({
      status: response.status,
      code: "unexpected_response",
      message: `Unexpected ${response.status} answer (not the API's error envelope).`,
      requestId: headerRequestId,
    });
  }
  const e = body.error;
  const fields: ErrorFields = {
    status: response.status,
    code: e.code,
    message: e.message,
    details: e.details,
    requestId: e.requestId ?? headerRequestId,
    type: e.type,
  };
  if (e.code === "rate_limit_exceeded") {
    const fromDetails = typeof e.details?.retryAfter === "number" ? e.details.retryAfter : null;
    return new RateLimitedError({
      ...fields,
      retryAfter: retryAfterSeconds(response.headers.get("retry-after")) ?? fromDetails,
    });
  }
  const Family = FAMILIES[e.code] ?? (response.status >= 500 ? ServerError : PostcastError);
  return new Family(fields);
}

/** The error for a request that never got an answer. Only the cause's message is kept (never the request). */
export function networkError(cause: unknown): NetworkError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NetworkError({ status: 0, code: "network_error", message: `No answer from the API: ${reason}`, cause });
}
