/**
 * `npm run bench:demo`: how long each demo post takes, from POST /v1/posts with a live key to
 * every run final, against the fake platforms, in real time: the app, orchestrator and publishers
 * in process on the embedded Firestore emulator (the Harness), the fakes on local ports, and
 * tasks delivered at their schedule time (as Cloud Tasks would, minus its dispatch latency).
 *
 * By default with the local stack's settings: the fakes' `short` processing and
 * PLATFORM_POLL_SCALE 0.02 (functions/.env.local). `--realistic`: what the stack did before them,
 * `realistic` processing polled at the platforms' advised intervals (scale 1); those posts wait
 * on timers for minutes, so they run side by side.
 */
import { parseArgs } from "node:util";
import type { Timestamp } from "firebase-admin/firestore";
import { startFirestoreEmulator } from "../dev/firestore-emulator";
import type { Platform } from "../src/domain/platforms";

const { values } = parseArgs({ options: { realistic: { type: "boolean", default: false } } });
const realistic = values.realistic === true;

interface DemoPost {
  label: string;
  platforms: Platform[];
  content: (media: (name: string, bytes?: number) => string) => Record<string, unknown>;
}

const ALL: Platform[] = ["x", "threads", "instagram", "facebook", "linkedin", "tiktok", "youtube", "snapchat"];
const VIDEO_BYTES = 2 * 1024 * 1024;

const POSTS: DemoPost[] = [
  {
    label: "text to X, Threads, LinkedIn, Facebook",
    platforms: ["x", "threads", "linkedin", "facebook"],
    content: () => ({}),
  },
  {
    label: "two images to Instagram",
    platforms: ["instagram"],
    content: (media) => ({ imageUrls: [media("photo-1.jpg", 200_000), media("photo-2.png", 150_000)] }),
  },
  {
    label: "video to YouTube",
    platforms: ["youtube"],
    content: (media) => ({ videoUrl: media("demo.mp4", VIDEO_BYTES) }),
  },
  {
    label: "video to TikTok",
    platforms: ["tiktok"],
    content: (media) => ({ videoUrl: media("demo.mp4", VIDEO_BYTES) }),
  },
  { label: "video to all eight", platforms: ALL, content: (media) => ({ videoUrl: media("demo.mp4", VIDEO_BYTES) }) },
];

/** The figures; console.log and console.info carry the functions' structured logs, muted here. */
const print = (line: string) => process.stdout.write(`${line}\n`);
console.log = () => undefined;
console.info = () => undefined;

async function main() {
  const fs = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = fs.host;
  process.env.GCLOUD_PROJECT = "demo-postcast";
  process.env.FAKE_PROCESSING = realistic ? "realistic" : "short";
  // Imported after the env is set: firebase-admin reads it when Firestore is first created, and
  // the fakes their processing speed when they are made.
  const { Harness } = await import("../test/support/harness");
  const { LivePlatforms } = await import("../test/support/live-platforms");
  const { liveTenantOn } = await import("../test/support/live-publish");
  const { RELAXED_RATE_LIMITS } = await import("../test/support/rate-limits");

  const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
  const live = new LivePlatforms();
  await live.start();
  await h.serve();
  h.adapters = live.registry();
  h.platformSettings = (p) => live.settings[p];
  h.pollScale = realistic ? 1 : 0.02;

  /** Delivers tasks as they fall due, in real time, until `done` says to stop. */
  const deliver = async (done: () => Promise<boolean>) => {
    for (;;) {
      await h.drain();
      if (await done()) return;
      const next = Math.min(...h.tasks.pending.map((t) => t.scheduleTime?.getTime() ?? 0));
      await new Promise((r) => setTimeout(r, Math.max(5, Math.min(1000, next - Date.now()))));
    }
  };

  const timed = async (post: DemoPost, n: number) => {
    const t = await liveTenantOn(h, live, post.platforms);
    const started = performance.now();
    const res = await fetch(`${h.publicUrl}/v1/posts`, {
      method: "POST",
      headers: { "content-type": "application/json", "soku-api-key": t.key },
      body: JSON.stringify({
        post: {
          content: {
            text: `Demo post ${n} ${Math.random().toString(36).slice(2)}`,
            ...post.content((name, bytes) => live.media.media(name, bytes)),
            platform: t.accounts.map((a) => ({ platform: a.platform, accountId: a.account })),
          },
        },
      }),
    });
    const body = (await res.json()) as { postSubmissionId?: string };
    if (res.status !== 202 || !body.postSubmissionId)
      throw new Error(`POST answered ${res.status}: ${JSON.stringify(body)}`);
    const id = body.postSubmissionId;
    let final = "";
    const isFinal = async () => {
      const sub = await h.submissions.get(id);
      if (!sub) return false;
      if (["completed", "partially_failed", "failed", "canceled", "dispatch_failed"].includes(sub.status)) {
        final = sub.status;
        return true;
      }
      return false;
    };
    await new Promise<void>((resolve, reject) => {
      // Each post's end is noticed by its own poll; the shared delivery loop runs the tasks.
      const poll = setInterval(() => {
        isFinal().then(
          (done) => {
            if (!done) return;
            clearInterval(poll);
            resolve();
          },
          (error: unknown) => {
            clearInterval(poll);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      }, 20);
    });
    const seconds = (performance.now() - started) / 1000;
    // The slowest platform: its run's end, from the submission's creation (both server times).
    const created = (await h.submissions.get(id))!.createdAt.toMillis();
    const runs = (await h.db.collection(`postSubmissions/${id}/runs`).get()).docs.map((d) => ({
      runId: d.id,
      status: String(d.get("status")),
      seconds: ((d.get("finishedAt") as Timestamp | null)?.toMillis() ?? NaN) / 1000 - created / 1000,
    }));
    const slowest = runs.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    const failed = runs.filter((r) => r.status !== "succeeded").map((r) => `${r.runId} ${r.status}`);
    return { post, seconds, final, slowest, failed };
  };

  print(
    realistic
      ? "Demo posts, before: realistic fake processing, polled at the platforms' advised intervals (PLATFORM_POLL_SCALE 1), posts side by side"
      : "Demo posts, the local stack's settings: short fake processing, PLATFORM_POLL_SCALE 0.02, one post at a time",
  );
  print("   post                                      | accepted → final | status     | slowest run");
  let stop = false;
  const loop = deliver(() => Promise.resolve(stop));
  try {
    const results = realistic
      ? await Promise.all(POSTS.map((p, i) => timed(p, i)))
      : await POSTS.reduce<Promise<Awaited<ReturnType<typeof timed>>[]>>(
          async (done, p, i) => [...(await done), await timed(p, i)],
          Promise.resolve([]),
        );
    for (const r of results) {
      const slowest = `${r.slowest.runId} ${r.slowest.seconds.toFixed(1)} s`;
      const failed = r.failed.length ? ` (not succeeded: ${r.failed.join(", ")})` : "";
      print(
        `   ${r.post.label.padEnd(41)} | ${r.seconds.toFixed(1).padStart(14)} s | ${r.final.padEnd(10)} | ${slowest}${failed}`,
      );
    }
  } finally {
    stop = true;
    await loop;
    await live.stop();
    await h.close();
    await fs.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
