/**
 * `npm start`: the whole local stack. Firestore is the embedded Node emulator (unless
 * FIRESTORE_EMULATOR_HOST already points at one); Functions, Cloud Tasks and Auth are
 * firebase-tools' emulators. Seeds the demo tenant, runs the sweeper on its schedule (there is no
 * Cloud Scheduler emulator), prints how to post, and stops everything it started on Ctrl-C.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, createWriteStream } from "node:fs";
import path from "node:path";
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { credentialsKeyring } from "../src/config/credentials-key";
import { PLATFORMS, type Platform } from "../src/domain/platforms";
import { AccountStore } from "../src/store/account-store";
import { CredentialStore } from "../src/store/credential-store";
import { startFakes } from "../fakes/serve";
import {
  DEFAULT_ACCOUNTS,
  DEMO_GRANTS,
  DEMO_LIVE_KEY,
  DEMO_TEST_KEY,
  DEMO_UID,
  accountExtra,
  seedTenant,
} from "./seed";
import { FIREBASE_BIN, LOCAL, REPO_ROOT, apiBaseUrl } from "./local-config";
import { FIELD_FUNCTION } from "./shell-helpers";
import { startFirestoreEmulator } from "./firestore-emulator";
import { killGroupWithParent, stopProcessGroup } from "./processes";
import { busyPorts, busyPortsMessage, type NeededPort } from "./ports";
import { FAKE_PORTS, MEDIA_PORT } from "../fakes/serve";

const SWEEP_EVERY_MS = 60_000;

/** Every port the stack listens on (firebase.json's emulators, the fakes), checked before starting anything. */
function neededPorts(): NeededPort[] {
  const ports: NeededPort[] = [
    { port: LOCAL.functions.port, what: "Functions emulator" },
    { port: LOCAL.tasks.port, what: "Cloud Tasks emulator" },
    { port: LOCAL.auth.port, what: "Auth emulator" },
    { port: 4400, what: "emulator hub" },
    { port: 4500, what: "emulator logging" },
    { port: MEDIA_PORT, what: "fakes' media server" },
    ...Object.entries(FAKE_PORTS).map(([platform, port]) => ({ port, what: `fake ${platform}` })),
  ];
  if (!process.env.FIRESTORE_EMULATOR_HOST) ports.unshift({ port: LOCAL.firestore.port, what: "Firestore emulator" });
  return ports;
}

async function waitForApi(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`firebase emulators exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/v1/ping-${Date.now()}`);
      const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      if (body?.error?.code === "not_found") return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the api function did not come up within ${timeoutMs / 1000} s`);
}

export async function startStack(options: { quiet?: boolean } = {}) {
  const say = (line: string) => {
    if (!options.quiet) console.log(line);
  };
  // Everything here talks to emulators: without this, google-auth-library probes the GCE metadata
  // server for the Firestore client's universe domain and, behind some proxies, warns about it.
  process.env.METADATA_SERVER_DETECTION ??= "none";
  const busy = await busyPorts(neededPorts());
  if (busy.length) throw new Error(busyPortsMessage(busy));
  let stopFirestore: (() => Promise<void>) | null = null;
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    const fs = await startFirestoreEmulator({ host: LOCAL.firestore.host, port: LOCAL.firestore.port });
    process.env.FIRESTORE_EMULATOR_HOST = fs.host;
    stopFirestore = () => fs.stop();
    say(`Firestore (embedded emulator) on ${fs.host}`);
  } else {
    say(`Firestore: using the emulator at ${process.env.FIRESTORE_EMULATOR_HOST}`);
  }
  process.env.GCLOUD_PROJECT = LOCAL.projectId;
  process.env.CLOUD_TASKS_EMULATOR_HOST = `${LOCAL.tasks.host}:${LOCAL.tasks.port}`;

  const db = getFirestore(getApps()[0] ?? initializeApp({ projectId: LOCAL.projectId }));
  await seedTenant(db, {
    uid: DEMO_UID,
    email: "demo@postcast.local",
    accounts: DEFAULT_ACCOUNTS,
    keys: [
      { raw: DEMO_TEST_KEY, mode: "test" },
      { raw: DEMO_LIVE_KEY, mode: "live" },
    ],
  });
  // The fake platforms, with the demo accounts connected to them, so the live key publishes.
  const fakes = await startFakes();
  say(`Fake platforms on ${fakes.urls.x} … ${fakes.urls.snapchat}, media on ${fakes.urls.media}`);
  const credentials = new CredentialStore(db, credentialsKeyring);
  const accounts = new AccountStore(db);
  for (const platform of PLATFORMS) {
    for (const accountId of DEFAULT_ACCOUNTS[platform]) {
      const spec = DEMO_GRANTS[platform];
      const age = spec.ageSeconds ?? 0;
      // Expiring `ttlSeconds` after it was issued, `age` ago.
      const grant = fakes.fakes[platform].grant(accountId, {
        refresh: spec.refresh,
        ttlSeconds: spec.ttlSeconds === null ? null : spec.ttlSeconds - age,
        ageSeconds: age,
      });
      const dates = await credentials.write(
        { userId: DEMO_UID, platform, accountId },
        {
          accessToken: grant.accessToken,
          refreshToken: grant.refreshToken,
          expiresAt: grant.expiresAt === null ? null : new Date(grant.expiresAt).toISOString(),
          refreshTokenExpiresAt: spec.refreshTtlSeconds
            ? new Date(grant.issuedAt + spec.refreshTtlSeconds * 1000).toISOString()
            : null,
          issuedAt: new Date(grant.issuedAt).toISOString(),
          scope: null,
          extra: accountExtra(platform, accountId),
        },
      );
      await accounts.connect(
        DEMO_UID,
        platform,
        { accountId, username: `${accountId}_handle`, displayName: accountId, avatarUrl: null },
        dates,
      );
    }
  }

  const logDir = path.join(REPO_ROOT, ".postcast");
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, "emulators.log");
  const log = createWriteStream(logFile, { flags: "w" });
  const child = spawn(
    FIREBASE_BIN,
    ["emulators:start", "--only", "functions,tasks,auth", "--project", LOCAL.projectId],
    {
      cwd: REPO_ROOT,
      detached: true,
      env: { ...process.env, FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST, CI: process.env.CI ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  // The emulators run in a process group of their own (so a Ctrl-C reaches them once, through
  // stop()); should this process die without stopping them (SIGKILL, a crash), they go with it.
  const dismissWatchdog = killGroupWithParent(child);

  const timers: { sweeper?: NodeJS.Timeout } = {};
  const stop = async () => {
    clearInterval(timers.sweeper);
    await stopProcessGroup(child);
    dismissWatchdog();
    await fakes.stop();
    if (stopFirestore) await stopFirestore();
  };

  const base = apiBaseUrl();
  try {
    await waitForApi(base, child, 120_000);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}; see ${logFile}`);
  }

  // Loaded after the emulator env is set, so the sweeper's enqueuer points at the emulator.
  const { sweep } = await import("../src/tasks/sweeper");
  const { sweeperDeps } = await import("../src/config/task-runtime");
  timers.sweeper = setInterval(() => {
    sweep(sweeperDeps()).catch((error: unknown) => console.error("sweeper:", error));
  }, SWEEP_EVERY_MS);

  return { base, stop, logFile, db, fakes };
}

/** A target for each account named, explicit so the examples stay valid once more accounts are connected. */
const targets = (platforms: readonly Platform[]) =>
  JSON.stringify(platforms.map((platform) => ({ platform, accountId: DEFAULT_ACCOUNTS[platform][0] })));

/**
 * What `npm start` prints once the stack is up: where everything is, and commands to paste that
 * work as printed, in order, whatever the earlier ones did (test/e2e/docs-commands.test.ts runs
 * them: the lines indented under the "Try it" heading, each curl followed by the answer it gets).
 */
export function bannerText(base: string, logFile: string, urls: Record<string, string>): string {
  const four = targets(["x", "threads", "linkedin", "facebook"]);
  return `
Postcast local stack is up.

  API base URL    ${base}
  API reference   ${base}/docs   (open it in a browser; the OpenAPI document: ${base}/v1/openapi.json)
  Demo API keys   ${DEMO_TEST_KEY}   (sk_test_: publishing is simulated)
                  ${DEMO_LIVE_KEY}   (sk_live_: publishes to the fake platforms)
  Firestore       ${process.env.FIRESTORE_EMULATOR_HOST}   Cloud Tasks ${LOCAL.tasks.host}:${LOCAL.tasks.port}   Auth ${LOCAL.auth.host}:${LOCAL.auth.port}
  Fake platforms  ${urls.x} … ${urls.snapchat} (what each received: GET /_fake/posts)
  Demo media      ${urls.media}/media/<name>.mp4?seconds=6 (a 6 s 9:16 video every platform accepts)

Try it from another terminal in this directory (bash or zsh, and node: "field" reads one field of an answer, like jq -r):

  BASE=${base}
  KEY=${DEMO_TEST_KEY}
  LIVE=${DEMO_LIVE_KEY}
  ${FIELD_FUNCTION}

Publish to four platforms with the test key (simulated), then watch it publish, live from Firestore:

  POST_ID=$(curl -s -X POST "$BASE/v1/posts" -H "Content-Type: application/json" -H "soku-api-key: $KEY" \\
    -d '{"post":{"content":{"text":"Hello from Postcast","platform":${four}}}}' | field postSubmissionId)
  # 202 {"postSubmissionId":"…"}
  npm run watch -- "$POST_ID"
  curl -s "$BASE/v1/posts/$POST_ID" -H "soku-api-key: $KEY"
  # 200 {"status":"completed","summary":{"total":4,"succeeded":4,"failed":0,"pending":0},…}

Publish a video to all eight fake platforms with the live key: store it, then post it:

  MEDIA_ID=$(curl -s -X POST "$BASE/v1/media" -H "Content-Type: application/json" -H "soku-api-key: $LIVE" \\
    -d '{"url":"${urls.media}/media/demo.mp4?seconds=6"}' | field id)
  # 201 {"id":"…","contentType":"video/mp4","width":360,"height":640,"durationSeconds":6,…}
  LIVE_ID=$(curl -s -X POST "$BASE/v1/posts" -H "Content-Type: application/json" -H "soku-api-key: $LIVE" \\
    -d '{"post":{"content":{"text":"Hello, live from Postcast","mediaIds":["'"$MEDIA_ID"'"],"platform":${targets(PLATFORMS)}}}}' \\
    | field postSubmissionId)
  # 202 {"postSubmissionId":"…"}
  npm run watch -- "$LIVE_ID"
  curl -s "$BASE/v1/posts/$LIVE_ID" -H "soku-api-key: $LIVE"
  # 200 {"status":"completed","summary":{"total":8,"succeeded":8,"failed":0,"pending":0},…}
  curl -s ${urls.x}/_fake/posts
  # 200 [{…the post, as X's fake received it…}]

Connect more accounts through the platforms' OAuth (the fakes approve at once; target them by accountId):

  npm run connect -- x tiktok facebook

Receive webhooks: register a receiver on 127.0.0.1:9200 (its signing secret is shown this once), then run it,
here in the background or in another terminal; it verifies each delivery's signature and prints the event:

  WEBHOOK_SECRET=$(curl -s -X POST "$BASE/v1/webhooks" -H "Content-Type: application/json" -H "soku-api-key: $KEY" \\
    -d '{"url":"http://127.0.0.1:9200"}' | field secret)
  # 201 {"secret":"whsec_…"}
  WEBHOOK_SECRET=$WEBHOOK_SECRET npm run webhooks:listen &

Emulator logs: ${logFile}
Ctrl-C (or closing this terminal) stops everything.
`;
}

if (require.main === module) {
  // Closing the terminal hangs up its tty: writing to it then fails, which must not stop the shutdown.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  let stopStack: (() => Promise<void>) | null = null;
  let stopping = false;
  // Ctrl-C (SIGINT), `kill` (SIGTERM) and closing the terminal (SIGHUP) all stop everything. Before
  // the stack is up, exiting is enough: what runs in-process ends with it, and the watchdog stops the emulators.
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (!stopStack) process.exit(signal === "SIGINT" ? 130 : 1);
    if (signal !== "SIGHUP") console.log("\nStopping the local stack…");
    stopStack()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, shutdown);
  startStack()
    .then(({ base, stop, logFile, fakes }) => {
      stopStack = stop;
      console.log(bannerText(base, logFile, fakes.urls));
    })
    .catch((error: unknown) => {
      console.error(`Could not start the local stack: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
