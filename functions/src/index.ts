/**
 * Wiring only: every deployed function and its options. Behaviour lives in http/ and tasks/.
 *
 * Only what every function needs is imported here (firebase-functions' own providers by subpath,
 * the options): Cloud Functions loads this file in every instance of every function. The api's
 * wiring and the task functions' are loaded for the functions that use them (config/on-first-use.ts):
 * a publisher's instance never loads Express, the api's never loads the platforms' publishers.
 */
import { setGlobalOptions } from "firebase-functions/v2/options";
import { onRequest } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched, type Request as TaskRequest } from "firebase-functions/v2/tasks";
import type * as ApiRuntime from "./config/api-runtime";
import { loadedFor } from "./config/on-first-use";
import { CLIENT_SECRETS, credentialsKey, REFRESH_NEEDS_SECRET } from "./config/secrets";
import { REGION } from "./config/params";
import type * as TaskRuntime from "./config/task-runtime";
import type { Platform } from "./domain/platforms";
import { PUBLISH_FUNCTION, TASK_FUNCTIONS } from "./tasks/dispatch";
import {
  ORCHESTRATOR_RATE_LIMITS,
  ORCHESTRATOR_RETRY,
  PUBLISHER_TIMEOUT_SECONDS,
  PUBLISH_RATE_LIMITS,
  PUBLISH_RETRY,
  RELAY_RATE_LIMITS,
  RELAY_RETRY,
  WEBHOOK_RATE_LIMITS,
  WEBHOOK_RETRY,
} from "./tasks/queue-options";

const ALL_CLIENT_SECRETS = Object.values(CLIENT_SECRETS);
const SCHEDULED_FUNCTIONS = ["sweepSubmissions", "renewTokens", "purgeMedia"] as const;

setGlobalOptions({ region: REGION });

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
const apiRuntime = loadedFor(["api"], () => require("./config/api-runtime") as typeof ApiRuntime);
const taskRuntime = loadedFor(
  [...Object.values(TASK_FUNCTIONS), ...SCHEDULED_FUNCTIONS],
  () => require("./config/task-runtime") as typeof TaskRuntime,
);
/* eslint-enable @typescript-eslint/no-require-imports */
const handlers = () => taskRuntime().handlers;

// The api connects accounts (code exchange with each platform's client secret) and disconnects them.
// 1 GiB and 540 s: POST /v1/media streams files of up to 500 MB through (memory stays flat; the
// time is the download's).
// `cors: false`: the app answers browsers itself (content routes refuse them, no CORS header ever).
// Said explicitly because the Functions emulator otherwise wraps every HTTPS function in CORS
// allowing any origin (its debug feature enableCors), which production does not.
export const api = onRequest(
  {
    memory: "1GiB",
    timeoutSeconds: 540,
    concurrency: 80,
    cors: false,
    secrets: [credentialsKey, ...ALL_CLIENT_SECRETS],
  },
  (req, res) => {
    apiRuntime().app(req, res);
  },
);

// 1 GiB and 540 s: before fan-out it rehosts a live post's external media (up to 500 MB streamed).
export const orchestratePost = onTaskDispatched(
  { retryConfig: ORCHESTRATOR_RETRY, rateLimits: ORCHESTRATOR_RATE_LIMITS, timeoutSeconds: 540, memory: "1GiB" },
  (req: TaskRequest) => handlers().tasks.orchestratePost(req.data, { retryCount: req.retryCount }),
);

// Publishers stream media from the store a part at a time, so memory is a baseline plus a little
// per delivery (bench section 6, a 400 MB video): ~125 MB at rest (measured with the TypeScript
// loader; the deployed JS is lighter), up to ~64 MB of Buffers awaiting garbage collection (V8
// collects them once that much has built up; shared by the instance), and at most 5.3 MB more per
// concurrent delivery measured across runs (6 MB allowed: upload buffers and one answer, bounded at
// 1 MiB). 40 at once: 125 + 64 + 40 × 6 = 429 MB in 512 MiB. Concurrency above 1 needs a whole vCPU.
const PUBLISHER_MEMORY = "512MiB";
const PUBLISHER_CPU = 1;
const PUBLISHER_CONCURRENCY = 40;

function publisher(platform: Platform) {
  return onTaskDispatched(
    {
      retryConfig: PUBLISH_RETRY,
      rateLimits: PUBLISH_RATE_LIMITS[platform],
      timeoutSeconds: PUBLISHER_TIMEOUT_SECONDS,
      memory: PUBLISHER_MEMORY,
      cpu: PUBLISHER_CPU,
      concurrency: PUBLISHER_CONCURRENCY,
      secrets: [credentialsKey, ...(REFRESH_NEEDS_SECRET.has(platform) ? [CLIENT_SECRETS[platform]] : [])],
    },
    (req: TaskRequest) => handlers().tasks[PUBLISH_FUNCTION[platform]](req.data, { retryCount: req.retryCount }),
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

// Fans an event out to its endpoints: reads and enqueues only.
export const relayEvent = onTaskDispatched(
  { retryConfig: RELAY_RETRY, rateLimits: RELAY_RATE_LIMITS, timeoutSeconds: 60 },
  (req: TaskRequest) => handlers().tasks.relayEvent(req.data, { retryCount: req.retryCount }),
);

// One delivery: a 15 s POST and its bookkeeping; 60 s leaves room for both. Mostly waiting on the
// network, so many at once per instance. The secrets are sealed with CREDENTIALS_KEY.
export const deliverWebhook = onTaskDispatched(
  {
    retryConfig: WEBHOOK_RETRY,
    rateLimits: WEBHOOK_RATE_LIMITS,
    timeoutSeconds: 60,
    concurrency: 80,
    cpu: 1,
    secrets: [credentialsKey],
  },
  (req: TaskRequest) => handlers().tasks.deliverWebhook(req.data, { retryCount: req.retryCount }),
);

export const sweepSubmissions = onSchedule({ schedule: "every 1 minutes", timeoutSeconds: 300 }, async () => {
  await handlers().scheduled.sweepSubmissions();
});

export const renewTokens = onSchedule(
  { schedule: "every 30 minutes", timeoutSeconds: 540, secrets: [credentialsKey, ...ALL_CLIENT_SECRETS] },
  async () => {
    await handlers().scheduled.renewTokens();
  },
);

export const purgeMedia = onSchedule({ schedule: "every 6 hours", timeoutSeconds: 540 }, async () => {
  await handlers().scheduled.purgeMedia();
});
