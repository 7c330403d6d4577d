import { defineString } from "firebase-functions/params";

/** Region of every function and of the Cloud Tasks queues (contract §1). */
export const REGION = "us-central1";

/**
 * Service account whose OIDC token Cloud Tasks presents to the task functions. Empty: the
 * function's own runtime service account, read from the metadata server.
 */
export const tasksServiceAccount = defineString("TASKS_SERVICE_ACCOUNT", {
  default: "",
  description: "Service account email Cloud Tasks uses to call the task functions (empty = runtime default).",
});
