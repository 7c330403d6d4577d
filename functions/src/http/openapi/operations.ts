import { z } from "zod";
import type { ErrorCode } from "../../domain/errors";
import { eventSchema } from "../../domain/event-data";
import { uploadRequest } from "../../domain/media-upload";
import { PLATFORMS } from "../../domain/platforms";
import { patchSchema } from "../../domain/post-edit";
import { publishDraftSchema } from "../../domain/draft-publish";
import { bodySchema as postBody, contentSchema as postContent } from "../../domain/post-request";
import { createKeyBody } from "../routes/api-keys-routes";
import { connectBody, redeemBody, selectBody } from "../routes/integrations-routes";
import { apiKeyViewSchema, createdApiKeySchema } from "../use-cases/api-keys";
import { dryRunResultSchema } from "../use-cases/dry-run-post";
import { accountViewSchema } from "../use-cases/list-accounts";
import { feedQuery } from "../use-cases/events";
import { listPostsQuery } from "../use-cases/list-posts";
import { createMediaBody, mediaViewSchema } from "../use-cases/media";
import { mediaIdsSchema } from "../use-cases/media-ids";
import { uploadViewSchema } from "../use-cases/media-uploads";
import { postViewSchema } from "../use-cases/post-view";
import { renderedTemplateSchema, renderTemplateBody } from "../use-cases/render-template";
import { templateDefinitionViewSchema } from "../use-cases/template-definitions";
import { templateDefinitionSchema } from "../../domain/template-model";
import {
  createWebhookBody,
  deliveriesQuery,
  deliveryViewSchema,
  endpointViewSchema,
  endpointWithSecretSchema,
  updateWebhookBody,
  webhookTestSchema,
} from "../use-cases/webhooks";
import type { Auth, HeaderName } from "./components";
import * as EX from "./examples";

export interface ResponseSpec {
  description: string;
  /** Absent: no body (a redirect). */
  schema?: z.ZodType;
  headers?: HeaderName[];
  example?: unknown;
}

export interface Operation {
  /** Stable and camelCase: generated clients name their methods after it. */
  operationId: string;
  method: "get" | "post" | "patch" | "delete";
  /** Express's form (`:id`); the document writes `{id}`. */
  path: string;
  tag: string;
  summary: string;
  /** What docs/api.md says of it, briefly (the scopes sentence is added from ROUTE_SCOPES). */
  description?: string;
  auth: Auth;
  /** Behind the rate limiter (its headers on every answer). */
  limited: boolean;
  query?: z.ZodObject;
  headers?: ("IdempotencyKey" | "IfMatch")[];
  /** Request bodies are named schemas (`.meta({ id })`): clients name their types after them. */
  body?: { schema: z.ZodType; required: boolean; example?: unknown };
  responses: Record<number, ResponseSpec>;
  /**
   * Error codes this operation answers beyond those its kind always may (see document.ts
   * errorCodes: auth, limiter, JSON body, malformed ids and parameters, internal errors).
   */
  errors?: ErrorCode[];
}

/** Names a schema for the document (a copy: the API's own schema is not touched). */
const named = <T extends z.ZodType>(schema: T, id: string): T => schema.meta({ id });
const list = <T extends z.ZodType>(item: T, id: string, extra: z.ZodRawShape = {}) =>
  z.object({ data: z.array(item), ...extra }).meta({ id });
const deleted = named(z.object({ id: z.string(), deleted: z.literal(true) }), "Deleted");
const connectionAccount = named(
  z.object({
    accountId: z.string(),
    username: z.string().nullable(),
    displayName: z.string().nullable(),
    avatarUrl: z.string().nullable(),
  }),
  "OfferedAccount",
);
const platform = z.enum(PLATFORMS);
const accountList = list(accountViewSchema, "AccountList");

/** POST /v1/posts's body as the API takes it: `post.content.mediaIds` is resolved to URLs before the body is parsed. */
const createPostRequest = named(
  postBody.extend({ post: z.strictObject({ content: postContent.extend({ mediaIds: mediaIdsSchema.optional() }) }) }),
  "CreatePostRequest",
);
/**
 * PATCH's body: POST's fields, each optional (the stored post's stay), checked with POST's rules on
 * the edited post. Its own schema (domain/post-edit.ts) only says which fields may be given; their
 * rules are POST's, so the document takes them from there.
 */
const updatePostRequest = named(
  z.strictObject({
    post: z.strictObject({ content: postContent.partial().optional() }).optional(),
    scheduledTime: patchSchema.shape.scheduledTime,
    trial_reel: postBody.shape.trial_reel,
    strict: postBody.shape.strict,
    sandbox: postBody.shape.sandbox,
  }),
  "UpdatePostRequest",
);
/** The PATCH body's fields as documented, for the unit test that holds them to patchSchema's. */
export const DOCUMENTED_PATCH = updatePostRequest;

const key = { auth: "apiKey", limited: true } as const;
const idToken = { auth: "idToken", limited: true } as const;
const onePost = (
  operationId: string,
  summary: string,
  extra: Pick<Operation, "method" | "path"> & Partial<Operation>,
): Operation => ({
  ...key,
  operationId,
  tag: "Posts",
  summary,
  responses: {
    200: { description: "The post.", schema: postViewSchema, headers: ["ETag"] as HeaderName[], example: EX.POST },
  },
  ...extra,
});
/** The refusals of a post's content and targets (create, edit, publish a draft). */
const POST_REFUSALS: ErrorCode[] = ["missing_integrations", "missing_account", "upload_failed"];

/**
 * Every operation the app serves to API users (http/app.ts). The unit test derives the app's
 * routes from express and fails on any route missing here; the integration Harness checks every
 * answer against the document built from this table.
 */
export const OPERATIONS: Operation[] = [
  {
    ...key,
    operationId: "createPost",
    method: "post",
    path: "/v1/posts",
    tag: "Posts",
    summary: "Create a post: publish now, schedule it, or keep it as a draft (`?dryRun=true`: check it, store nothing)",
    description:
      'Without `draft`, the post publishes at once or at `scheduledTime` (Soku\'s behaviour); `"draft": true` ' +
      "stores it validated, with its accounts resolved when it is published (POST /v1/posts/{id}/publish). " +
      "Idempotent: a retry with the same Idempotency-Key (or the same body) answers the first request's 202.",
    query: z.object({
      dryRun: z
        .enum(["true", "false", "1", "0"])
        .optional()
        .meta({ description: "`true`: run every check, store nothing, answer what each target would be sent." }),
    }),
    headers: ["IdempotencyKey"],
    body: { schema: createPostRequest, required: true, example: EX.CREATE_POST },
    responses: {
      202: {
        description: "Accepted: stored, then published, scheduled or kept as a draft.",
        schema: named(
          z.object({
            postSubmissionId: z.string(),
            replayed: z.boolean().meta({ description: "This answer replays an earlier request (Idempotency-Key)." }),
          }),
          "CreatePostAccepted",
        ),
        headers: ["Location", "Idempotent-Replayed"],
        example: { postSubmissionId: EX.POST_ID, replayed: false },
      },
      200: {
        description: "`?dryRun=true`: per target, what would be sent, adjusted or refused.",
        schema: dryRunResultSchema,
        example: EX.DRY_RUN,
      },
    },
    errors: [...POST_REFUSALS, "idempotency_conflict", "post_creation_failed"],
  },
  {
    ...key,
    operationId: "listPosts",
    method: "get",
    path: "/v1/posts",
    tag: "Posts",
    summary: "List posts, newest first (`status=draft` lists drafts)",
    description: "The key's mode only. Pages are ordered by (createdAt, id): they never repeat or skip a post.",
    query: listPostsQuery,
    responses: {
      200: {
        description: "A page of posts.",
        schema: list(postViewSchema, "PostList", { hasMore: z.boolean(), nextCursor: z.string().nullable() }),
        example: { data: [EX.POST], hasMore: false, nextCursor: null },
      },
    },
  },
  onePost("getPost", "Get a post", { method: "get", path: "/v1/posts/:id" }),
  onePost("updatePost", "Edit a draft or a scheduled post", {
    method: "patch",
    path: "/v1/posts/:id",
    description:
      "Given fields replace the stored ones (any media field the media as a whole); the result is validated " +
      "like a new post. Only drafts and scheduled posts (409 `conflict` otherwise, or with a stale If-Match).",
    headers: ["IfMatch"],
    body: { schema: updatePostRequest, required: true, example: EX.UPDATE_POST },
    errors: [...POST_REFUSALS, "conflict"],
  }),
  onePost("cancelPost", "Cancel a draft, scheduled or queued post", {
    method: "delete",
    path: "/v1/posts/:id",
    description:
      "Every run ends `canceled`; a repeat answers 200 again. Once the orchestrator took it: 409 `conflict`.",
    errors: ["conflict"],
  }),
  onePost("publishPost", "Publish or schedule a draft", {
    method: "post",
    path: "/v1/posts/:id/publish",
    description:
      "`scheduledTime` schedules the draft for then, `null` publishes it at once, absent keeps the draft's own. " +
      "Validated like a new post now, its targets resolved against the accounts connected now. A repeat answers " +
      "as the first did; one asking for another time, or a post that is not a draft, is 409 `conflict`.",
    body: {
      schema: named(publishDraftSchema, "PublishPostRequest"),
      required: false,
      example: { scheduledTime: "2026-03-01T12:00:00.000Z" },
    },
    errors: [...POST_REFUSALS, "conflict"],
  }),
  onePost("publishPostNow", "Publish a scheduled post now", {
    method: "post",
    path: "/v1/posts/:id/publish-now",
    description: 'Soku\'s "Post Now": a scheduled post is handed over at once; any other status is 409 `conflict`.',
    errors: ["conflict"],
  }),

  {
    ...key,
    operationId: "listAccounts",
    method: "get",
    path: "/v1/accounts",
    tag: "Accounts",
    summary: "List connected accounts",
    description: "`onlyAccount: true`: a bare platform name targets it. Shared by test and live keys.",
    responses: { 200: { description: "The caller's accounts.", schema: accountList, example: { data: [EX.ACCOUNT] } } },
  },
  {
    ...idToken,
    operationId: "disconnectAccount",
    method: "delete",
    path: "/v1/accounts/:platform/:accountId",
    tag: "Accounts",
    summary: "Disconnect an account",
    responses: {
      200: {
        description: "Disconnected; its scheduled posts failed.",
        schema: named(
          z.object({
            platform,
            accountId: z.string(),
            status: z.literal("disconnected"),
            revokedAtPlatform: z.boolean(),
            failedScheduledPosts: z.number().int(),
          }),
          "DisconnectedAccount",
        ),
        example: {
          platform: "x",
          accountId: "x_primary",
          status: "disconnected",
          revokedAtPlatform: true,
          failedScheduledPosts: 0,
        },
      },
    },
  },

  {
    ...key,
    operationId: "createMedia",
    method: "post",
    path: "/v1/media",
    tag: "Media",
    summary: "Rehost an image or video from a URL",
    description:
      "Fetched safely (public addresses only), sniffed and probed. Idempotent like POST /v1/posts: a retry gets " +
      "the same media (`replayed: true`).",
    headers: ["IdempotencyKey"],
    body: {
      schema: named(createMediaBody, "CreateMediaRequest"),
      required: true,
      example: { url: "https://cdn.example.com/launch.mp4" },
    },
    responses: {
      201: {
        description: "Stored.",
        schema: named(mediaViewSchema.extend({ replayed: z.boolean() }), "CreatedMedia"),
        headers: ["Location", "Idempotent-Replayed"],
        example: { ...EX.MEDIA, replayed: false },
      },
    },
    errors: ["upload_failed", "idempotency_conflict"],
  },
  {
    ...key,
    operationId: "getMedia",
    method: "get",
    path: "/v1/media/:id",
    tag: "Media",
    summary: "Get media",
    responses: { 200: { description: "The media.", schema: mediaViewSchema, example: EX.MEDIA } },
  },
  {
    ...key,
    operationId: "deleteMedia",
    method: "delete",
    path: "/v1/media/:id",
    tag: "Media",
    summary: "Delete media",
    description: "409 `conflict` (`details.postSubmissionIds`) while a post using it has not finished publishing.",
    responses: { 200: { description: "Deleted.", schema: deleted, example: { id: EX.MEDIA.id, deleted: true } } },
    errors: ["conflict"],
  },
  {
    ...key,
    operationId: "createUpload",
    method: "post",
    path: "/v1/media/uploads",
    tag: "Media",
    summary: "Open a resumable upload session",
    description:
      "PUT the bytes to `uploadUrl` with Cloud Storage's resumable protocol, then POST `completeUrl`. An unsupported " +
      "`contentType` is 400 `upload_failed`.",
    body: {
      schema: named(uploadRequest, "CreateUploadRequest"),
      required: true,
      example: { contentType: "video/mp4", size: 600000, fileName: "launch.mp4" },
    },
    responses: {
      201: {
        description: "Opened: PUT the bytes to uploadUrl.",
        schema: uploadViewSchema,
        headers: ["Location"],
        example: EX.UPLOAD,
      },
    },
    errors: ["upload_failed"],
  },
  {
    ...key,
    operationId: "getUpload",
    method: "get",
    path: "/v1/media/uploads/:id",
    tag: "Media",
    summary: "Get an upload session",
    responses: {
      200: {
        description: "The session.",
        schema: uploadViewSchema,
        example: { ...EX.UPLOAD, uploadUrl: undefined, method: undefined, state: "completed", mediaId: EX.UPLOAD.id },
      },
    },
  },
  {
    ...key,
    operationId: "completeUpload",
    method: "post",
    path: "/v1/media/uploads/:id/complete",
    tag: "Media",
    summary: "Complete an upload: its bytes become media",
    description: "409 `conflict` while bytes are missing, the session expired or another completion runs.",
    responses: {
      201: { description: "Completed now.", schema: mediaViewSchema, headers: ["Location"], example: EX.MEDIA },
      200: { description: "Already completed.", schema: mediaViewSchema, example: EX.MEDIA },
    },
    errors: ["upload_failed", "conflict"],
  },

  ...(["/v1/templates", "/v1/media/render-og"] as const).map((path): Operation => ({
    ...key,
    operationId: path === "/v1/templates" ? "renderTemplate" : "renderOgImage",
    method: "post",
    path,
    tag: "Templates",
    summary:
      path === "/v1/templates"
        ? "Render a template into an image stored as media"
        : "Render a template (Soku's alias of POST /v1/templates)",
    description:
      "Renders a built-in or one of your templates to a PNG stored as your media (usable by `url` or " +
      "`mediaIds` in a post; retention applies). Unknown slug, unknown or ill-typed `config` key and unsupported " +
      "ratio are 400 `validation_error` naming the field (`templateSlug`, `config.<name>`, `aspectRatio`). " +
      "Idempotent like POST /v1/media. At most 20 renders per 60 s per user (both paths together).",
    headers: ["IdempotencyKey"],
    body: {
      schema: named(renderTemplateBody, "RenderTemplateRequest"),
      required: true,
      example: { templateSlug: "og-blog-post", config: { title: "We shipped templates" }, aspectRatio: "1:1" },
    },
    responses: {
      201: {
        description: "Rendered and stored.",
        schema: renderedTemplateSchema,
        headers: ["Location", "Idempotent-Replayed"],
        example: EX.RENDERED_TEMPLATE,
      },
    },
    errors: ["upload_failed", "idempotency_conflict"],
  })),
  {
    ...key,
    operationId: "createTemplateDefinition",
    method: "post",
    path: "/v1/templates/definitions",
    tag: "Templates",
    summary: "Create one of your templates",
    description:
      "A layout of boxes (fractions of the canvas) bound to declared parameters. The slug is yours; a built-in's " +
      "slug, or one you already have, is 409 `conflict`; at most 100 templates per user. Each key mode has its own.",
    body: {
      schema: named(templateDefinitionSchema, "TemplateDefinition"),
      required: true,
      example: EX.TEMPLATE_DEFINITION,
    },
    responses: {
      201: {
        description: "Stored.",
        schema: templateDefinitionViewSchema,
        headers: ["Location"],
        example: EX.TEMPLATE_DEFINITION_VIEW,
      },
    },
    errors: ["conflict"],
  },
  {
    ...key,
    operationId: "listTemplateDefinitions",
    method: "get",
    path: "/v1/templates/definitions",
    tag: "Templates",
    summary: "The built-in templates, then yours",
    responses: {
      200: {
        description: "Built-ins first (`builtIn: true`), then yours by slug.",
        schema: list(templateDefinitionViewSchema, "TemplateDefinitionList"),
        example: { data: [EX.TEMPLATE_DEFINITION_VIEW] },
      },
    },
  },
  {
    ...key,
    operationId: "getTemplateDefinition",
    method: "get",
    path: "/v1/templates/definitions/:slug",
    tag: "Templates",
    summary: "Get a template (a built-in's too: its parameters and defaults)",
    responses: {
      200: { description: "The template.", schema: templateDefinitionViewSchema, example: EX.TEMPLATE_DEFINITION_VIEW },
    },
  },
  {
    ...key,
    operationId: "updateTemplateDefinition",
    method: "patch",
    path: "/v1/templates/definitions/:slug",
    tag: "Templates",
    summary: "Edit one of your templates (a JSON merge patch)",
    description:
      "RFC 7396 over the stored definition: objects merge, `null` removes a field, anything else replaces; the " +
      "result is checked whole. The slug cannot change; a built-in is 409 `conflict`.",
    body: {
      schema: named(z.record(z.string(), z.unknown()), "TemplateDefinitionPatch"),
      required: true,
      example: { parameters: { accent: { default: "#f97316" } } },
    },
    responses: {
      200: { description: "The template.", schema: templateDefinitionViewSchema, example: EX.TEMPLATE_DEFINITION_VIEW },
    },
    errors: ["conflict"],
  },
  {
    ...key,
    operationId: "deleteTemplateDefinition",
    method: "delete",
    path: "/v1/templates/definitions/:slug",
    tag: "Templates",
    summary: "Delete one of your templates (images rendered from it stay)",
    responses: {
      200: {
        description: "Deleted.",
        schema: named(z.object({ slug: z.string(), deleted: z.literal(true) }), "DeletedTemplate"),
        example: { slug: "quote-card", deleted: true },
      },
    },
    errors: ["conflict"],
  },

  {
    ...key,
    operationId: "createWebhook",
    method: "post",
    path: "/v1/webhooks",
    tag: "Webhooks",
    summary: "Register a webhook endpoint",
    description:
      '`events`: event types, or `["*"]` (the default). The answer is the only time the signing secret is shown. ' +
      "At most 20 endpoints per user (409 `conflict` beyond).",
    body: {
      schema: named(createWebhookBody, "CreateWebhookRequest"),
      required: true,
      example: {
        url: "https://example.com/postcast-events",
        events: ["post.published", "post.failed", "post.completed"],
        description: "local listener",
      },
    },
    responses: {
      201: {
        description: "Registered; the secret is shown this once.",
        schema: endpointWithSecretSchema,
        example: { ...EX.WEBHOOK, secret: "whsec_MfKQ9r8GKYqrTwJSJdz4j9dBcGxL1s6o" },
      },
    },
    errors: ["conflict"],
  },
  {
    ...key,
    operationId: "listWebhooks",
    method: "get",
    path: "/v1/webhooks",
    tag: "Webhooks",
    summary: "List webhook endpoints",
    responses: {
      200: {
        description: "The key's world's endpoints.",
        schema: list(endpointViewSchema, "WebhookList"),
        example: { data: [EX.WEBHOOK] },
      },
    },
  },
  {
    ...key,
    operationId: "getWebhook",
    method: "get",
    path: "/v1/webhooks/:id",
    tag: "Webhooks",
    summary: "Get a webhook endpoint",
    responses: { 200: { description: "The endpoint.", schema: endpointViewSchema, example: EX.WEBHOOK } },
  },
  {
    ...key,
    operationId: "updateWebhook",
    method: "patch",
    path: "/v1/webhooks/:id",
    tag: "Webhooks",
    summary: "Edit a webhook endpoint (`enabled: true` revives a disabled one)",
    body: {
      schema: named(updateWebhookBody, "UpdateWebhookRequest"),
      required: true,
      example: { description: "every event" },
    },
    responses: {
      200: {
        description: "The endpoint.",
        schema: endpointViewSchema,
        example: { ...EX.WEBHOOK, description: "every event" },
      },
    },
  },
  {
    ...key,
    operationId: "deleteWebhook",
    method: "delete",
    path: "/v1/webhooks/:id",
    tag: "Webhooks",
    summary: "Delete a webhook endpoint",
    responses: { 200: { description: "Deleted.", schema: deleted, example: { id: EX.WEBHOOK.id, deleted: true } } },
  },
  {
    ...key,
    operationId: "rotateWebhookSecret",
    method: "post",
    path: "/v1/webhooks/:id/rotate",
    tag: "Webhooks",
    summary: "Rotate the signing secret (the old one signs too for 24 h)",
    responses: {
      200: {
        description: "The new secret, shown this once.",
        schema: endpointWithSecretSchema,
        example: {
          ...EX.WEBHOOK,
          secret: "whsec_q2VbZc3kYtP0m8WnR5sLx1JdHf7aGe4u",
          previousSecretExpiresAt: "2026-12-01T09:00:00.000Z",
        },
      },
    },
  },
  {
    ...key,
    operationId: "testWebhook",
    method: "post",
    path: "/v1/webhooks/:id/test",
    tag: "Webhooks",
    summary: "Send a webhook.test event to this endpoint",
    responses: {
      202: {
        description: "Recorded; delivered shortly.",
        schema: named(webhookTestSchema, "WebhookTestAccepted"),
        example: { eventId: EX.EVENT.id, type: "webhook.test" },
      },
    },
  },
  {
    ...key,
    operationId: "listWebhookDeliveries",
    method: "get",
    path: "/v1/webhooks/:id/deliveries",
    tag: "Webhooks",
    summary: "The endpoint's latest delivery attempts",
    query: deliveriesQuery,
    responses: {
      200: {
        description: "Latest first.",
        schema: list(deliveryViewSchema, "DeliveryList"),
        example: {
          data: [
            {
              eventId: EX.EVENT.id,
              eventType: "webhook.test",
              attempt: 1,
              statusCode: 204,
              durationMs: 41,
              error: null,
              at: "2026-11-30T09:00:02.114Z",
              nextRetryAt: null,
            },
          ],
        },
      },
    },
  },

  {
    ...key,
    operationId: "listEvents",
    method: "get",
    path: "/v1/events",
    tag: "Events",
    summary: "The event feed, oldest first, after a cursor",
    description: "`next` is always there: pass it back as `after` to poll; it never skips an event.",
    query: feedQuery,
    responses: {
      200: {
        description: "A page of events.",
        schema: list(eventSchema, "EventList", { next: z.string().nullable() }),
        example: { data: [EX.EVENT], next: "MTc2NDQ5MzIwMS4yMzQ1NjcwMDA6ZXZ0XzNmOWM" },
      },
    },
  },
  {
    ...key,
    operationId: "getEvent",
    method: "get",
    path: "/v1/events/:id",
    tag: "Events",
    summary: "Get an event",
    responses: { 200: { description: "The event.", schema: eventSchema, example: EX.EVENT } },
  },
  {
    ...key,
    operationId: "redeliverEvent",
    method: "post",
    path: "/v1/events/:id/redeliver",
    tag: "Events",
    summary: "Deliver an event again to every endpoint that takes it",
    responses: {
      202: {
        description: "Queued.",
        schema: named(z.object({ eventId: z.string(), endpoints: z.array(z.string()) }), "RedeliveryAccepted"),
        example: { eventId: EX.EVENT.id, endpoints: [EX.WEBHOOK.id] },
      },
    },
  },

  {
    ...idToken,
    operationId: "createApiKey",
    method: "post",
    path: "/v1/api-keys",
    tag: "API keys",
    summary: "Create an API key",
    description: "`scopes` (optional, at least one) limits what the key may do; without it the key has every scope.",
    body: {
      schema: named(createKeyBody, "CreateApiKeyRequest"),
      required: false,
      example: { name: "Dashboard (read only)", mode: "test", scopes: ["posts:read", "accounts:read"] },
    },
    responses: {
      201: { description: "Created.", schema: createdApiKeySchema, headers: ["Location"], example: EX.CREATED_KEY },
    },
  },
  {
    ...idToken,
    operationId: "listApiKeys",
    method: "get",
    path: "/v1/api-keys",
    tag: "API keys",
    summary: "List API keys (revoked ones too)",
    responses: {
      200: {
        description: "The user's keys.",
        schema: list(apiKeyViewSchema, "ApiKeyList"),
        example: { data: [EX.API_KEY] },
      },
    },
  },
  {
    ...idToken,
    operationId: "revokeApiKey",
    method: "delete",
    path: "/v1/api-keys/:id",
    tag: "API keys",
    summary: "Revoke an API key",
    responses: {
      200: {
        description: "Revoked.",
        schema: apiKeyViewSchema,
        example: { ...EX.API_KEY, status: "revoked", revokedAt: "2026-11-30T10:00:00.000Z" },
      },
    },
  },

  {
    ...idToken,
    operationId: "startConnection",
    method: "post",
    path: "/v1/integrations/:platform/connect",
    tag: "Connections",
    summary: "Start connecting an account: the URL of the platform's consent page",
    body: { schema: named(connectBody, "StartConnectionRequest"), required: false },
    responses: {
      200: {
        description: "Send the user's browser to authorizeUrl.",
        schema: named(
          z.object({ platform, authorizeUrl: z.string(), expiresAt: z.iso.datetime() }),
          "ConnectionStarted",
        ),
      },
    },
  },
  {
    ...idToken,
    operationId: "redeemConnection",
    method: "post",
    path: "/v1/integrations/:platform/connections",
    tag: "Connections",
    summary: "Redeem the code the consent brought back",
    body: { schema: named(redeemBody, "RedeemConnectionRequest"), required: true },
    responses: {
      200: {
        description: "Connected, or several accounts to choose among.",
        schema: named(
          z.union([
            z.object({ status: z.literal("connected"), platform, data: z.array(accountViewSchema) }),
            z.object({
              status: z.literal("choose"),
              platform,
              selection: z.string(),
              expiresAt: z.iso.datetime(),
              accounts: z.array(connectionAccount),
            }),
          ]),
          "ConnectionRedeemed",
        ),
      },
    },
    errors: ["not_found"],
  },
  {
    ...idToken,
    operationId: "getAccountSelection",
    method: "get",
    path: "/v1/integrations/:platform/selections/:id",
    tag: "Connections",
    summary: "The accounts a consent offered",
    responses: {
      200: {
        description: "Until chosen or expired.",
        schema: named(
          z.object({ platform, expiresAt: z.iso.datetime(), accounts: z.array(connectionAccount) }),
          "AccountSelection",
        ),
      },
    },
  },
  {
    ...idToken,
    operationId: "completeAccountSelection",
    method: "post",
    path: "/v1/integrations/:platform/selections/:id",
    tag: "Connections",
    summary: "Connect the chosen accounts",
    body: { schema: named(selectBody, "SelectAccountsRequest"), required: true },
    responses: { 200: { description: "Connected.", schema: accountList } },
  },

  {
    operationId: "oauthCallback",
    auth: "none",
    limited: false,
    method: "get",
    path: "/oauth/:platform/callback",
    tag: "Connections",
    summary: "Where the platform sends the browser back after consent",
    responses: {
      302: { description: "To the returnTo page with a code to redeem, or an error.", headers: ["Location"] },
    },
  },
  {
    operationId: "oauthDone",
    auth: "none",
    limited: false,
    method: "get",
    path: "/oauth/done",
    tag: "Connections",
    summary: "The outcome page of connections started without a returnTo",
    responses: {
      200: {
        description: "The outcome, as the query gave it.",
        schema: named(z.object({ connect: z.record(z.string(), z.unknown()) }), "ConnectionOutcome"),
      },
    },
  },
  {
    operationId: "getOpenApiDocument",
    auth: "none",
    limited: false,
    method: "get",
    path: "/v1/openapi.json",
    tag: "Reference",
    summary: "This document",
    responses: {
      200: {
        description: "OpenAPI 3.1.",
        schema: named(z.looseObject({ openapi: z.string() }), "OpenApiDocument"),
        headers: ["ETag"],
      },
      304: { description: "Not modified since the ETag sent in If-None-Match." },
    },
  },
];
