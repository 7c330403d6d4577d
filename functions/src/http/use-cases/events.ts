import { z } from "zod";
import { AppError, validationError } from "../../domain/errors";
import { EVENT_TYPES } from "../../domain/events";
import { zodIssues } from "../../domain/zod-issues";
import { decodeCursor, encodeCursor, envelopeOf } from "../../store/event-store";
import { dispatch } from "../../tasks/dispatch";
import { targetsOf } from "../../tasks/webhooks";
import type { ApiKeyAuth } from "../caller";
import type { AppDeps } from "../deps";

export const EVENTS_LIMIT = { default: 20, max: 100 } as const;

const single = (v: unknown) => (Array.isArray(v) ? (v as unknown[])[v.length - 1] : v);

export const feedQuery = z.strictObject({
  after: z
    .preprocess(single, z.string().max(500).optional())
    .meta({ description: "The `next` of your previous call (absent: from the oldest kept event)." }),
  type: z.preprocess(single, z.enum(EVENT_TYPES).optional()).meta({ description: "One event type." }),
  limit: z
    .preprocess(single, z.coerce.number().int().min(1).max(EVENTS_LIMIT.max).optional())
    .meta({ description: `Page size (default ${EVENTS_LIMIT.default}).` }),
});

/**
 * GET /v1/events: the key's world's events, oldest first, after `after`. `next` is the cursor to
 * ask with next time: the last event's, or `after` itself when there was nothing new, so a poller
 * always has one. See docs/api.md "Events" for why it never skips an event.
 */
export async function listEvents(deps: AppDeps, caller: ApiKeyAuth, input: { query: unknown }) {
  const parsed = feedQuery.safeParse(input.query ?? {});
  if (!parsed.success) throw validationError(zodIssues(parsed.error, input.query));
  const { after, type, limit } = parsed.data;
  const cursor = after === undefined ? null : decodeCursor(after);
  if (after !== undefined && !cursor) {
    throw validationError([
      { field: "after", reason: "invalid_cursor", message: "after is not a cursor this API gave." },
    ]);
  }
  const page = await deps.submissions.events.feed(caller.userId, caller.mode === "live", {
    after: cursor,
    type: type ?? null,
    limit: limit ?? EVENTS_LIMIT.default,
  });
  const last = page.at(-1);
  const next = last
    ? encodeCursor({
        seconds: last.event.createdAt.seconds,
        nanoseconds: last.event.createdAt.nanoseconds,
        id: last.id,
      })
    : (after ?? null);
  return { data: page.map(({ id, event }) => envelopeOf(id, event)), next };
}

/** GET /v1/events/{id}: one event of the key's world. */
export async function getEvent(deps: AppDeps, caller: ApiKeyAuth, input: { id: string }) {
  const event = await deps.submissions.events.get(caller.userId, input.id);
  if (!event || event.livemode !== (caller.mode === "live")) throw new AppError("not_found", `No event ${input.id}.`);
  return envelopeOf(input.id, event);
}

/**
 * POST /v1/events/{id}/redeliver: delivers the event again to every enabled endpoint that takes
 * it, as new tasks (same `webhook-id`, so receivers that deduplicate see a duplicate).
 */
export async function redeliverEvent(deps: AppDeps, caller: ApiKeyAuth, input: { id: string }) {
  const event = await deps.submissions.events.get(caller.userId, input.id);
  if (!event || event.livemode !== (caller.mode === "live")) throw new AppError("not_found", `No event ${input.id}.`);
  const endpoints = await targetsOf(deps, caller.userId, event.type, event.livemode, event.data);
  const tasks = dispatch(deps.enqueuer);
  const at = deps.clock();
  for (const endpointId of endpoints) {
    await tasks.deliverWebhook({ userId: caller.userId, eventId: input.id, endpointId }, at);
  }
  return { eventId: input.id, endpoints };
}
