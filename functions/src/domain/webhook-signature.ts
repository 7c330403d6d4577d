import { randomBytes } from "node:crypto";

type StandardWebhooks = typeof import("standardwebhooks");
let standardWebhooks: StandardWebhooks | undefined;

// Only deliveries sign; the api's instances (which make secrets) never load the library.
function loadStandardWebhooks(): StandardWebhooks {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  standardWebhooks ??= require("standardwebhooks") as StandardWebhooks;
  return standardWebhooks;
}

/** A new signing secret: `whsec_` and the base64 of 24 random bytes (Standard Webhooks' form). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** Whether a text is a secret of that form (what the store hands back after unsealing). */
export function isWebhookSecret(text: string): boolean {
  return /^whsec_[A-Za-z0-9+/]{32}$/.test(text);
}

/**
 * The Standard Webhooks headers of one delivery. `secrets` holds the current secret and, for 24 h
 * after a rotation, the previous one: one `v1,…` signature per secret, space-separated, so a
 * receiver that has either verifies. `webhook-id` is the event's id, the same on every retry.
 */
export function webhookHeaders(
  eventId: string,
  at: Date,
  body: string,
  secrets: readonly string[],
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  return {
    "webhook-id": eventId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets
      .map((secret) => new (loadStandardWebhooks().Webhook)(secret).sign(eventId, at, body))
      .join(" "),
  };
}
