import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../../domain/errors";

/** The docs/contract.md §4 envelope (http/respond.ts errorBody). */
export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      type: z.enum(["invalid_request_error", "authentication_error", "api_error"]),
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      timestamp: z.iso.datetime(),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  })
  .meta({
    id: "Error",
    examples: [
      {
        error: {
          type: "invalid_request_error",
          code: "validation_error",
          message: "The 'text' field is required when mediaType is 'text'.",
          timestamp: "2026-02-28T12:00:00.000Z",
          requestId: "req_8c1d",
          details: {
            field: "post.content.text",
            reason: "required",
            issues: [{ field: "post.content.text", reason: "required", message: "The 'text' field is required." }],
          },
        },
      },
    ],
  });

/** How a caller proves who it is (http/middleware/identify.ts). */
export const SECURITY_SCHEMES = {
  sokuApiKey: {
    type: "apiKey",
    in: "header",
    name: "soku-api-key",
    description: "An API key (`sk_live_…` or `sk_test_…`), Soku's header.",
  },
  bearerApiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "sk_live_… or sk_test_…",
    description: "The same API key as `Authorization: Bearer sk_…`.",
  },
  firebaseIdToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A Firebase Auth ID token of the signed-in dashboard user (key management, connections).",
  },
} as const;

export type Auth = "apiKey" | "idToken" | "none";

export const securityOf = (auth: Auth) =>
  auth === "apiKey" ? [{ sokuApiKey: [] }, { bearerApiKey: [] }] : auth === "idToken" ? [{ firebaseIdToken: [] }] : [];

const intHeader = (description: string) => ({ description, schema: { type: "integer" } });

/** Response headers, referenced by name from each response. */
export const HEADERS = {
  "X-Request-ID": {
    description: "The request's id: yours when you sent a valid one (1–128 of [A-Za-z0-9._:-]).",
    required: true,
    schema: { type: "string" },
  },
  "X-RateLimit-Limit": intHeader("The allowance of the limit that binds (tier or endpoint) per window."),
  "X-RateLimit-Remaining": intHeader("Requests left in the window."),
  "X-RateLimit-Reset": intHeader("When the window frees a request (Unix seconds)."),
  "X-RateLimit-Tier": { description: "The caller's tier.", schema: { type: "string" } },
  "Retry-After": intHeader("Seconds to wait before retrying (429)."),
  "Idempotent-Replayed": {
    description: "`true` when this answer replays an earlier request with the same Idempotency-Key.",
    schema: { type: "string", enum: ["true"] },
  },
  Location: { description: "Where the created resource is read.", schema: { type: "string" } },
  ETag: { description: "The representation's version (a post's, for If-Match on PATCH).", schema: { type: "string" } },
} as const;
export type HeaderName = keyof typeof HEADERS;

/** Headers every answer behind the limiter carries (the limiter runs before authorization). */
export const RATE_LIMIT_HEADERS: HeaderName[] = [
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "X-RateLimit-Tier",
];

export const PARAMETERS = {
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "Makes a retry safe: the same key (per user and mode, 24 h) answers the first request's result " +
      "instead of doing it twice; without one, a key is derived from the body.",
    schema: { type: "string", minLength: 1, maxLength: 255 },
  },
  IfMatch: {
    name: "If-Match",
    in: "header",
    required: false,
    description: "The ETag of the post as read: the edit is refused (409 conflict) if it changed since.",
    schema: { type: "string" },
  },
  RequestId: {
    name: "X-Request-ID",
    in: "header",
    required: false,
    description: "Your id for the request (1–128 of [A-Za-z0-9._:-]), echoed and logged.",
    schema: { type: "string" },
  },
} as const;

/** The error codes each status can carry, for the error responses' descriptions. */
export function codesOf(status: number): ErrorCode[] {
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((c) => ERROR_STATUS[c] === status);
}
