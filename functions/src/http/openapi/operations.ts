import { z } from "zod";
import { publishDraftSchema } from "../../domain/draft-publish";
import { EVENT_TYPES, type EventEnvelope } from "../../domain/events";
import { uploadRequest } from "../../domain/media-upload";
import { PLATFORMS } from "../../domain/platforms";
import { patchSchema as postEditBody } from "../../domain/post-edit";
import { bodySchema as postBody } from "../../domain/post-request";
import { createKeyBody } from "../routes/api-keys-routes";
import { connectBody, redeemBody, selectBody } from "../routes/integrations-routes";
import { apiKeyViewSchema, createdApiKeySchema } from "../use-cases/api-keys";
import { accountViewSchema } from "../use-cases/list-accounts";
import { feedQuery } from "../use-cases/events";
import { listPostsQuery } from "../use-cases/list-posts";
import { mediaViewSchema } from "../use-cases/media";
import { uploadViewSchema } from "../use-cases/media-uploads";
import { postViewSchema } from "../use-cases/post-view";
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

export interface ResponseSpec {
  description: string;
  /** Absent: no body (a redirect). */
  schema?: z.ZodType;
  headers?: HeaderName[];
  example?: unknown;
}

export interface Operation {
  method: "get" | "post" | "patch" | "delete";
  /** Express's form (`:id`); the document writes `{id}`. */
  path: string;
  tag: string;
  summary: string;
  auth: Auth;
  /** Behind the rate limiter (its headers on every answer). */
  limited: boolean;
  query?: z.ZodObject;
  headers?: ("IdempotencyKey" | "IfMatch")[];
  body?: { schema: z.ZodType; required: boolean; example?: unknown };
  responses: Record<number, ResponseSpec>;
  /** Error statuses beyond those every operation of its kind may answer (see document.ts). */
  errors?: number[];
}

const list = <T extends z.ZodType>(item: T, id: string, extra: z.ZodRawShape = {}) =>
  z.object({ data: z.array(item), ...extra }).meta({ id });
const deleted = z.object({ id: z.string(), deleted: z.literal(true) });
const connectionAccount = z.object({
  accountId: z.string(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
});
const platform = z.enum(PLATFORMS);
/** An event as the feed, GET and webhooks carry it (store/event-store.ts envelopeOf). */
const eventSchema = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    timestamp: z.iso.datetime(),
    version: z.number().int(),
    livemode: z.boolean(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Event" }) satisfies z.ZodType<EventEnvelope>;
const accountList = list(accountViewSchema, "AccountList");

/** docs/api.md's first example. */
const POST_EXAMPLE = {
  post: {
    content: {
      text: "New product walkthrough",
      videoUrl: "https://cdn.example.com/walkthrough.mp4",
      platform: [
        { platform: "instagram", accountId: "instagram_main" },
        { platform: "tiktok", accountId: "tiktok_main" },
        "youtube",
      ],
    },
  },
  scheduledTime: "2026-03-01T12:00:00.000Z",
  trial_reel: false,
};

const key = { auth: "apiKey", limited: true } as const;
const idToken = { auth: "idToken", limited: true } as const;
const onePost = (summary: string, extra: Pick<Operation, "method" | "path"> & Partial<Operation>): Operation => ({
  ...key,
  tag: "Posts",
  summary,
  responses: { 200: { description: "The post.", schema: postViewSchema, headers: ["ETag"] as HeaderName[] } },
  ...extra,
});

/**
 * Every operation the app serves to API users (http/app.ts). The unit test derives the app's
 * routes from express and fails on any route missing here; the integration Harness checks every
 * answer against the document built from this table.
 */
export const OPERATIONS: Operation[] = [
  {
    ...key,
    method: "post",
    path: "/v1/posts",
    tag: "Posts",
    summary: "Create a post: publish now, or schedule it (`?dryRun=true`: check it, store nothing)",
    query: z.object({ dryRun: z.enum(["true", "false", "1", "0"]).optional() }),
    headers: ["IdempotencyKey"],
    body: { schema: postBody, required: true, example: POST_EXAMPLE },
    responses: {
      202: {
        description: "Accepted: stored, then published or scheduled.",
        schema: z.object({ postSubmissionId: z.string(), replayed: z.boolean() }),
        headers: ["Location", "Idempotent-Replayed"],
        example: { postSubmissionId: "0b6f8f52-8a8b-4e37-9d1c-1f2a3b4c5d6e", replayed: false },
      },
      200: {
        description: "`?dryRun=true`: per target, what would be sent, adjusted or refused.",
        schema: z.object({
          dryRun: z.literal(true),
          valid: z.boolean(),
          strict: z.boolean(),
          scheduledTime: z.string().nullable(),
          targets: z.array(
            z.object({
              platform,
              accountId: z.string(),
              runId: z.string(),
              outcome: z.enum(["send", "adjusted", "rejected"]),
              content: z.unknown(),
              adjustments: z.array(z.object({ rule: z.string(), message: z.string() })),
              violations: z.array(z.object({ rule: z.string(), message: z.string() })),
            }),
          ),
        }),
      },
    },
    errors: [409],
  },
  {
    ...key,
    method: "get",
    path: "/v1/posts",
    tag: "Posts",
    summary: "List posts, newest first",
    query: listPostsQuery,
    responses: {
      200: {
        description: "A page of posts.",
        schema: list(postViewSchema, "PostList", { hasMore: z.boolean(), nextCursor: z.string().nullable() }),
      },
    },
  },
  onePost("Get a post", { method: "get", path: "/v1/posts/:id" }),
  onePost("Edit a scheduled post", {
    method: "patch",
    path: "/v1/posts/:id",
    headers: ["IfMatch"],
    body: { schema: postEditBody, required: true },
    errors: [409],
  }),
  onePost("Cancel a scheduled post", { method: "delete", path: "/v1/posts/:id", errors: [409] }),
  onePost("Publish a draft, at once or at `scheduledTime`", {
    method: "post",
    path: "/v1/posts/:id/publish",
    body: { schema: publishDraftSchema, required: false, example: { scheduledTime: "2026-03-01T12:00:00.000Z" } },
    errors: [409],
  }),
  onePost("Publish a scheduled post now", { method: "post", path: "/v1/posts/:id/publish-now", errors: [409] }),

  {
    ...key,
    method: "get",
    path: "/v1/accounts",
    tag: "Accounts",
    summary: "List connected accounts",
    responses: { 200: { description: "The caller's accounts.", schema: accountList } },
  },
  {
    ...idToken,
    method: "delete",
    path: "/v1/accounts/:platform/:accountId",
    tag: "Accounts",
    summary: "Disconnect an account",
    responses: {
      200: {
        description: "Disconnected; its scheduled posts failed.",
        schema: z.object({
          platform,
          accountId: z.string(),
          status: z.literal("disconnected"),
          revokedAtPlatform: z.boolean(),
          failedScheduledPosts: z.number().int(),
        }),
      },
    },
  },

  {
    ...key,
    method: "post",
    path: "/v1/media",
    tag: "Media",
    summary: "Rehost an image or video from a URL",
    headers: ["IdempotencyKey"],
    body: {
      schema: z.strictObject({ url: z.string().min(1).max(4096) }),
      required: true,
      example: { url: "https://cdn.example.com/walkthrough.mp4" },
    },
    responses: {
      201: {
        description: "Stored.",
        schema: mediaViewSchema.extend({ replayed: z.boolean() }),
        headers: ["Location", "Idempotent-Replayed"],
      },
    },
    errors: [409],
  },
  {
    ...key,
    method: "get",
    path: "/v1/media/:id",
    tag: "Media",
    summary: "Get media",
    responses: { 200: { description: "The media.", schema: mediaViewSchema } },
  },
  {
    ...key,
    method: "delete",
    path: "/v1/media/:id",
    tag: "Media",
    summary: "Delete media",
    responses: { 200: { description: "Deleted.", schema: deleted } },
    errors: [409],
  },
  {
    ...key,
    method: "post",
    path: "/v1/media/uploads",
    tag: "Media",
    summary: "Open a resumable upload session",
    body: { schema: uploadRequest, required: true, example: { contentType: "video/mp4", size: 600000 } },
    responses: {
      201: { description: "Opened: PUT the bytes to uploadUrl.", schema: uploadViewSchema, headers: ["Location"] },
    },
  },
  {
    ...key,
    method: "get",
    path: "/v1/media/uploads/:id",
    tag: "Media",
    summary: "Get an upload session",
    responses: { 200: { description: "The session.", schema: uploadViewSchema } },
  },
  {
    ...key,
    method: "post",
    path: "/v1/media/uploads/:id/complete",
    tag: "Media",
    summary: "Complete an upload: its bytes become media",
    responses: {
      201: { description: "Completed now.", schema: mediaViewSchema, headers: ["Location"] },
      200: { description: "Already completed.", schema: mediaViewSchema },
    },
    errors: [409],
  },

  {
    ...key,
    method: "post",
    path: "/v1/webhooks",
    tag: "Webhooks",
    summary: "Register a webhook endpoint",
    body: {
      schema: createWebhookBody,
      required: true,
      example: { url: "https://example.com/postcast-events", events: ["post.published", "post.failed"] },
    },
    responses: { 201: { description: "Registered; the secret is shown this once.", schema: endpointWithSecretSchema } },
    errors: [409],
  },
  {
    ...key,
    method: "get",
    path: "/v1/webhooks",
    tag: "Webhooks",
    summary: "List webhook endpoints",
    responses: {
      200: { description: "The key's world's endpoints.", schema: list(endpointViewSchema, "WebhookList") },
    },
  },
  {
    ...key,
    method: "get",
    path: "/v1/webhooks/:id",
    tag: "Webhooks",
    summary: "Get a webhook endpoint",
    responses: { 200: { description: "The endpoint.", schema: endpointViewSchema } },
  },
  {
    ...key,
    method: "patch",
    path: "/v1/webhooks/:id",
    tag: "Webhooks",
    summary: "Edit a webhook endpoint (`enabled: true` revives a disabled one)",
    body: { schema: updateWebhookBody, required: true },
    responses: { 200: { description: "The endpoint.", schema: endpointViewSchema } },
  },
  {
    ...key,
    method: "delete",
    path: "/v1/webhooks/:id",
    tag: "Webhooks",
    summary: "Delete a webhook endpoint",
    responses: { 200: { description: "Deleted.", schema: deleted } },
  },
  {
    ...key,
    method: "post",
    path: "/v1/webhooks/:id/rotate",
    tag: "Webhooks",
    summary: "Rotate the signing secret (the old one signs too for 24 h)",
    responses: { 200: { description: "The new secret, shown this once.", schema: endpointWithSecretSchema } },
  },
  {
    ...key,
    method: "post",
    path: "/v1/webhooks/:id/test",
    tag: "Webhooks",
    summary: "Send a webhook.test event to this endpoint",
    responses: { 202: { description: "Recorded; delivered shortly.", schema: webhookTestSchema } },
  },
  {
    ...key,
    method: "get",
    path: "/v1/webhooks/:id/deliveries",
    tag: "Webhooks",
    summary: "The endpoint's latest delivery attempts",
    query: deliveriesQuery,
    responses: { 200: { description: "Latest first.", schema: list(deliveryViewSchema, "DeliveryList") } },
  },

  {
    ...key,
    method: "get",
    path: "/v1/events",
    tag: "Events",
    summary: "The event feed, oldest first, after a cursor",
    query: feedQuery,
    responses: {
      200: {
        description: "A page of events.",
        schema: list(eventSchema, "EventList", { next: z.string().nullable() }),
      },
    },
  },
  {
    ...key,
    method: "get",
    path: "/v1/events/:id",
    tag: "Events",
    summary: "Get an event",
    responses: { 200: { description: "The event.", schema: eventSchema } },
  },
  {
    ...key,
    method: "post",
    path: "/v1/events/:id/redeliver",
    tag: "Events",
    summary: "Deliver an event again to every endpoint that takes it",
    responses: {
      202: { description: "Queued.", schema: z.object({ eventId: z.string(), endpoints: z.array(z.string()) }) },
    },
  },

  {
    ...idToken,
    method: "post",
    path: "/v1/api-keys",
    tag: "API keys",
    summary: "Create an API key",
    body: { schema: createKeyBody, required: false, example: { name: "CI", mode: "test" } },
    responses: { 201: { description: "Created.", schema: createdApiKeySchema, headers: ["Location"] } },
  },
  {
    ...idToken,
    method: "get",
    path: "/v1/api-keys",
    tag: "API keys",
    summary: "List API keys (revoked ones too)",
    responses: { 200: { description: "The user's keys.", schema: list(apiKeyViewSchema, "ApiKeyList") } },
  },
  {
    ...idToken,
    method: "delete",
    path: "/v1/api-keys/:id",
    tag: "API keys",
    summary: "Revoke an API key",
    responses: { 200: { description: "Revoked.", schema: apiKeyViewSchema } },
  },

  {
    ...idToken,
    method: "post",
    path: "/v1/integrations/:platform/connect",
    tag: "Connections",
    summary: "Start connecting an account: the URL of the platform's consent page",
    body: { schema: connectBody, required: false },
    responses: {
      200: {
        description: "Send the user's browser to authorizeUrl.",
        schema: z.object({ platform, authorizeUrl: z.string(), expiresAt: z.iso.datetime() }),
      },
    },
  },
  {
    ...idToken,
    method: "post",
    path: "/v1/integrations/:platform/connections",
    tag: "Connections",
    summary: "Redeem the code the consent brought back",
    body: { schema: redeemBody, required: true },
    responses: {
      200: {
        description: "Connected, or several accounts to choose among.",
        schema: z.union([
          z.object({ status: z.literal("connected"), platform, data: z.array(accountViewSchema) }),
          z.object({
            status: z.literal("choose"),
            platform,
            selection: z.string(),
            expiresAt: z.iso.datetime(),
            accounts: z.array(connectionAccount),
          }),
        ]),
      },
    },
  },
  {
    ...idToken,
    method: "get",
    path: "/v1/integrations/:platform/selections/:id",
    tag: "Connections",
    summary: "The accounts a consent offered",
    responses: {
      200: {
        description: "Until chosen or expired.",
        schema: z.object({ platform, expiresAt: z.iso.datetime(), accounts: z.array(connectionAccount) }),
      },
    },
  },
  {
    ...idToken,
    method: "post",
    path: "/v1/integrations/:platform/selections/:id",
    tag: "Connections",
    summary: "Connect the chosen accounts",
    body: { schema: selectBody, required: true },
    responses: { 200: { description: "Connected.", schema: accountList } },
  },

  {
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
    auth: "none",
    limited: false,
    method: "get",
    path: "/oauth/done",
    tag: "Connections",
    summary: "The outcome page of connections started without a returnTo",
    responses: {
      200: {
        description: "The outcome, as the query gave it.",
        schema: z.object({ connect: z.record(z.string(), z.unknown()) }),
      },
    },
  },
  {
    auth: "none",
    limited: false,
    method: "get",
    path: "/v1/openapi.json",
    tag: "Reference",
    summary: "This document",
    responses: {
      200: { description: "OpenAPI 3.1.", schema: z.looseObject({ openapi: z.string() }), headers: ["ETag"] },
      304: { description: "Not modified since the ETag sent in If-None-Match." },
    },
  },
];
