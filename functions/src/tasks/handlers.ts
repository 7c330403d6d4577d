import type { Platform } from "../domain/platforms";
import type { TaskDeps } from "./deps";
import { purgeExpiredMedia } from "./media-retention";
import { orchestratePost } from "./orchestrator";
import { createPublishHandler } from "./publisher";
import { sweep } from "./sweeper";
import type { TaskFunctionName, TaskHandler } from "./task-types";
import { checkTokenHealth } from "./token-health";
import { deliverWebhook, relayEvent } from "./webhooks";

/**
 * The handlers of the task and scheduled functions, wired once: index.ts wraps them in
 * onTaskDispatched and onSchedule, and the test harness delivers to the same ones. Each asks for
 * its dependencies when it runs.
 */
export function taskHandlers(deps: TaskDeps) {
  const publish =
    (platform: Platform): TaskHandler =>
    (data, meta) =>
      createPublishHandler(platform, deps.publisher())(data, meta);
  const tasks: Readonly<Record<TaskFunctionName, TaskHandler>> = {
    orchestratePost: (data, meta) => orchestratePost(data, deps.orchestrator(), meta),
    publishInstagram: publish("instagram"),
    publishTiktok: publish("tiktok"),
    publishYoutube: publish("youtube"),
    publishFacebook: publish("facebook"),
    publishX: publish("x"),
    publishThreads: publish("threads"),
    publishLinkedin: publish("linkedin"),
    publishSnapchat: publish("snapchat"),
    relayEvent: (data) => relayEvent(data, deps.webhooks()),
    deliverWebhook: (data, meta) => deliverWebhook(data, meta, deps.webhooks()),
  };
  return {
    tasks,
    scheduled: {
      sweepSubmissions: () => sweep(deps.sweeper()),
      renewTokens: () => checkTokenHealth(deps.tokenHealth()),
      purgeMedia: () => purgeExpiredMedia(deps.mediaRetention()),
    },
  };
}
