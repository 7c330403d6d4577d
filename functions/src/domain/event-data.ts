import { z } from "zod";
import { EVENT_TYPES, type EventEnvelope, type EventType } from "./events";
import { PLATFORMS } from "./platforms";
import { SUBMISSION_STATUSES } from "./submission-status";

/**
 * The `data` of each event type (docs/api.md, Events), as the producers (post-events.ts,
 * account-events.ts, the stores) write it. The OpenAPI document describes an event as one of these
 * per `type`, and the integration tests check every event answered against it.
 */
const platform = z.enum(PLATFORMS);
const isoTime = z.iso.datetime();
const problem = z.object({ code: z.string(), message: z.string() });
const summary = z.object({
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  canceled: z.number().int(),
});
const run = { postId: z.string(), runId: z.string(), platform, accountId: z.string() };
const account = { platform, accountId: z.string() };

/** What Postcast learnt of stored media (its record holds these, store/media-record-store.ts). */
export const MEDIA_FACTS = {
  url: z.string(),
  contentType: z.string(),
  kind: z.enum(["image", "video"]),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationSeconds: z.number().nullable(),
};

export const EVENT_DATA = {
  "post.scheduled": z.object({
    postId: z.string(),
    scheduledTime: isoTime,
    targets: z.array(z.object({ runId: z.string(), platform, accountId: z.string() })),
  }),
  "post.published": z.object({
    ...run,
    platformPostId: z.string(),
    permalink: z.string().nullable(),
    attempts: z.number().int(),
  }),
  "post.failed": z.object({
    ...run,
    error: problem,
    attempts: z.number().int(),
    dead_lettered: z.boolean().meta({ description: "Postcast gave up after its attempts and recorded a dead letter." }),
  }),
  "post.unknown": z.object({ ...run, reason: problem }),
  "post.completed": z.object({ postId: z.string(), status: z.enum(SUBMISSION_STATUSES), summary }),
  "post.canceled": z.object({ postId: z.string(), summary }),
  "account.connected": z.object({
    ...account,
    username: z.string().nullable(),
    displayName: z.string().nullable(),
    reconnected: z.boolean(),
    reconnectBy: isoTime.nullable(),
  }),
  "account.disconnected": z.object(account),
  "account.needs_reauth": z.object({ ...account, reason: z.string() }),
  "account.expiring": z.object({
    ...account,
    reconnectBy: isoTime,
    scheduledPostsAtRisk: z.array(z.object({ postId: z.string(), scheduledTime: isoTime })),
  }),
  "media.ready": z.object({
    mediaId: z.string(),
    ...MEDIA_FACTS,
    uploadId: z.string().optional().meta({ description: "The upload session it came from, if any." }),
  }),
  "endpoint.disabled": z.object({
    endpointId: z.string(),
    url: z.string(),
    reason: z.enum(["gone", "failing"]),
    message: z.string(),
  }),
  "webhook.test": z.object({ endpointId: z.string(), message: z.string() }),
} as const satisfies Record<EventType, z.ZodObject>;

/** What a producer of `type` writes as `data` (checked where the producers build it). */
export type EventData<T extends EventType> = z.input<(typeof EVENT_DATA)[T]>;

/** The component name of an event type's envelope: `post.published` → `PostPublishedEvent`. */
const eventName = (type: EventType): string =>
  `${type
    .split(/[._]/)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("")}Event`;

const envelope = (type: EventType) =>
  z
    .object({
      id: z.string(),
      type: z.literal(type),
      timestamp: isoTime.meta({ description: "When the change committed." }),
      version: z.number().int().meta({ description: "The payload's schema version." }),
      livemode: z.boolean().meta({ description: "The world: live key (true) or test key (false)." }),
      data: EVENT_DATA[type],
    })
    .meta({ id: eventName(type) });

/** An event as the feed, GET /v1/events/{id} and webhook deliveries carry it: one shape per `type`. */
export const eventSchema = z
  .discriminatedUnion(
    "type",
    EVENT_TYPES.map((type) => envelope(type)) as unknown as [
      ReturnType<typeof envelope>,
      ...ReturnType<typeof envelope>[],
    ],
  )
  .meta({
    id: "Event",
    discriminator: {
      propertyName: "type",
      mapping: Object.fromEntries(EVENT_TYPES.map((t) => [t, `#/components/schemas/${eventName(t)}`])),
    },
  }) satisfies z.ZodType<EventEnvelope>;
