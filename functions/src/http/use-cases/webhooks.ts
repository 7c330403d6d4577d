import { randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError, validationError } from "../../domain/errors";
import type { EventData } from "../../domain/event-data";
import { EVENT_TYPES, type NewEvent } from "../../domain/events";
import { newWebhookSecret } from "../../domain/webhook-signature";
import { zodIssues } from "../../domain/zod-issues";
import type { DeliveryRecord, EndpointRecord } from "../../store/webhook-store";
import { endpointAddressProblem } from "../../tasks/webhook-request";
import type { ApiKeyAuth } from "../caller";
import type { AppDeps } from "../deps";

/** Endpoints a user may have (both worlds together): enough for any integration, bounded for delivery. */
export const MAX_ENDPOINTS = 20;
export const DELIVERIES_LIMIT = { default: 20, max: 100 } as const;

const eventFilter = z
  .array(z.enum(["*", ...EVENT_TYPES.filter((t) => t !== "webhook.test")]))
  .min(1)
  .max(EVENT_TYPES.length);
const fields = {
  url: z.string().min(1).max(2048),
  events: eventFilter,
  description: z.string().max(500).nullable(),
  enabled: z.boolean(),
};
export const createWebhookBody = z.strictObject({
  url: fields.url,
  events: fields.events.optional(),
  description: fields.description.optional(),
});
export const updateWebhookBody = z
  .strictObject({
    url: fields.url.optional(),
    events: fields.events.optional(),
    description: fields.description.optional(),
    enabled: fields.enabled.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "Give at least one of url, events, description, enabled." });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw validationError(zodIssues(parsed.error, body));
  return parsed.data;
}

export const endpointViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    enabled: z.boolean(),
    livemode: z.boolean(),
    createdAt: z.iso.datetime(),
    failingSince: z.iso.datetime().nullable(),
    disabledAt: z.iso.datetime().nullable(),
    disabledReason: z.string().nullable(),
    previousSecretExpiresAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "WebhookEndpoint" });
export type EndpointView = z.output<typeof endpointViewSchema>;
/** POST /v1/webhooks and its rotate: the signing secret, shown in this answer only. */
export const endpointWithSecretSchema = endpointViewSchema
  .extend({ secret: z.string() })
  .meta({ id: "WebhookEndpointWithSecret" });
export const deliveryViewSchema = z
  .object({
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int(),
    statusCode: z.number().int().nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
    at: z.iso.datetime(),
    nextRetryAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "WebhookDelivery" });
export type DeliveryView = z.output<typeof deliveryViewSchema>;
export const webhookTestSchema = z.object({ eventId: z.string(), type: z.literal("webhook.test") });

/** An endpoint as the API shows it: never its secret. */
export function endpointView(id: string, e: EndpointRecord): EndpointView {
  return {
    id,
    url: e.url,
    events: e.events,
    description: e.description ?? null,
    enabled: e.enabled,
    livemode: e.livemode,
    createdAt: e.createdAt.toDate().toISOString(),
    failingSince: e.failingSince?.toDate().toISOString() ?? null,
    disabledAt: e.disabledAt?.toDate().toISOString() ?? null,
    disabledReason: e.disabledReason ?? null,
    previousSecretExpiresAt: e.previousSecretExpiresAt?.toDate().toISOString() ?? null,
  };
}

function deliveryView(d: DeliveryRecord): DeliveryView {
  return {
    eventId: d.eventId,
    eventType: d.eventType,
    attempt: d.attempt,
    statusCode: d.statusCode,
    durationMs: d.durationMs,
    error: d.error,
    at: d.at.toDate().toISOString(),
    nextRetryAt: d.nextRetryAt?.toDate().toISOString() ?? null,
  };
}

async function checkUrl(deps: AppDeps, url: string): Promise<void> {
  const problem = await endpointAddressProblem(url, deps.webhookRequest());
  if (problem) throw validationError([{ field: "url", reason: "invalid_url", message: problem }]);
}

/** The caller's endpoint of the caller's world, or 404 (another world's reads as missing). */
async function owned(deps: AppDeps, caller: ApiKeyAuth, id: string): Promise<EndpointRecord> {
  const endpoint = await deps.webhooks.get(caller.userId, id);
  if (!endpoint || endpoint.livemode !== (caller.mode === "live")) {
    throw new AppError("not_found", `No webhook endpoint ${id}.`);
  }
  return endpoint;
}

/** POST /v1/webhooks: a new endpoint of the key's world; its secret is in this answer only. */
export async function createWebhook(deps: AppDeps, caller: ApiKeyAuth, input: { body: unknown }) {
  const body = parse(createWebhookBody, input.body);
  await checkUrl(deps, body.url);
  if ((await deps.webhooks.count(caller.userId)) >= MAX_ENDPOINTS) {
    throw new AppError("conflict", `A user may have at most ${MAX_ENDPOINTS} webhook endpoints; delete one first.`);
  }
  const id = `we_${randomBytes(12).toString("hex")}`;
  const secret = newWebhookSecret();
  await deps.webhooks.create(
    caller.userId,
    id,
    {
      url: body.url,
      events: body.events ?? ["*"],
      description: body.description ?? null,
      livemode: caller.mode === "live",
    },
    secret,
  );
  return { ...endpointView(id, await owned(deps, caller, id)), secret };
}

export async function listWebhooks(deps: AppDeps, caller: ApiKeyAuth) {
  const endpoints = await deps.webhooks.list(caller.userId, caller.mode === "live");
  return { data: endpoints.map(({ id, endpoint }) => endpointView(id, endpoint)) };
}

export async function getWebhook(deps: AppDeps, caller: ApiKeyAuth, input: { id: string }) {
  return endpointView(input.id, await owned(deps, caller, input.id));
}

/** PATCH /v1/webhooks/{id}: url, filter, description; `enabled: true` revives a disabled endpoint. */
export async function updateWebhook(deps: AppDeps, caller: ApiKeyAuth, input: { id: string; body: unknown }) {
  const body = parse(updateWebhookBody, input.body);
  await owned(deps, caller, input.id);
  if (body.url !== undefined) await checkUrl(deps, body.url);
  await deps.webhooks.update(caller.userId, input.id, body);
  return endpointView(input.id, await owned(deps, caller, input.id));
}

export async function deleteWebhook(deps: AppDeps, caller: ApiKeyAuth, input: { id: string }) {
  await owned(deps, caller, input.id);
  await deps.webhooks.delete(caller.userId, input.id);
  return { id: input.id, deleted: true };
}

/** POST /v1/webhooks/{id}/rotate: a new secret (shown once); the old one signs too for 24 h. */
export async function rotateWebhookSecret(deps: AppDeps, caller: ApiKeyAuth, input: { id: string }) {
  await owned(deps, caller, input.id);
  const secret = newWebhookSecret();
  const expires = await deps.webhooks.rotate(caller.userId, input.id, secret, deps.clock());
  if (!expires) throw new AppError("not_found", `No webhook endpoint ${input.id}.`);
  return { ...endpointView(input.id, await owned(deps, caller, input.id)), secret };
}

/** POST /v1/webhooks/{id}/test: a `webhook.test` event, to this endpoint only (one per request: its log id). */
export async function testWebhook(deps: AppDeps, caller: ApiKeyAuth, input: { id: string; requestLogId: string }) {
  const endpoint = await owned(deps, caller, input.id);
  const event: NewEvent = {
    userId: caller.userId,
    livemode: endpoint.livemode,
    type: "webhook.test",
    change: `webhook.test/${input.id}/${input.requestLogId}`,
    data: { endpointId: input.id, message: "A test event from Postcast." } satisfies EventData<"webhook.test">,
  };
  const ref = await deps.submissions.events.record(event);
  return { eventId: ref.eventId, type: event.type };
}

export const deliveriesQuery = z.strictObject({
  limit: z.preprocess(
    (v) => (Array.isArray(v) ? (v as unknown[])[v.length - 1] : v),
    z.coerce.number().int().min(1).max(DELIVERIES_LIMIT.max).optional(),
  ),
});

/** GET /v1/webhooks/{id}/deliveries: the latest attempts first. */
export async function listDeliveries(deps: AppDeps, caller: ApiKeyAuth, input: { id: string; query: unknown }) {
  const query = parse(deliveriesQuery, input.query);
  await owned(deps, caller, input.id);
  const attempts = await deps.webhooks.deliveries(caller.userId, input.id, query.limit ?? DELIVERIES_LIMIT.default);
  return { data: attempts.map(deliveryView) };
}
