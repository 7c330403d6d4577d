import { buildPublisherDeps } from "../../src/config/publisher-deps";
import { parseKeyring } from "../../src/domain/credentials";
import { LocalMediaStore } from "../../src/media/local-media-store";
import { liveAdapters } from "../../src/platforms/live-adapters";
import { oauthProvider } from "../../src/platforms/oauth-providers";
import { defaultAdapterRegistry } from "../../src/platforms/registry";
import { createPublishHandler } from "../../src/tasks/publisher";
import type { TaskEnqueuer } from "../../src/tasks/task-enqueuer";
import { TASK_LINE, type ChildDelivery } from "./child-delivery";
import { testDb } from "./firestore";

/**
 * One delivery of a publish task in a process of its own, as a publisher instance runs it: the
 * real handler, stores and live adapters, on the parent's Firestore emulator and fake platform.
 * A test can then kill it mid-publish the way an out-of-memory kill or a timeout does. The tasks
 * it enqueues are printed for the parent's queue. Run with tsx; the task in POSTCAST_CHILD (JSON).
 */
async function main(): Promise<void> {
  const spec = JSON.parse(process.env.POSTCAST_CHILD ?? "") as ChildDelivery;
  const db = testDb(spec.projectId);
  const enqueuer: TaskEnqueuer = {
    enqueue: (fn, payload, options) => {
      process.stdout.write(`${TASK_LINE}${JSON.stringify({ fn, payload, options })}\n`);
      return Promise.resolve("enqueued");
    },
  };
  const settings = { ...spec.settings, clientSecret: () => spec.settings.clientSecret };
  const deps = buildPublisherDeps(db, {
    enqueuer,
    clock: () => new Date(Date.now() + spec.offsetMs),
    adapters: defaultAdapterRegistry(liveAdapters(() => settings)),
    oauthProvider: (platform) => oauthProvider(platform, settings),
    keyring: () => parseKeyring(spec.keyring),
    mediaStore: () => new LocalMediaStore(spec.mediaDir, () => "http://127.0.0.1"),
  });
  try {
    await createPublishHandler(spec.platform, deps)(spec.payload, { retryCount: 0 });
  } finally {
    await db.terminate();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
