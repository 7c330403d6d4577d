/**
 * What images cost to verify (decoded whole into a sink) and to convert (the JPEG copy) at the
 * pixel limit, per format, next to what the formats decoded whole would cost at the full 50 MP;
 * and the 16,383 × 16,383 PNG bomb refused through POST /v1/media's path. Each figure is the peak
 * RSS (VmHWM) of a process of its own that did nothing else; the files are made beforehand by this
 * one, and the bomb is served by it.
 *
 *   npx tsx bench/media-limits.ts                        everything (`npm run bench`, section 6)
 *   npx tsx bench/media-limits.ts measure <op> <file|url> [maxPixels]     one figure (a child)
 */
import { spawn } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { DEFAULT_MAX_PIXELS, WHOLE_IMAGE_SHARE } from "../src/domain/media-pixels";
import { MediaRefusal } from "../src/domain/media-refusal";
import { ingestUrl } from "../src/media/ingest";
import { storeJpegCopy } from "../src/media/jpeg-copy";
import { LocalMediaStore } from "../src/media/local-media-store";
import { MediaProber } from "../src/media/probe";
import { SAFE_FETCH_DEFAULTS } from "../src/media/safe-fetch";
import { pixelBomb } from "../test/support/media-samples";
import { peakRssMb } from "./stats";

type Op = "verify" | "convert" | "ingest";

interface Figure {
  ms: number;
  beforeMb: number;
  peakMb: number;
  outcome: string;
}

/** One measurement, in this process (started for it alone). */
async function measure(op: Op, target: string, maxPixels: number): Promise<Figure> {
  // Warm what the operation loads lazily, so the figure is the operation's, not the loader's.
  await sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } })
    .png()
    .toBuffer();
  const beforeMb = peakRssMb();
  const started = Date.now();
  let outcome = "ok";
  try {
    if (op === "verify") {
      await new MediaProber({ maxPixels: () => maxPixels }).image(createReadStream(target), statSync(target).size);
    } else if (op === "convert") {
      const copy = await storeJpegCopy(
        new LocalMediaStore(path.dirname(target), () => "http://127.0.0.1"),
        { path: path.basename(target), size: statSync(target).size },
        maxPixels,
      );
      outcome = `ok, ${mb(copy.size)} JPEG`;
    } else {
      const dir = mkdtempSync(path.join(os.tmpdir(), "postcast-bench-bomb-"));
      try {
        await ingestUrl(
          target,
          { userId: "bench", mediaId: "bomb" },
          {
            store: new LocalMediaStore(dir, () => "http://127.0.0.1"),
            prober: new MediaProber({ maxPixels: () => maxPixels }),
            fetchOptions: { ...SAFE_FETCH_DEFAULTS, loopbackOrigins: "any" },
          },
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } catch (error) {
    if (!(error instanceof MediaRefusal)) throw error;
    outcome = `refused: ${error.reason} ${JSON.stringify(error.details)}`;
  }
  return { ms: Date.now() - started, beforeMb, peakMb: peakRssMb(), outcome };
}

function inChild(op: Op, target: string, maxPixels: number): Promise<Figure> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", __filename, "measure", op, target, String(maxPixels)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as Figure) : reject(new Error(`${op} ${target} exited ${code}`)),
    );
  });
}

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** A width × height image: noise (photo-like entropy) or a smooth pattern (a graphic). */
function picture(width: number, height: number, kind: "noise" | "graphic") {
  if (kind === "noise") {
    return sharp({
      create: { width, height, channels: 3, background: "#6688aa", noise: { type: "gaussian", mean: 128, sigma: 24 } },
    });
  }
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      raw[i] = x & 255;
      raw[i + 1] = y & 255;
      raw[i + 2] = (x ^ y) & 255;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "postcast-bench-images-"));
  const full = { width: 8_660, height: 5_773 }; // 50.0 MP
  const quarter = { width: 4_330, height: 2_886 }; // 12.5 MP, the share of formats decoded whole
  const samples: { label: string; file: string; ops: Op[]; maxPixels: number }[] = [];
  const make = async (
    label: string,
    name: string,
    size: { width: number; height: number },
    encode: (width: number, height: number) => Promise<Buffer>,
    ops: Op[],
    maxPixels = DEFAULT_MAX_PIXELS,
  ) => {
    const file = path.join(dir, name);
    writeFileSync(file, await encode(size.width, size.height));
    samples.push({ label, file, ops, maxPixels });
  };
  // What a whole-decoded format would cost at the full limit: measured under a limit raised so
  // that its share is 50 MP.
  const above = DEFAULT_MAX_PIXELS / WHOLE_IMAGE_SHARE;
  await make("JPEG baseline", "base.jpg", full, (w, h) => picture(w, h, "noise").jpeg({ quality: 85 }).toBuffer(), [
    "verify",
  ]);
  await make("PNG", "flat.png", full, (w, h) => picture(w, h, "graphic").png().toBuffer(), ["verify", "convert"]);
  // The largest images whose JPEG copy mozjpeg makes (COMPACT_JPEG_SHARE).
  const compact = { width: 2_160, height: 1_440 };
  await make("PNG (mozjpeg copy)", "compact.png", compact, (w, h) => picture(w, h, "graphic").png().toBuffer(), [
    "convert",
  ]);
  await make(
    "WebP (mozjpeg copy)",
    "compact.webp",
    compact,
    (w, h) => picture(w, h, "noise").webp({ quality: 75 }).toBuffer(),
    ["convert"],
  );
  for (const [size, maxPixels, tag] of [
    [quarter, DEFAULT_MAX_PIXELS, "q"],
    [full, above, "f"],
  ] as const) {
    await make(
      "JPEG progressive",
      `prog-${tag}.jpg`,
      size,
      (w, h) => picture(w, h, "noise").jpeg({ quality: 85, progressive: true }).toBuffer(),
      ["verify"],
      maxPixels,
    );
    await make(
      "PNG interlaced",
      `interlaced-${tag}.png`,
      size,
      (w, h) => picture(w, h, "graphic").png({ progressive: true }).toBuffer(),
      ["verify", "convert"],
      maxPixels,
    );
    await make(
      "WebP",
      `photo-${tag}.webp`,
      size,
      (w, h) => picture(w, h, "noise").webp({ quality: 75 }).toBuffer(),
      ["verify", "convert"],
      maxPixels,
    );
    await make(
      "GIF",
      `graphic-${tag}.gif`,
      size,
      (w, h) => picture(w, h, "graphic").gif().toBuffer(),
      ["verify"],
      maxPixels,
    );
  }

  console.log(
    "   format                pixels     file | verify: peak RSS (Δ MB)  time | JPEG copy: peak RSS (Δ MB)  time",
  );
  for (const s of samples) {
    const meta = await sharp(s.file).metadata();
    const cells: string[] = [];
    for (const op of ["verify", "convert"] as const) {
      if (!s.ops.includes(op)) {
        cells.push("".padEnd(29));
        continue;
      }
      const f = await inChild(op, s.file, s.maxPixels);
      if (!f.outcome.startsWith("ok")) throw new Error(`${s.label} ${op}: ${f.outcome}`);
      cells.push(`${fmtMb(f.peakMb)} (+${Math.round(f.peakMb - f.beforeMb)})`.padEnd(20) + `${f.ms} ms`.padStart(9));
    }
    const pixels = `${((meta.width * meta.height) / 1e6).toFixed(1)} MP`;
    const note = s.maxPixels === DEFAULT_MAX_PIXELS ? "" : "  (above its limit: refused by default)";
    console.log(
      `   ${s.label.padEnd(20)} ${pixels.padStart(7)} ${mb(statSync(s.file).size).padStart(8)} | ${cells.join(" | ")}${note}`,
    );
  }

  const bomb = await pixelBomb(16_383, 16_383);
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "image/png", "content-length": bomb.length });
    res.end(bomb);
  }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bomb.png`;
    const f = await inChild("ingest", url, DEFAULT_MAX_PIXELS);
    console.log(
      `   16,383 × 16,383 PNG (${mb(bomb.length)}) through POST /v1/media's path: ${f.outcome.split(" {")[0]} in ${f.ms} ms; peak RSS ${fmtMb(f.peakMb)} (+${Math.round(f.peakMb - f.beforeMb)}; goal: under 256 MB)`,
    );
    if (!f.outcome.startsWith("refused: too_large")) throw new Error(`the bomb was not refused: ${f.outcome}`);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmtMb = (n: number) => `${Math.round(n)} MB`;

if (process.argv[2] === "measure") {
  const [, , , op, target, maxPixels] = process.argv;
  measure(op as Op, target!, Number(maxPixels ?? DEFAULT_MAX_PIXELS)).then(
    (f) => console.log(JSON.stringify(f)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
