/**
 * Bench sections 1–3 (`npm run bench` runs them from run.ts; `npx tsx bench/request-path.ts` alone):
 *  1. POST /v1/posts throughput and p50/p99 at concurrency 1 and 32 next to a bare commit loop.
 *  2. Firestore documents per accepted post, and the request path's sequential round trips.
 *  3. The rate limiter's Firestore cost per request and the latency it adds.
 * Round trips are counted by wrapping this process's Firestore client (bench only): each maximal
 * stretch of time with at least one RPC in flight is one round; RPCs in parallel share it.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Firestore } from "firebase-admin/firestore";
import type { EmulatorStats } from "../dev/firestore-emulator";
import { DEMO_TARGETS_ALL_PLATFORMS } from "../dev/seed";
import type { Harness } from "../test/support/harness";
import { fmt, measure } from "./stats";

type Rpc = (...args: unknown[]) => Promise<unknown>;

/** Counts RPCs and sequential rounds (busy stretches) of one Firestore client. */
export function roundTripCounter(db: Firestore) {
  const client = db as unknown as { request: Rpc; requestStream: Rpc };
  let inFlight = 0;
  let rounds = 0;
  let rpcs = 0;
  const begin = () => {
    rpcs += 1;
    if (inFlight++ === 0) rounds += 1;
  };
  const end = () => {
    inFlight -= 1;
  };
  const request = client.request.bind(db);
  client.request = (...args) => {
    begin();
    return request(...args).finally(end);
  };
  const requestStream = client.requestStream.bind(db);
  client.requestStream = (...args) => {
    begin();
    return requestStream(...args).then(
      (stream) => {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          end();
        };
        const s = stream as NodeJS.ReadableStream;
        s.once("end", finish);
        s.once("close", finish);
        s.once("error", finish);
        return stream;
      },
      (error: unknown) => {
        end();
        throw error;
      },
    );
  };
  return {
    reset() {
      rounds = 0;
      rpcs = 0;
    },
    get rounds() {
      return rounds;
    },
    get rpcs() {
      return rpcs;
    },
  };
}

export async function requestPathSections(
  h: Harness,
  stats: EmulatorStats,
  tenant: { key: string; uid: string },
): Promise<void> {
  const { key, uid } = tenant;
  const trips = roundTripCounter(h.db);
  // The app served in-process on a real socket, called with keep-alive like a production client.
  const server: Server = createServer(h.app).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${base}/v1/posts`;
  const post = async (b: object) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "soku-api-key": key },
      body: JSON.stringify(b),
    });
    const json = await res.json();
    if (res.status !== 202) throw new Error(`unexpected ${res.status}: ${JSON.stringify(json)}`);
  };
  const body = (i: number, platform: unknown = { platform: "x", accountId: "x_primary" }) => ({
    post: { content: { text: `bench ${i} ${randomUUID()}`, videoUrl: "https://cdn.example.com/bench.mp4", platform } },
  });
  try {
    // Warm the caches (key, subscription, role, lastUsedAt) as a running instance has them.
    await post(body(-1));
    await h.drain();

    console.log("\n1. POST /v1/posts vs a bare Firestore commit, same emulator, same concurrency");
    console.log("   concurrency |  API req/s   p50 ms   p99 ms | commit/s   p50 ms   p99 ms | API/commit throughput");
    const ceilings: string[] = [];
    for (const concurrency of [1, 32]) {
      const total = concurrency === 1 ? 300 : 1000;
      const commits = await measure(total, concurrency, async (i) => {
        await h.db.collection("benchCommits").doc(`${concurrency}-${i}-${randomUUID()}`).create({ i, at: new Date() });
      });
      const api = await measure(total, concurrency, async (i) => {
        await post(body(i));
      });
      h.tasks.pending.length = 0;
      // The same Firestore work as one POST, without HTTP or the app: the emulator's own ceiling.
      const firestoreOnly = await measure(total, concurrency, async (i) => {
        const id = `${concurrency}-${i}-${randomUUID()}`;
        // (No idempotency read: the commit's create() of the record finds a used key.)
        await Promise.all([
          h.deps.rateLimits.store.consume(`user:bench-ceiling-${concurrency}`, "POST /v1/posts", new Date(), 60_000),
          h.db.collection(`users/${uid}/integrations/x/accounts`).get(),
        ]);
        const batch = h.db.batch();
        for (const c of ["benchIdem", "benchSubmissions", "benchLogs"]) batch.create(h.db.doc(`${c}/${id}`), body(i));
        await batch.commit();
      });
      ceilings.push(
        `   ${String(concurrency).padStart(11)} | ${fmt(firestoreOnly.perSecond)} ${fmt(firestoreOnly.p50)} ${fmt(firestoreOnly.p99)} | ${(firestoreOnly.perSecond / commits.perSecond).toFixed(2)} of a bare commit`,
      );
      console.log(
        `   ${String(concurrency).padStart(11)} | ${fmt(api.perSecond)} ${fmt(api.p50)} ${fmt(api.p99)} | ${fmt(commits.perSecond)} ${fmt(commits.p50)} ${fmt(commits.p99)} | ${(api.perSecond / commits.perSecond).toFixed(2)} (one POST ≈ ${(commits.perSecond / api.perSecond).toFixed(2)} commits)`,
      );
    }
    console.log("   The POST's Firestore work alone (its read round + its 3-document commit, no HTTP, no app):");
    console.log("   concurrency |   ops/s    p50 ms   p99 ms | throughput");
    for (const line of ceilings) console.log(line);

    console.log("\n2. Firestore documents per accepted post, counted at the emulator (request → every run finished)");
    console.log("   targets |  reads  writes | request path: reads writes  RPCs  sequential round trips");
    for (const [label, platform] of [
      ["1", { platform: "x", accountId: "x_primary" }],
      ["8", DEMO_TARGETS_ALL_PLATFORMS],
    ] as const) {
      const samples = 5;
      let reads = 0;
      let writes = 0;
      let reqReads = 0;
      let reqWrites = 0;
      let rpcs = 0;
      let rounds = 0;
      for (let i = 0; i < samples; i++) {
        stats.reset();
        trips.reset();
        await post(body(i, platform));
        reqReads += stats.reads;
        reqWrites += stats.writes;
        rpcs += trips.rpcs;
        rounds += trips.rounds;
        await h.drain();
        reads += stats.reads;
        writes += stats.writes;
      }
      console.log(
        `   ${label.padStart(7)} | ${fmt(reads / samples, 1)} ${fmt(writes / samples, 1)} | ${fmt(reqReads / samples, 1)} ${fmt(reqWrites / samples, 1)} ${fmt(rpcs / samples, 1)} ${fmt(rounds / samples, 1)}`,
      );
    }

    console.log("\n3. Rate limiter: Firestore cost per request, and the latency it adds");
    const limited = async () => {
      // A route that does nothing else (404 after the limiter) with a valid key: all its I/O is the limiter's.
      const res = await fetch(`${base}/v1/no-such-route`, { headers: { "soku-api-key": key } });
      await res.arrayBuffer();
    };
    await limited();
    stats.reset();
    trips.reset();
    for (let i = 0; i < 20; i++) await limited();
    console.log(
      `   per request: ${fmt(stats.writes / 20, 1)} writes, ${fmt(stats.reads / 20, 1)} reads, ${fmt(trips.rpcs / 20, 1)} RPCs in ${fmt(trips.rounds / 20, 1)} sequential round trips`,
    );
    const bare = await measure(300, 1, async (i) => {
      await h.db.collection("benchCommits").doc(`limiter-${i}-${randomUUID()}`).create({ i, at: new Date() });
    });
    const bareRead = await measure(300, 1, async (i) => {
      await h.db.doc(`benchCommits/limiter-read-${i}`).get();
    });
    // The floor of any check that reads: on the embedded emulator a read costs more than a commit.
    console.log(
      `   (at concurrency 1 meanwhile: a bare commit p50 ${fmt(bare.p50)} ms, a bare one-document read p50 ${fmt(bareRead.p50)} ms)`,
    );
    const { limiterCheck } = await import("./limiter-check");
    for (const concurrency of [1, 32]) {
      for (const filled of [0, 5000]) {
        const check = await limiterCheck(h, `user:bench-${concurrency}-${randomUUID()}`, filled);
        const added = await measure(concurrency === 1 ? 300 : 1000, concurrency, check);
        console.log(
          `   added latency at concurrency ${String(concurrency).padStart(2)}, ${String(filled).padStart(4)} requests already in the window: p50 ${fmt(added.p50)} ms, p99 ${fmt(added.p99)} ms (${fmt(added.perSecond)} checks/s)`,
        );
      }
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
}

/**
 * Alone, on the embedded emulator; or on the emulator FIRESTORE_EMULATOR_HOST names, e.g. Google's:
 * `npx tsx dev/with-google-firestore.ts -- npx tsx bench/request-path.ts` (documents are counted
 * only by the embedded one: NaN there).
 */
async function main() {
  const { startFirestoreEmulator } = await import("../dev/firestore-emulator");
  const external = process.env.FIRESTORE_EMULATOR_HOST;
  const fs = external ? null : await startFirestoreEmulator({ port: 0 });
  if (fs) process.env.FIRESTORE_EMULATOR_HOST = fs.host;
  console.log(`Firestore: ${fs ? "the embedded emulator" : `the emulator at ${external}`}`);
  const stats = fs?.stats ?? { reads: NaN, writes: NaN, writeLog: null, reset: () => undefined };
  process.env.GCLOUD_PROJECT = "demo-postcast";
  const { Harness } = await import("../test/support/harness");
  const { RELAXED_RATE_LIMITS } = await import("../test/support/rate-limits");
  const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
  try {
    const t = await h.tenant();
    await requestPathSections(h, stats, { key: t.key, uid: t.uid });
  } finally {
    await fs?.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
