/**
 * `npm run bench`: the figures the issues ask for, in one run.
 *  1. POST /v1/posts throughput and p50/p99 at concurrency 1 and 32 (app in-process, embedded
 *     Firestore emulator) next to a bare single-document commit loop on the same emulator.
 *  2. Firestore document reads and writes per accepted post, counted at the emulator, for 1 and 8
 *     targets, through to every run finished; the request path's RPCs and sequential round trips.
 *  3. The rate limiter's Firestore cost per request and the latency it adds (bench/request-path.ts).
 *  4. Accepted → all runs finished, p50 and p95, for an 8-target post on the full emulator stack.
 *  5. Peak memory while ingesting a 400 MB video through POST /v1/media's path.
 *  6. Peak memory of a publisher process while publishing a 400 MB video to each platform that
 *     takes bytes (X, YouTube, TikTok, LinkedIn, Snapchat), alone and with 8 deliveries at once.
 *  7. Peak memory verifying and converting images at the pixel limit, per format, and refusing a
 *     16,383 × 16,383 PNG bomb (bench/media-limits.ts, one process per figure).
 *  8. Each demo post (text, two images to Instagram, a video to YouTube, TikTok and all eight),
 *     accepted → final with the live key against the fakes, with the local stack's settings
 *     (bench/demo-posts.ts; `npm run bench:demo -- --realistic` for the platforms' own timing).
 *  9. Webhooks: Firestore writes per event, and event committed → first delivery attempt p50/p95,
 *     in-process and on the full emulator stack (bench/webhooks.ts).
 * 10. Each deployed function's module load time, as a cold start pays it: fresh processes loading the
 *     built lib/index.js with FUNCTION_TARGET naming it (bench/cold-start.ts; last, on a quiet machine).
 * 11. Fan-out: writes and reads per target for 1, 8 and 50 targets; 50-account posts on the stack,
 *     accepted → every run final, and the most writes one document took within a second
 *     (bench/fanout.ts).
 * 12. Templates: a text-heavy 1200×630 card's cold first render, warm p50/p95 and peak RSS, in a
 *     process of its own (bench/template-render.ts).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { startFirestoreEmulator } from "../dev/firestore-emulator";
import { DEMO_TARGETS_ALL_PLATFORMS, DEMO_TEST_KEY, seedTenant } from "../dev/seed";
import { requestPathSections } from "./request-path";
import { percentile, quietAppInfoLogs } from "./stats";

const TARGETS_8 = DEMO_TARGETS_ALL_PLATFORMS;

async function main() {
  quietAppInfoLogs();
  const fs = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = fs.host;
  process.env.GCLOUD_PROJECT = "demo-postcast";
  // Imported after the env is set: firebase-admin reads it when Firestore is first created.
  const { Harness } = await import("../test/support/harness");
  const { RELAXED_RATE_LIMITS } = await import("../test/support/rate-limits");
  // Sections 1–2 measure the post path, not the limiter (section 4): one user sends far more than
  // a minute's allowance here.
  const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
  const t = await h.tenant();
  await requestPathSections(h, fs.stats, { key: t.key, uid: t.uid });
  const body = (i: number, platform: unknown = { platform: "x", accountId: "x_primary" }) => ({
    post: { content: { text: `bench ${i} ${randomUUID()}`, videoUrl: "https://cdn.example.com/bench.mp4", platform } },
  });

  console.log("\n9. Webhooks (bench/webhooks.ts; the stack's figure comes after section 4's)");
  const { webhooksInProcess, webhooksOnStack } = await import("./webhooks");
  await webhooksInProcess(h, fs.stats);

  console.log("\n11. Fan-out (bench/fanout.ts; the stack's figures come after section 9's)");
  const { fanoutInProcess, fanoutOnStack } = await import("./fanout");
  await fanoutInProcess(fs.stats);

  console.log(
    "\n4. Accepted → all runs finished, 8-target post, full emulator stack (Functions + Cloud Tasks emulators)",
  );
  const { startStack } = await import("../dev/stack");
  const stack = await startStack({ quiet: true });
  try {
    const durations: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      const res = await fetch(`${stack.base}/v1/posts`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "soku-api-key": DEMO_TEST_KEY },
        body: JSON.stringify(body(i, TARGETS_8)),
      });
      const { postSubmissionId } = (await res.json()) as { postSubmissionId: string };
      for (;;) {
        const status = (await stack.db.doc(`postSubmissions/${postSubmissionId}`).get()).get("status") as string;
        if (["completed", "partially_failed", "failed", "dispatch_failed"].includes(status)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      durations.push(Date.now() - started);
    }
    durations.sort((a, b) => a - b);
    console.log(`   20 posts: p50 ${percentile(durations, 50)} ms, p95 ${percentile(durations, 95)} ms`);

    console.log("\n9. (continued) Webhooks on the stack: 20 one-target posts, their post.published and post.completed");
    // A tenant of its own: section 4's posts have spent the demo user's rate-limit window.
    const tenant = await seedTenant(stack.db, { uid: `bench-webhooks-${randomUUID()}` });
    const [tenantKey = ""] = tenant.keys;
    await webhooksOnStack(stack, tenantKey, tenant.uid, async (i) => {
      const res = await fetch(`${stack.base}/v1/posts`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "soku-api-key": tenantKey },
        body: JSON.stringify(body(i, [{ platform: "threads", accountId: "threads_main" }])),
      });
      if (res.status !== 202) throw new Error(`bench post: ${res.status}`);
    });

    console.log("\n11. (continued) Fan-out of 50-target posts on the stack (sk_test_ key: publishing simulated)");
    await fanoutOnStack(stack, fs.stats);
  } finally {
    await stack.stop();
    await fs.stop();
  }

  console.log("\n5. POST /v1/media's ingestion of a 400 MB video: safe fetch, sniff, stream to the store, ffprobe");
  console.log("   (its own process, the file served by another, so the peak is the ingestion's alone)");
  const ingest = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "media-ingest.ts")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`media-ingest exited ${code}`))));
  });
  const m = JSON.parse(ingest) as Record<string, number | string>;
  console.log(
    `   ${m.sizeMb} MB ${m.contentType} ${m.width}x${m.height} ${m.durationSeconds} s in ${m.seconds} s (${m.mbPerSecond} MB/s); RSS ${m.rssBeforeMb} MB before, peak ${m.peakRssMb} MB (goal: under 256 MB)`,
  );

  console.log("\n6. Publishing a 400 MB video: peak memory of the publisher process, per platform");
  console.log("   (Firestore, the API, the fakes and the video's origin in other processes)");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "publish-memory.ts")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    // The API's and orchestrator's JSON log lines are not part of the figures.
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.trim() && !line.startsWith("{")) console.log(line);
    });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`publish-memory exited ${code}`))));
  });

  console.log(
    "\n7. Images at the pixel limit (MEDIA_MAX_PIXELS, 50 MP; a quarter for formats decoded whole) and a bomb",
  );
  console.log("   (each figure from a process of its own: peak RSS, and its rise over the process's idle RSS)");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "media-limits.ts")], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`media-limits exited ${code}`))));
  });

  console.log("\n8. Demo posts with the live key, accepted → final, against the fakes (bench/demo-posts.ts)");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "demo-posts.ts")], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`demo-posts exited ${code}`))));
  });

  const { templateRenderSection } = await import("./template-render");
  await templateRenderSection();

  console.log("\n10. Cold start: each function's module load time (bench/cold-start.ts)");
  const { coldStart } = await import("./cold-start");
  coldStart();
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
