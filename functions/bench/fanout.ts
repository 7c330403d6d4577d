/**
 * Section 11 of `npm run bench`: fan-out writes (issue 20 item 3).
 *  a. In-process (Harness, embedded emulator, tasks delivered one after another): Firestore writes
 *     and reads per accepted post for 1, 8 and 50 targets, request → every run final, and the
 *     marginal cost per target.
 *  b. On the full emulator stack (Functions + Cloud Tasks emulators, tasks delivered concurrently):
 *     a tenant with 50 connected accounts across the eight platforms, ten 50-target posts with its
 *     sk_test_ key (publishing simulated: the figure is Postcast's fan-out, not the platforms'),
 *     accepted → every run final p50/p95, and the most writes any one document took within one
 *     second during the fan-out.
 * Run alone: `flock /tmp/postcast-stack.lock npx tsx bench/fanout.ts` (`--in-process` skips b, `--stack-only` skips a).
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startFirestoreEmulator, type EmulatorStats } from "../dev/firestore-emulator";
import { seedTenant } from "../dev/seed";
import { PLATFORMS, type Platform } from "../src/domain/platforms";
import { fmt, percentile, quietAppInfoLogs } from "./stats";

/** 50 accounts: seven on each of six platforms, four on the other two. */
export const FIFTY_ACCOUNTS: Record<Platform, string[]> = Object.fromEntries(
  PLATFORMS.map((p, i) => [p, Array.from({ length: i < 6 ? 7 : 4 }, (_, n) => `${p}_${n}`)]),
) as Record<Platform, string[]>;

export const FIFTY_TARGETS = Object.entries(FIFTY_ACCOUNTS).flatMap(([platform, ids]) =>
  ids.map((accountId) => ({ platform, accountId })),
);

const body = (i: number, platform: unknown) => ({
  post: { content: { text: `fanout ${i} ${randomUUID()}`, videoUrl: "https://cdn.example.com/bench.mp4", platform } },
});

/** What kind of document a write log's path is, for the writes-by-document breakdown. */
export function documentKind(path: string): string {
  const kinds: [RegExp, string][] = [
    [/^postSubmissions\/[^/]+$/, "submission"],
    [/^postSubmissions\/[^/]+\/runs\/[^/]+$/, "run"],
    [/^users\/[^/]+\/events\/[^/]+$/, "event"],
    [/^accountUsage\//, "account usage"],
    [/^users\/[^/]+\/idempotencyKeys\//, "idempotency"],
    [/^users\/[^/]+\/apiRequests\//, "request log"],
    [/^rateLimits\//, "limiter"],
    [/^deadLetters\//, "dead letter"],
  ];
  return kinds.find(([re]) => re.test(path))?.[1] ?? path.split("/").slice(0, -1).join("/");
}

/** The most writes one document took within any one second, and which document. */
export function hottest(
  log: readonly { path: string; at: number }[],
  only: (path: string) => boolean = () => true,
): { path: string; max: number } {
  const byPath = new Map<string, number[]>();
  for (const w of log) {
    if (!only(w.path)) continue;
    const list = byPath.get(w.path) ?? [];
    list.push(w.at);
    byPath.set(w.path, list);
  }
  let best = { path: "", max: 0 };
  for (const [path, times] of byPath) {
    times.sort((a, b) => a - b);
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while (times[end]! - times[start]! >= 1000) start++;
      if (end - start + 1 > best.max) best = { path, max: end - start + 1 };
    }
  }
  return best;
}

export async function fanoutInProcess(stats: EmulatorStats, log = console.log): Promise<void> {
  const { Harness } = await import("../test/support/harness");
  const { RELAXED_RATE_LIMITS } = await import("../test/support/rate-limits");
  const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
  const t = await h.tenant({ accounts: FIFTY_ACCOUNTS });
  // Served on a socket of its own; the Harness's Firestore client is left open (the stack's
  // seeding shares it when run.ts goes on to the stack).
  const server = createServer(h.app).listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/posts`;
  const post = async (b: object) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "soku-api-key": t.key },
      body: JSON.stringify(b),
    });
    if (res.status !== 202) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
  };
  log(
    "   targets |  reads  writes | request path: reads writes | fan-out per target: reads writes | most writes to one document",
  );
  const rows: [string, unknown][] = [
    ["1", [{ platform: "x", accountId: "x_0" }]],
    ["8", PLATFORMS.map((p) => ({ platform: p, accountId: `${p}_0` }))],
    ["50", FIFTY_TARGETS],
  ];
  for (const [label, platform] of rows) {
    const samples = 3;
    let reads = 0;
    let writes = 0;
    let reqReads = 0;
    let reqWrites = 0;
    let most = { path: "", count: 0 };
    const byKind = new Map<string, number>();
    for (let i = 0; i < samples; i++) {
      stats.writeLog = [];
      stats.reset();
      await post(body(i, platform));
      reqReads += stats.reads;
      reqWrites += stats.writes;
      const requestWrites = stats.writeLog.length;
      const errors = await h.drain();
      if (errors.length > 0) throw new Error(`drain: ${String(errors[0])}`);
      reads += stats.reads;
      writes += stats.writes;
      const perDoc = new Map<string, number>();
      for (const w of stats.writeLog) perDoc.set(w.path, (perDoc.get(w.path) ?? 0) + 1);
      for (const w of stats.writeLog.slice(requestWrites)) {
        const kind = documentKind(w.path);
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      }
      for (const [path, count] of perDoc) if (count > most.count) most = { path, count };
    }
    stats.writeLog = null;
    const n = Number(label);
    const fanReads = (reads - reqReads) / samples / n;
    const fanWrites = (writes - reqWrites) / samples / n;
    log(
      `   ${label.padStart(7)} | ${fmt(reads / samples, 1)} ${fmt(writes / samples, 1)} | ${fmt(reqReads / samples, 1)} ${fmt(reqWrites / samples, 1)} | ${fmt(fanReads, 2)} ${fmt(fanWrites, 2)} | ${most.count} (${most.path.split("/").slice(0, -1).join("/")}/…)`,
    );
    const kinds = [...byKind].sort((a, b) => b[1] - a[1]);
    log(
      `             fan-out writes per post by document: ${kinds.map(([kind, count]) => `${kind} ${(count / samples).toFixed(1)}`).join(", ")}`,
    );
  }
  server.closeAllConnections();
  server.close();
}

export async function fanoutOnStack(
  stack: { base: string; db: FirebaseFirestore.Firestore },
  stats: EmulatorStats,
  log = console.log,
): Promise<void> {
  const tenant = await seedTenant(stack.db, { uid: `bench-fanout-${randomUUID()}`, accounts: FIFTY_ACCOUNTS });
  const [key = ""] = tenant.keys;
  const durations: number[] = [];
  const hot: { path: string; max: number }[] = [];
  const hotSubmission: number[] = [];
  const isSubmission = (path: string) => /^postSubmissions\/[^/]+$/.test(path);
  const posts = 10;
  // One more post first, not counted: it starts the publishers' workers.
  for (let i = -1; i < posts; i++) {
    stats.writeLog = [];
    const started = Date.now();
    const res = await fetch(`${stack.base}/v1/posts`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "soku-api-key": key },
      body: JSON.stringify(body(i, FIFTY_TARGETS)),
    });
    if (res.status !== 202) throw new Error(`bench post: ${res.status} ${await res.text()}`);
    const { postSubmissionId } = (await res.json()) as { postSubmissionId: string };
    for (;;) {
      const runs = await stack.db.collection(`postSubmissions/${postSubmissionId}/runs`).get();
      const final = runs.docs.filter((d) => ["succeeded", "failed", "unknown"].includes(d.get("status") as string));
      if (runs.size === FIFTY_TARGETS.length && final.length === runs.size) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const elapsed = Date.now() - started;
    // The submission's final status follows the last run's commit; wait for it so the next post's
    // write log holds none of this one's writes.
    for (;;) {
      const status = (await stack.db.doc(`postSubmissions/${postSubmissionId}`).get()).get("status") as string;
      if (["completed", "partially_failed", "failed"].includes(status)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 500));
    if (i < 0) continue;
    durations.push(elapsed);
    hot.push(hottest(stats.writeLog));
    hotSubmission.push(hottest(stats.writeLog, isSubmission).max);
  }
  stats.writeLog = null;
  durations.sort((a, b) => a - b);
  hot.sort((a, b) => a.max - b.max);
  const worst = hot[hot.length - 1] ?? { path: "", max: 0 };
  log(
    `   ${posts} posts of 50 targets: accepted → every run final p50 ${percentile(durations, 50)} ms, p95 ${percentile(durations, 95)} ms (goal: p50 < 2000 ms)`,
  );
  log(
    `   most writes to one document within one second: median post ${percentile(
      hot.map((h) => h.max),
      50,
    )}, worst ${worst.max} (${worst.path.replace(/[^/]+$/, "…")}); the submission document: median ${percentile(
      hotSubmission.sort((a, b) => a - b),
      50,
    )}, worst ${hotSubmission[hotSubmission.length - 1] ?? 0}`,
  );
}

async function main() {
  quietAppInfoLogs();
  const inProcessOnly = process.argv.includes("--in-process");
  const stackOnly = process.argv.includes("--stack-only");
  const fs = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = fs.host;
  process.env.GCLOUD_PROJECT = "demo-postcast";
  if (!stackOnly) {
    console.log("\n11a. Fan-out: Firestore documents per accepted post, in-process (request → every run final)");
    await fanoutInProcess(fs.stats);
  }
  if (!inProcessOnly) {
    console.log("\n11b. Fan-out of 50-target posts on the full emulator stack (sk_test_ key: publishing simulated)");
    const { startStack } = await import("../dev/stack");
    const stack = await startStack({ quiet: true });
    try {
      await fanoutOnStack(stack, fs.stats);
    } finally {
      await stack.stop();
    }
  }
  await fs.stop();
}

if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
