/**
 * A 400 MB video published to X, YouTube, TikTok (file upload), LinkedIn and Snapchat, and the
 * peak memory of each publishing process: first one delivery per process, then several at once
 * (what one instance with that concurrency holds). Every party runs in its own process so the
 * figure is the publisher's alone: this one holds the Firestore emulator and the API (which accepts
 * the post and rehosts the video into a local media store directory), the fakes and the video's
 * origin run in two more, and each publisher in one of its own (bench/publisher-process.ts).
 * Checks that each fake received exactly the stored file (size and SHA-256) for every delivery.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, rmSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import request from "supertest";
import { startFirestoreEmulator } from "../dev/firestore-emulator";
import { accountExtra } from "../dev/seed";
import type { ReceivedMedia } from "../fakes/kit/upload-digest";
import { parseKeyring } from "../src/domain/credentials";
import type { Platform } from "../src/domain/platforms";
import { CredentialStore } from "../src/store/credential-store";
import { PUBLISH_FUNCTION, TASK_FUNCTIONS } from "../src/tasks/dispatch";
import type { Harness } from "../test/support/harness";
import { RESULT, type PublisherJob } from "./publisher-process";

const MB = 1024 * 1024;
const PLATFORMS: Platform[] = ["x", "youtube", "tiktok", "linkedin", "snapchat"];

interface PublisherResult {
  deliveries: number;
  status: string;
  error: string | null;
  seconds: number;
  rssBeforeMb: number;
  peakRssMb: number;
  arrayBuffersMb: number;
}

/** Starts a bench script in its own process; resolves with its first output line starting with `marker`. */
function start(script: string, args: string[], children: ChildProcess[], marker = ""): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, script), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l, i, all) => i < all.length - 1 && l.startsWith(marker));
      if (line !== undefined) resolve(line.slice(marker.length).trim());
    });
    child.once("exit", (code) => reject(new Error(`${script} exited ${code}: ${err.slice(-2000)}`)));
  });
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** A live tenant with `perPlatform` accounts on each platform, their tokens issued by the fakes and sealed. */
async function tenant(h: Harness, fakes: Record<Platform, string>, keyring: string, perPlatform: number) {
  const credentials = new CredentialStore(h.db, () => parseKeyring(keyring));
  const accounts = Object.fromEntries(
    PLATFORMS.map((p) => [p, Array.from({ length: perPlatform }, (_, i) => `${p}_bench_${perPlatform}_${i}`)]),
  ) as Record<Platform, string[]>;
  const t = await h.tenant({ keys: [{ mode: "live" }], accounts });
  for (const p of PLATFORMS) {
    for (const accountId of accounts[p]) {
      const res = await fetch(`${fakes[p]}/_fake/grants`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ accountId }),
      });
      const grant = (await res.json()) as { accessToken: string; refreshToken: string | null; expiresAt: number };
      await credentials.write(
        { userId: t.uid, platform: p, accountId },
        {
          accessToken: grant.accessToken,
          refreshToken: grant.refreshToken,
          expiresAt: new Date(grant.expiresAt).toISOString(),
          refreshTokenExpiresAt: null,
          issuedAt: new Date().toISOString(),
          scope: null,
          extra: accountExtra(p, accountId),
        },
      );
    }
  }
  return { ...t, accounts };
}

/**
 * Posts the video to every account of the tenant, lets the orchestrator rehost it (it then lives in
 * the media store), and publishes each platform's runs in a publisher process of its own.
 */
async function publishEverywhere(
  h: Harness,
  fakes: Record<Platform, string>,
  videoUrl: string,
  perPlatform: number,
  children: ChildProcess[],
): Promise<Record<Platform, PublisherResult & { exact: boolean }>> {
  const keyring = `bench:${randomBytes(32).toString("base64")}`;
  const t = await tenant(h, fakes, keyring, perPlatform);
  const posted = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", t.key)
    .send({
      post: {
        content: {
          text: `Bench walkthrough ${perPlatform}`,
          videoUrl,
          platform: PLATFORMS.flatMap((p) => t.accounts[p].map((accountId) => ({ platform: p, accountId }))),
        },
      },
    });
  if (posted.status !== 202) throw new Error(`POST /v1/posts answered ${posted.status}`);
  const id = posted.body.postSubmissionId as string;
  h.tasks.pending.length = 0;
  const orchestrate = h.handlers()[TASK_FUNCTIONS.orchestratePost]!;
  await orchestrate({ postSubmissionId: id }, { retryCount: 0 });
  const sub = (await h.submissions.get(id))!;
  const media = (await h.deps.media.records.get(t.uid, sub.mediaIds![0]!))!;
  const expected = { size: media.size, sha256: await sha256Of(path.join(h.mediaDir, media.path)) };

  const results = {} as Record<Platform, PublisherResult & { exact: boolean }>;
  for (const p of PLATFORMS) {
    const job: PublisherJob = {
      platform: p,
      apiUrl: fakes[p],
      keyring,
      mediaDir: h.mediaDir,
      mediaBase: h.publicUrl,
      runs: h.tasks.pending
        .filter((q) => q.fn === PUBLISH_FUNCTION[p])
        .map((q) => q.payload as { postSubmissionId: string; runId: string }),
    };
    const result = JSON.parse(
      await start("publisher-process.ts", [JSON.stringify(job)], children, RESULT),
    ) as PublisherResult;
    const received = ((await (await fetch(`${fakes[p]}/_fake/received`)).json()) as { media: ReceivedMedia[] }).media;
    const mine = received.filter((m) => t.accounts[p].includes(m.accountId));
    const exact =
      mine.length === perPlatform && mine.every((m) => m.size === expected.size && m.sha256 === expected.sha256);
    results[p] = { ...result, exact };
  }
  rmSync(path.join(h.mediaDir, media.path), { force: true });
  return results;
}

async function main() {
  const size = Number(process.env.BENCH_VIDEO_MB ?? 400) * MB;
  const concurrency = Number(process.env.BENCH_PUBLISH_CONCURRENCY ?? 8);
  const children: ChildProcess[] = [];
  const firestore = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = firestore.host;
  process.env.GCLOUD_PROJECT = "demo-postcast";
  const { Harness } = await import("../test/support/harness");
  const { RELAXED_RATE_LIMITS } = await import("../test/support/rate-limits");
  const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
  try {
    const [fakesLine, videoUrl] = await Promise.all([
      start("fakes-process.ts", [], children),
      start("big-video-server.ts", [String(size)], children),
    ]);
    const fakes = JSON.parse(fakesLine) as Record<Platform, string>;
    const one = await publishEverywhere(h, fakes, videoUrl, 1, children);
    const many = await publishEverywhere(h, fakes, videoUrl, concurrency, children);
    console.log(
      `   ${Math.round(size / MB)} MB MP4 in a local media store directory; each publisher in its own process.`,
    );
    console.log(
      `   Peak RSS (VmHWM), MB; ArrayBuffers: the most Buffer memory held at once, mostly garbage not yet collected.`,
    );
    console.log(
      `   platform  | RSS before | 1 delivery: peak RSS  s  ArrayBuffers | ${concurrency} at once: peak RSS  s  ArrayBuffers | per extra delivery | exact bytes at the fake`,
    );
    for (const p of PLATFORMS) {
      const a = one[p];
      const b = many[p];
      const perDelivery = (b.peakRssMb - a.peakRssMb) / (concurrency - 1);
      const ok = a.status === "succeeded" && b.status === "succeeded" && a.exact && b.exact;
      const cells = (r: PublisherResult) =>
        `${String(r.peakRssMb).padStart(8)} ${String(r.seconds).padStart(4)} ${String(r.arrayBuffersMb).padStart(13)}`;
      console.log(
        `   ${p.padEnd(9)} | ${String(a.rssBeforeMb).padStart(10)} | ${cells(a)}           | ${cells(b)}           | ${perDelivery.toFixed(1).padStart(18)} | ${ok ? `yes (${1 + concurrency} of ${1 + concurrency})` : `NO: ${JSON.stringify({ a, b })}`}`,
      );
    }
    console.log("   (goal: every single-delivery peak under 256 MB)");
  } finally {
    for (const child of children) child.kill();
    await h.close();
    await firestore.stop();
    rmSync(h.mediaDir, { recursive: true, force: true });
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
