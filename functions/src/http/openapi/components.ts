import { z } from "zod";
import { ERROR_STATUS, errorType, type ErrorCode, type ErrorDetails } from "../../domain/errors";

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

const SCOPES_NOTE =
  "Each operation's security requirement names the scope it needs (`posts:read`, `posts:write`, `posts:publish`, " +
  "`media:write`, `accounts:read`, `webhooks:write`, `templates:read`, `templates:write`; a key has all unless created with a list); a key without it " +
  "is answered 403 `insufficient_scope`.";

/** How a caller proves who it is (http/middleware/identify.ts). */
export const SECURITY_SCHEMES = {
  sokuApiKey: {
    type: "apiKey",
    in: "header",
    name: "soku-api-key",
    description: `An API key (\`sk_live_…\` or \`sk_test_…\`), Soku's header. ${SCOPES_NOTE}`,
  },
  bearerApiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "sk_live_… or sk_test_…",
    description: `The same API key as \`Authorization: Bearer sk_…\`. ${SCOPES_NOTE}`,
  },
  firebaseIdToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A Firebase Auth ID token of the signed-in dashboard user (key management, connections).",
  },
} as const;

export type Auth = "apiKey" | "idToken" | "none";

const intHeader = (description: string, example: number) => ({
  description,
  schema: { type: "integer", minimum: 0 },
  example,
});

/** Response headers, referenced by name from each response. */
export const HEADERS = {
  "X-Request-ID": {
    description: "The request's id: yours when you sent a valid one (1–128 of [A-Za-z0-9._:-]).",
    required: true,
    schema: { type: "string" },
  },
  "X-RateLimit-Limit": intHeader(
    "The allowance of the limit with the least room (the tier's, or the endpoint's: POST /v1/posts, POST /v1/media " +
      "and POST /v1/media/uploads allow 30 per user) per rolling 60 s window: default 35, authenticated 90, " +
      "premium 200, admin 700.",
    35,
  ),
  "X-RateLimit-Remaining": intHeader("Requests left in the window.", 34),
  "X-RateLimit-Reset": intHeader("When the window is empty again if you stop (Unix seconds).", 1767225600),
  "X-RateLimit-Tier": {
    description:
      "The caller's tier: `default` (no valid key; by client address), `authenticated` (no active " +
      "subscription), `premium`, `admin`.",
    schema: { type: "string", enum: ["default", "authenticated", "premium", "admin"] },
  },
  "Retry-After": { ...intHeader("Seconds until one more request fits (429).", 12), required: true },
  "Idempotent-Replayed": {
    description: "`true` when this answer replays an earlier request with the same Idempotency-Key.",
    schema: { type: "string", enum: ["true"] },
  },
  Location: {
    description: "Where the created resource is read (relative to the API's base URL).",
    schema: { type: "string" },
    example: "/v1/posts/0b6f8f52-8a8b-4e37-9d1c-1f2a3b4c5d6e",
  },
  ETag: {
    description: "The representation's version: a post's, to send back as If-Match on PATCH.",
    schema: { type: "string" },
    example: '"1764493202.114512000"',
  },
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
      "(with `Idempotent-Replayed: true`) instead of doing it twice; the same key with another body is " +
      "409 `idempotency_conflict`. Without one, a key is derived from the body.",
    schema: { type: "string", minLength: 1, maxLength: 255 },
    example: "launch-2026-03-01",
  },
  IfMatch: {
    name: "If-Match",
    in: "header",
    required: false,
    description:
      "The ETag (or the updatedAt) of the post as read: the edit is refused (409 `conflict`, " +
      '`details.status: "stale"`) if it changed since. Without it the edit applies to the current version.',
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

/** One answer of each error code, as docs/api.md shows them (the messages are the API's). */
const ERROR_EXAMPLES: Record<ErrorCode, { message: string; details?: ErrorDetails }> = {
  validation_error: {
    message: "The 'text' field is required when mediaType is 'text'.",
    details: {
      field: "post.content.text",
      reason: "required",
      issues: [{ field: "post.content.text", reason: "required", message: "The 'text' field is required." }],
    },
  },
  missing_integrations: {
    message: "The following platforms are not connected: tiktok. Connect them in Settings > Integrations.",
    details: { missingPlatforms: ["tiktok"] },
  },
  missing_account: {
    message: 'Several x accounts are connected; name one with {"platform": "x", "accountId": "…"}.',
    details: { platform: "x", accountId: null, availableAccountIds: ["x_primary", "x_brand"] },
  },
  upload_failed: {
    message: "The media URL answered HTTP 404.",
    details: { reason: "http_error", status: 404 },
  },
  unauthorized: { message: "Missing or invalid soku-api-key" },
  forbidden: { message: "An active subscription is required to access the API." },
  insufficient_scope: {
    message: "This API key lacks the posts:write scope this request needs.",
    details: { requiredScope: "posts:write", grantedScopes: ["posts:read", "accounts:read"] },
  },
  not_found: { message: "No post 3f0c2a9e-5b1d-4c8e-9f7a-2d6b8e1c4a90." },
  idempotency_conflict: {
    message:
      "This Idempotency-Key was already used with a different request body. Use a new key for a different request.",
  },
  conflict: {
    message: "The post is dispatched; it can be canceled only while it is a draft, scheduled or queued.",
    details: { status: "dispatched" },
  },
  payload_too_large: { message: "The body is larger than 1 MiB.", details: { limitBytes: 1048576 } },
  unsupported_media_type: { message: "The body must be JSON, sent with Content-Type: application/json." },
  rate_limit_exceeded: {
    message: "Too many requests for the premium tier: at most 200 per 60 s. Retry after 12 s.",
    details: { limit: 200, scope: "tier:premium", retryAfter: 12, windowSeconds: 60 },
  },
  post_creation_failed: { message: "The post could not be stored; nothing was created. Retry the request." },
  internal_error: { message: "An internal error occurred." },
};

/** The `examples` of an error answer: one envelope per code it may carry. */
export function errorExamples(codes: readonly ErrorCode[]): Record<string, { summary: string; value: unknown }> {
  return Object.fromEntries(
    codes.map((code) => {
      const { message, details = {} } = ERROR_EXAMPLES[code];
      const error = {
        type: errorType(ERROR_STATUS[code]),
        code,
        message,
        timestamp: "2026-02-28T12:00:00.000Z",
        requestId: "req_8c1d2e3f",
        details,
      };
      return [code, { summary: code, value: { error } }];
    }),
  );
}
