/**
 * Ingesting a 400 MB video (POST /v1/media's path: safe fetch, sniff, stream to the store,
 * ffprobe) and the process's peak memory while doing it. Run on its own (`npm run bench` starts it
 * as a child process) so nothing else inflates the figure; the file is served by another process.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ingestUrl } from "../src/media/ingest";
import { LocalMediaStore } from "../src/media/local-media-store";
import { MediaProber } from "../src/media/probe";
import { SAFE_FETCH_DEFAULTS } from "../src/media/safe-fetch";
import { peakRssMb } from "./stats";

const MB = 1024 * 1024;

async function main() {
  const size = Number(process.env.BENCH_VIDEO_MB ?? 400) * MB;
  const server = spawn(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "big-video-server.ts"), String(size)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve) =>
    server.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), "postcast-bench-media-"));
  try {
    // Warm the modules the ingestion loads lazily, so the figure is the transfer's, not the loader's.
    await import("sharp");
    const before = process.memoryUsage().rss / MB;
    const started = Date.now();
    const media = await ingestUrl(
      url,
      { userId: "bench", mediaId: "m1" },
      {
        store: new LocalMediaStore(dir, () => "http://127.0.0.1"),
        prober: new MediaProber(),
        fetchOptions: { ...SAFE_FETCH_DEFAULTS, loopbackOrigins: "any" },
      },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      JSON.stringify({
        sizeMb: Math.round(media.size / MB),
        contentType: media.type.contentType,
        width: media.width,
        height: media.height,
        durationSeconds: media.durationSeconds,
        seconds: Math.round(seconds * 10) / 10,
        mbPerSecond: Math.round(media.size / MB / seconds),
        rssBeforeMb: Math.round(before),
        peakRssMb: Math.round(peakRssMb()),
      }),
    );
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
