import { FieldValue, Timestamp } from "firebase-admin/firestore";
import type { EventData } from "../domain/event-data";
import type { EventType } from "../domain/events";
import { webhookHeaders } from "../domain/webhook-signature";
import { logs } from "../logs";
import { envelopeOf, type EventStore } from "../store/event-store";
import type { EndpointRecord, WebhookStore } from "../store/webhook-store";
import { dispatch, TASK_FUNCTIONS } from "./dispatch";
import { deliverPayload, relayPayload } from "./payloads";
import { cloudTasksBackoffSeconds, WEBHOOK_RETRY } from "./queue-options";
import type { TaskEnqueuer } from "./task-enqueuer";
import type { TaskMeta } from "./task-types";
import { postWebhook, type WebhookAnswer, type WebhookRequestOptions } from "./webhook-request";

export interface WebhookDeps {
  events: EventStore;
  webhooks: WebhookStore;
  enqueuer: TaskEnqueuer;
  clock: () => Date;
  request: WebhookRequestOptions;
}

/** An endpoint whose every delivery has failed for this long is disabled. */
export const FAILING_LIMIT_MS = 5 * 24 * 3600_000;

/** Whether an endpoint's filter takes events of `type` (`*` or an empty list: all). */
export function wantsEvent(endpoint: Pick<EndpointRecord, "events">, type: EventType): boolean {
  return endpoint.events.length === 0 || endpoint.events.includes("*") || endpoint.events.includes(type);
}

/**
 * The `relayEvent` task: one `deliverWebhook` task per enabled endpoint of the event's world whose
 * filter takes it (a `webhook.test` event goes to the endpoint it tests, only). Task ids are the
 * event's and the endpoint's, so a repeated relay enqueues nothing new. Then the event is marked
 * relayed, which takes it off the sweeper's list.
 */
export async function relayEvent(data: unknown, deps: WebhookDeps): Promise<void> {
  const payload = relayPayload.safeParse(data);
  if (!payload.success) return logs.taskDropped(TASK_FUNCTIONS.relayEvent, "malformed payload", data);
  const { userId, eventId } = payload.data;
  const event = await deps.events.get(userId, eventId);
  if (!event) return logs.taskDropped(TASK_FUNCTIONS.relayEvent, "no such event", data);
  const tasks = dispatch(deps.enqueuer);
  for (const endpointId of await targetsOf(deps, userId, event.type, event.livemode, event.data)) {
    await tasks.deliverWebhook({ userId, eventId, endpointId });
  }
  await deps.events.markRelayed(userId, eventId);
}

/** The endpoints an event goes to. */
export async function targetsOf(
  deps: Pick<WebhookDeps, "webhooks">,
  userId: string,
  type: EventType,
  livemode: boolean,
  data: Record<string, unknown>,
): Promise<string[]> {
  if (type === "webhook.test") return typeof data.endpointId === "string" ? [data.endpointId] : [];
  const endpoints = await deps.webhooks.list(userId, livemode);
  return endpoints.filter(({ endpoint }) => endpoint.enabled && wantsEvent(endpoint, type)).map(({ id }) => id);
}

/**
 * The `deliverWebhook` task: POSTs the event to the endpoint, signed per Standard Webhooks, and
 * records the attempt. 2xx: delivered. 410: the receiver asked to stop, the endpoint is disabled.
 * Anything else (an error status, no answer in 15 s, a refused address) is a failure: the task
 * throws, so Cloud Tasks retries it with the queue's backoff (WEBHOOK_RETRY, about 3 days), unless
 * the endpoint has now failed for 5 days, which disables it, or this was the last attempt.
 */
export async function deliverWebhook(data: unknown, meta: TaskMeta, deps: WebhookDeps): Promise<void> {
  const payload = deliverPayload.safeParse(data);
  if (!payload.success) return logs.taskDropped(TASK_FUNCTIONS.deliverWebhook, "malformed payload", data);
  const { userId, eventId, endpointId } = payload.data;
  const [endpoint, event] = await Promise.all([
    deps.webhooks.get(userId, endpointId),
    deps.events.get(userId, eventId),
  ]);
  if (!endpoint) return logs.taskDropped(TASK_FUNCTIONS.deliverWebhook, "no such endpoint", data);
  if (!event) return logs.taskDropped(TASK_FUNCTIONS.deliverWebhook, "no such event (expired?)", data);
  if (!endpoint.enabled && event.type !== "webhook.test") {
    return logs.taskDropped(TASK_FUNCTIONS.deliverWebhook, "endpoint disabled", data);
  }

  const now = deps.clock();
  const body = JSON.stringify(envelopeOf(eventId, event));
  const secrets = await deps.webhooks.signingSecrets(userId, endpointId, now);
  const answer = await postWebhook(endpoint.url, webhookHeaders(eventId, now, body, secrets), body, deps.request);
  const attempt = meta.retryCount + 1;
  const delivered = answer.status !== null && answer.status >= 200 && answer.status < 300;
  const gone = answer.status === 410;
  const retries = !delivered && !gone && attempt < WEBHOOK_RETRY.maxAttempts;
  const failingSince =
    delivered || gone ? null : await deps.webhooks.markFailing(userId, endpointId, now, endpoint.failingSince);
  const tooLong = failingSince !== null && now.getTime() - failingSince.getTime() >= FAILING_LIMIT_MS;
  const nextRetryAt =
    retries && !tooLong
      ? new Date(now.getTime() + cloudTasksBackoffSeconds(WEBHOOK_RETRY, meta.retryCount + 1) * 1000)
      : null;
  await deps.webhooks.recordAttempt(
    userId,
    endpointId,
    attemptRecord(eventId, event.type, attempt, answer, now, nextRetryAt),
  );

  if (delivered) return deps.webhooks.markHealthy(userId, endpointId, endpoint.failingSince);
  if (gone) return disable(deps, userId, endpointId, "gone", eventId);
  if (tooLong) return disable(deps, userId, endpointId, "failing", eventId);
  if (!retries) return logs.webhookGaveUp(endpointId, eventId, attempt);
  throw new Error(`webhook delivery failed: ${answer.error ?? "no answer"}`);
}

function attemptRecord(
  eventId: string,
  eventType: EventType,
  attempt: number,
  answer: WebhookAnswer,
  at: Date,
  nextRetryAt: Date | null,
) {
  return {
    eventId,
    eventType,
    attempt,
    statusCode: answer.status,
    durationMs: answer.durationMs,
    error: answer.error,
    responseBody: answer.body,
    nextRetryAt: nextRetryAt ? Timestamp.fromDate(nextRetryAt) : null,
    at: Timestamp.fromDate(at),
  };
}

/**
 * Disables an endpoint and, in the same commit, records `endpoint.disabled`, which goes to the
 * user's other endpoints (this one is disabled by then). An endpoint already disabled is left as it is.
 */
async function disable(
  deps: WebhookDeps,
  userId: string,
  endpointId: string,
  reason: "gone" | "failing",
  eventId: string,
): Promise<void> {
  await deps.events.transaction(async (tx, record) => {
    const ref = deps.webhooks.ref(userId, endpointId);
    const snap = await tx.get(ref);
    if (!snap.exists || snap.get("enabled") !== true) return;
    tx.update(ref, {
      enabled: false,
      disabledAt: FieldValue.serverTimestamp(),
      disabledReason: reason,
      updatedAt: FieldValue.serverTimestamp(),
    });
    record({
      userId,
      livemode: snap.get("livemode") === true,
      type: "endpoint.disabled",
      change: `endpoint.disabled/${endpointId}/${eventId}`,
      data: {
        endpointId,
        url: snap.get("url") as string,
        reason,
        message:
          reason === "gone"
            ? "The endpoint answered 410 Gone."
            : `Every delivery to the endpoint failed for ${FAILING_LIMIT_MS / 86_400_000} days.`,
      } satisfies EventData<"endpoint.disabled">,
    });
  });
  logs.webhookDisabled(endpointId, reason);
}
