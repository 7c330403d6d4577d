/** The Google Cloud project the functions run in, as the runtime (or the emulators) names it; "" when unset. */
export function projectId(): string {
  return process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT ?? "";
}

/**
 * A `demo-` project: the emulators, which can reach nothing real. Only there may the local
 * conveniences apply (derived keys, local secrets, loopback fetches, a local media directory,
 * faster polling); no configuration of a real project can turn them on.
 */
export function isDemoProject(): boolean {
  return projectId().startsWith("demo-");
}
