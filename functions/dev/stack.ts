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
import { PLATFORMS } from "../src/domain/platforms";
import { AccountStore } from "../src/store/account-store";
import { CredentialStore } from "../src/store/credential-store";
import { startFakes } from "../fakes/serve";
import { DEFAULT_ACCOUNTS, DEMO_LIVE_KEY, DEMO_TEST_KEY, DEMO_UID, accountExtra, seedTenant } from "./seed";
import { FIREBASE_BIN, LOCAL, REPO_ROOT, apiBaseUrl } from "./local-config";
import { startFirestoreEmulator } from "./firestore-emulator";
import { stopProcessGroup } from "./processes";

const SWEEP_EVERY_MS = 60_000;

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
      // Backdated a day, as a connected account's long-lived Meta token would be, so it can be refreshed.
      const grant = fakes.fakes[platform].grant(accountId, { ageSeconds: 48 * 3600 });
      const dates = await credentials.write(
        { userId: DEMO_UID, platform, accountId },
        {
          accessToken: grant.accessToken,
          refreshToken: grant.refreshToken,
          expiresAt: grant.expiresAt === null ? null : new Date(grant.expiresAt).toISOString(),
          refreshTokenExpiresAt: null,
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

  const timers: { sweeper?: NodeJS.Timeout } = {};
  const stop = async () => {
    clearInterval(timers.sweeper);
    await stopProcessGroup(child);
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
  const { sweeperDeps } = await import("../src/config/runtime");
  timers.sweeper = setInterval(() => {
    sweep(sweeperDeps()).catch((error: unknown) => console.error("sweeper:", error));
  }, SWEEP_EVERY_MS);

  return { base, stop, logFile, db, fakes };
}

function banner(base: string, logFile: string) {
  const curl = `curl -s -X POST "${base}/v1/posts" \\
  -H "Content-Type: application/json" \\
  -H "soku-api-key: ${DEMO_TEST_KEY}" \\
  -d '{"post":{"content":{"text":"Hello from Postcast","platform":[{"platform":"x","accountId":"x_primary"},"threads","linkedin","facebook"],"mediaType":"text"}}}'`;
  console.log(`
Postcast local stack is up.

  API base URL   ${base}
  Demo API keys  ${DEMO_TEST_KEY}   (sk_test_: publishing is simulated)
                 ${DEMO_LIVE_KEY}   (sk_live_: publishes to the fake platform servers)
  Firestore      ${process.env.FIRESTORE_EMULATOR_HOST}   Cloud Tasks ${LOCAL.tasks.host}:${LOCAL.tasks.port}   Auth ${LOCAL.auth.host}:${LOCAL.auth.port}

Publish to four platforms:

${curl}

Publish for real, to the fake platforms, with the live key (then: curl -s ${"http://127.0.0.1:9101"}/_fake/posts):

${curl.replace(DEMO_TEST_KEY, DEMO_LIVE_KEY).replace("Hello from Postcast", "Hello, live from Postcast")}

Connect another account through a platform's OAuth (the fake approves at once), then post to it:

  npm run connect -- x tiktok facebook
  (prints the new account ids; target them as {"platform":"x","accountId":"<id>"})

Watch it publish (the submission and its runs, live from Firestore):

  npm --prefix functions run watch -- <postSubmissionId>
  curl -s "${base}/v1/posts/<postSubmissionId>" -H "soku-api-key: ${DEMO_TEST_KEY}"

Emulator logs: ${logFile}
Press Ctrl-C to stop.
`);
}

if (require.main === module) {
  startStack()
    .then(({ base, stop, logFile }) => {
      banner(base, logFile);
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        console.log("\nStopping the local stack…");
        stop()
          .then(() => process.exit(0))
          .catch(() => process.exit(1));
      };
      process.on("SIGINT", shutdown);
      process.on("SIGTERM", shutdown);
    })
    .catch((error: unknown) => {
      console.error(`Could not start the local stack: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
