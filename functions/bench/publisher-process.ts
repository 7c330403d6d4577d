/**
 * One publisher, alone in its process, publishing runs as the deployed function does (the same
 * handler and dependencies; Firestore, the fakes and the stored video live elsewhere), all at once
 * as concurrent deliveries on one instance would, and its peak memory while doing it. Started by
 * bench/publish-memory.ts with a JSON job as its argument; prints one result line.
 */
import { readFileSync } from "node:fs";
import { buildPublisherDeps } from "../src/config/publisher-deps";
import { parseKeyring } from "../src/domain/credentials";
import type { Platform } from "../src/domain/platforms";
import { LocalMediaStore } from "../src/media/local-media-store";
import { liveAdapters } from "../src/platforms/live-adapters";
import { oauthProvider } from "../src/platforms/oauth-providers";
import { defaultAdapterRegistry } from "../src/platforms/registry";
import { getDb } from "../src/store/firestore";
import { createPublishHandler } from "../src/tasks/publisher";
import { PUBLISH_FUNCTION } from "../src/tasks/dispatch";
import { InlineTasks } from "../test/support/inline-tasks";

export interface PublisherJob {
  platform: Platform;
  apiUrl: string;
  keyring: string;
  mediaDir: string;
  mediaBase: string;
  runs: { postSubmissionId: string; runId: string }[];
}

const MB = 1024 * 1024;
/** Marks the result line among the publisher's own log lines. */
export const RESULT = "PUBLISHED ";

/** Peak resident set size so far (Linux VmHWM), in MiB. */
function peakRssMb(): number {
  const line = readFileSync("/proc/self/status", "utf8").match(/^VmHWM:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : process.memoryUsage().rss / MB;
}

async function main() {
  const job = JSON.parse(process.argv[2] ?? "{}") as PublisherJob;
  const db = getDb();
  const keyring = parseKeyring(job.keyring);
  const tasks = new InlineTasks();
  const settings = {
    apiUrl: job.apiUrl,
    authUrl: job.apiUrl,
    consentUrl: job.apiUrl,
    clientId: `postcast-local-${job.platform}`,
    clientSecret: () => `postcast-local-${job.platform}-secret`,
  };
  const deps = buildPublisherDeps(db, {
    enqueuer: tasks,
    clock: () => new Date(),
    adapters: defaultAdapterRegistry(liveAdapters(() => settings)),
    oauthProvider: (platform) => oauthProvider(platform, settings),
    keyring: () => keyring,
    mediaStore: () => new LocalMediaStore(job.mediaDir, () => job.mediaBase),
  });
  const handler = createPublishHandler(job.platform, deps);
  const runs = job.runs.map((r) => db.doc(`postSubmissions/${r.postSubmissionId}/runs/${r.runId}`));
  // Warm: Firestore's client connected and the modules loaded, so the peak is the publishing's.
  await runs[0]!.get();
  const before = process.memoryUsage().rss / MB;
  const started = Date.now();
  const most = { heapUsed: 0, arrayBuffers: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    most.heapUsed = Math.max(most.heapUsed, m.heapUsed / MB);
    most.arrayBuffers = Math.max(most.arrayBuffers, m.arrayBuffers / MB);
  }, 10);
  await Promise.all(job.runs.map((r) => handler(r, { retryCount: 0 })));
  // Check tasks (the platform processing the video) are run at once rather than when due.
  const errors = await tasks.drain({ [PUBLISH_FUNCTION[job.platform]]: handler }, { ignoreSchedule: true });
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const finals = await Promise.all(
    runs.map(async (r) => (await r.get()).data() as { status: string; error?: { message?: string } | null }),
  );
  const failed = finals.find((f) => f.status !== "succeeded");
  console.log(
    RESULT +
      JSON.stringify({
        platform: job.platform,
        deliveries: job.runs.length,
        status: failed?.status ?? "succeeded",
        error: failed?.error?.message ?? (errors.length > 0 ? String(errors[0]) : null),
        seconds: Math.round(seconds * 10) / 10,
        rssBeforeMb: Math.round(before),
        peakRssMb: Math.round(peakRssMb()),
        heapUsedMb: Math.round(most.heapUsed),
        arrayBuffersMb: Math.round(most.arrayBuffers),
      }),
  );
}

if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
