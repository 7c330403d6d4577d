import type { Platform } from "../domain/platforms";
import { oauthProvider } from "../platforms/oauth-providers";
import { CloudTasksEnqueuer } from "../tasks/cloud-tasks-enqueuer";
import type { TaskEnqueuer } from "../tasks/task-enqueuer";
import { lazy } from "./on-first-use";
import { REGION, tasksServiceAccount } from "./params";
import { platformSettings } from "./platform-settings";
import { projectId } from "./project";

/**
 * What the api's wiring (api-runtime.ts) and the task functions' (task-runtime.ts) share.
 * Dependencies are built on first use, never at import: params are read when the runtime has them.
 */

function requiredProjectId(): string {
  const id = projectId();
  if (!id) throw new Error("GCLOUD_PROJECT is not set");
  return id;
}

export const enqueuer = lazy<TaskEnqueuer>(
  () =>
    new CloudTasksEnqueuer({
      projectId: requiredProjectId(),
      location: REGION,
      emulatorHost: process.env.CLOUD_TASKS_EMULATOR_HOST,
      serviceAccountEmail: tasksServiceAccount.value() || undefined,
    }),
);

export const clock = () => new Date();
export const platformOAuth = (platform: Platform) => oauthProvider(platform, platformSettings(platform));
/** A call to a platform's token endpoint: fail fast rather than hang (a connect callback's user is watching). */
export const OAUTH_TIMEOUT_MS = 15_000;
