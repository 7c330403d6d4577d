import { defineInt, defineString } from "firebase-functions/params";

/** Region of every function and of the Cloud Tasks queues (docs/contract.md §1). */
export const REGION = "us-central1";

/**
 * Service account whose OIDC token Cloud Tasks presents to the task functions. Empty: the
 * function's own runtime service account, read from the metadata server.
 */
export const tasksServiceAccount = defineString("TASKS_SERVICE_ACCOUNT", {
  default: "",
  description: "Service account email Cloud Tasks uses to call the task functions (empty = runtime default).",
});

/**
 * How many proxies in front of the api append to X-Forwarded-For. A request to the function's own
 * URL passes one, Google's front end, which appends the address it saw: 1. Behind an external
 * Application Load Balancer or Firebase Hosting rewrites, one more: 2. See http/client-address.ts.
 */
export const trustedProxyHops = defineInt("TRUSTED_PROXY_HOPS", {
  default: 1,
  description:
    "Proxies that append to X-Forwarded-For before the api (1: the function's URL; 2: behind a load balancer or Hosting)",
});
