import { defineString } from "firebase-functions/params";
import { WEBHOOK_TIMEOUT_MS, type WebhookRequestOptions } from "../tasks/webhook-request";
import { originsOf } from "./media-settings";
import { isDemoProject } from "./project";

const loopbackOrigins = defineString("WEBHOOK_LOOPBACK_ORIGINS", {
  default: "",
  description:
    "Emulators only: loopback origins webhook endpoints may use (comma-separated, e.g. the local listener http://127.0.0.1:9200). Ignored on real projects.",
});

/**
 * How deliveries reach endpoints. Loopback origins are honoured only on `demo-` projects (the
 * emulators), so `npm run webhooks:listen` can receive; no real project's configuration can open
 * the machine's own addresses, and every other internal address stays refused there too.
 */
export function webhookRequestOptions(): WebhookRequestOptions {
  return {
    timeoutMs: WEBHOOK_TIMEOUT_MS,
    loopbackOrigins: isDemoProject() ? originsOf(loopbackOrigins.value()) : [],
  };
}
