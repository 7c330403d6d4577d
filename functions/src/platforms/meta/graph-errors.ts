import { PublishError } from "../../domain/publish-error";
import type { HttpResponse } from "../http-client";
import { field, httpFailure, retryAfterSeconds, stringField } from "../platform-calls";

/** Meta's Graph error envelope: `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`. */
export interface GraphError {
  code: number | null;
  subcode: number | null;
  message: string;
}

export function graphError(res: HttpResponse): GraphError | null {
  const error = field(res.body, "error");
  if (!error || typeof error !== "object") return null;
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  return {
    code: num(field(error, "code")),
    subcode: num(field(error, "error_subcode")),
    message: stringField(error, "error_user_msg") ?? stringField(error, "message") ?? "unknown error",
  };
}

const TOKEN_SUBCODES = [458, 459, 460, 463, 464, 467];
const RATE_CODES = [4, 17, 32, 341, 613];

/** Whether Meta refused the token itself (expired, revoked, password changed, app removed). */
export function isTokenRejection(res: HttpResponse): boolean {
  const error = graphError(res);
  return res.status === 401 || error?.code === 190 || error?.code === 102;
}

/** Meta's "unexpected error, retry" codes: an answer that says nothing about what was done. */
const UNEXPECTED_CODES = [1, 2, -1, -2];

/**
 * Whether an answer to a publishing call refuses it: a 4xx (Meta throttles with 400 and codes
 * 4/17/32…) other than the "unexpected error" codes, which do not say whether anything was done.
 */
export function isGraphRefusal(res: HttpResponse): boolean {
  if (res.status < 400 || res.status >= 500) return false;
  return !UNEXPECTED_CODES.includes(graphError(res)?.code ?? 0);
}

/**
 * Graph error codes onto the shared taxonomy, after Meta's error-handling guide and the
 * Instagram publishing error table: 190/102 and token subcodes → reconnect; 4/17/32/341/613,
 * 80000–80014 and the daily publishing limit (9) → back off; 1, 2, -1, -2 and 5xx → retry;
 * 506 (duplicate) and content errors → fail now.
 */
export function graphFailure(platform: string, res: HttpResponse, now: Date): PublishError {
  const error = graphError(res);
  if (!error) return httpFailure(platform, res, res.text.slice(0, 200), now);
  const code = error.code ?? 0;
  const text = `${platform}: ${error.message} (code ${code}${error.subcode ? `/${error.subcode}` : ""})`;
  if (
    isTokenRejection(res) ||
    code === 10 ||
    (code >= 200 && code < 300) ||
    TOKEN_SUBCODES.includes(error.subcode ?? 0)
  ) {
    return new PublishError("auth_expired", text);
  }
  if (RATE_CODES.includes(code) || (code >= 80000 && code <= 80014) || res.status === 429) {
    return new PublishError("rate_limited", text, { retryAfterSeconds: retryAfterSeconds(res, now) ?? 300 });
  }
  if (code === 9 || code === 368) {
    // The rolling daily publishing limit, or a temporary block: come back in an hour.
    return new PublishError("rate_limited", text, { retryAfterSeconds: 3600 });
  }
  if (UNEXPECTED_CODES.includes(code) || res.status >= 500 || error.subcode === 2207027 || error.subcode === 2207008) {
    return new PublishError("transient", text);
  }
  return new PublishError("rejected", text);
}
