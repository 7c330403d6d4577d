/**
 * Wiring only: every deployed function and its options. Behaviour lives in http/ and tasks/.
 */
import { setGlobalOptions } from "firebase-functions/v2";
import { onRequest } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched, type Request as TaskRequest } from "firebase-functions/v2/tasks";
import { credentialsKey } from "./config/credentials-key";
import { CLIENT_SECRETS } from "./config/platform-settings";
import { REGION } from "./config/params";
import { appDeps, orchestratorDeps, publisherDeps, sweeperDeps } from "./config/runtime";
import type { Platform } from "./domain/platforms";
import { createApp } from "./http/app";
import { orchestratePost as orchestrate } from "./tasks/orchestrator";
import { createPublishHandler } from "./tasks/publisher";
import {
  ORCHESTRATOR_RATE_LIMITS,
  ORCHESTRATOR_RETRY,
  PUBLISHER_TIMEOUT_SECONDS,
  PUBLISH_RATE_LIMITS,
  PUBLISH_RETRY,
} from "./tasks/queue-options";
import { sweep } from "./tasks/sweeper";

setGlobalOptions({ region: REGION });

export const api = onRequest({ memory: "512MiB", concurrency: 80 }, createApp(appDeps));

export const orchestratePost = onTaskDispatched(
  { retryConfig: ORCHESTRATOR_RETRY, rateLimits: ORCHESTRATOR_RATE_LIMITS, timeoutSeconds: 120 },
  (req: TaskRequest) => orchestrate(req.data, orchestratorDeps(), { retryCount: req.retryCount }),
);

function publisher(platform: Platform) {
  return onTaskDispatched(
    {
      retryConfig: PUBLISH_RETRY,
      rateLimits: PUBLISH_RATE_LIMITS[platform],
      timeoutSeconds: PUBLISHER_TIMEOUT_SECONDS,
      secrets: [credentialsKey, ...(CLIENT_SECRETS[platform] ? [CLIENT_SECRETS[platform]] : [])],
    },
    (req: TaskRequest) => createPublishHandler(platform, publisherDeps())(req.data, { retryCount: req.retryCount }),
  );
}

export const publishInstagram = publisher("instagram");
export const publishTiktok = publisher("tiktok");
export const publishYoutube = publisher("youtube");
export const publishFacebook = publisher("facebook");
export const publishX = publisher("x");
export const publishThreads = publisher("threads");
export const publishLinkedin = publisher("linkedin");
export const publishSnapchat = publisher("snapchat");

export const sweepSubmissions = onSchedule({ schedule: "every 1 minutes", timeoutSeconds: 300 }, async () => {
  await sweep(sweeperDeps());
});
