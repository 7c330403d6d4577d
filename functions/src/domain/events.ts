import { sha256Hex } from "./canonical-json";

/**
 * The events a caller can receive (webhooks) or read (GET /v1/events). Each is recorded in the same
 * Firestore commit as the change it reports, under an id derived from that change, so a retried
 * transaction or a redelivered task writes the same event again rather than a second one.
 */
export const EVENT_TYPES = [
  "post.scheduled",
  "post.published",
  "post.failed",
  "post.unknown",
  "post.completed",
  "post.canceled",
  "account.connected",
  "account.disconnected",
  "account.needs_reauth",
  "account.expiring",
  "media.ready",
  "endpoint.disabled",
  "webhook.test",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The payload schema version; a change that breaks a field's meaning gets a new one. */
export const EVENT_VERSION = 1;

/** How long events are kept (the feed's reach, and redelivery's). */
export const EVENT_RETENTION_MS = 30 * 24 * 3600_000;

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** An event about to be recorded: whose, which world, what, and the change it stands for. */
export interface NewEvent {
  userId: string;
  livemode: boolean;
  type: EventType;
  /** Names the change (e.g. `run/{postId}/{runId}/succeeded`): the same change, the same id. */
  change: string;
  data: Record<string, unknown>;
}

/** `evt_` and 32 hex digits of the user and the change: deterministic, and unguessable without both. */
export function eventId(userId: string, change: string): string {
  return `evt_${sha256Hex(`${userId}\n${change}`).slice(0, 32)}`;
}

/** What a receiver gets and the feed lists (Standard Webhooks' `type`/`timestamp`/`data`, plus ours). */
export interface EventEnvelope {
  id: string;
  type: EventType;
  /** When the change committed (ISO 8601). */
  timestamp: string;
  version: number;
  livemode: boolean;
  data: Record<string, unknown>;
}
