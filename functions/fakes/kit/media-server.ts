import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import express from "express";
import sharp from "sharp";

const FIXTURES = path.join(__dirname, "..", "..", "test", "fixtures", "media");

const TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  mov: "video/quicktime",
};

/**
 * Serves deterministic media for Postcast to rehost and the fakes to pull:
 * `/media/<name>.<ext>?bytes=N` answers a real file of the type the extension names (a 64×64
 * image, or a 2-second 320×568 clip), padded to N bytes where N is larger in a way each format
 * ignores (bytes after a JPEG's end marker or a PNG's IEND, a trailing `free` box in MP4/MOV), so
 * it sniffs and probes like a camera's file of that size. Other extensions get N filler bytes.
 * `/media/<name>.mp4?seconds=6` is a video every platform's rules accept (6 s, 360×640 = 9:16,
 * H.264 and AAC; the 2-second clip is too short for Instagram and Snapchat).
 */
export class MediaServer {
  private server: Server | null = null;
  url = "";

  async start(port = 0, host = "127.0.0.1"): Promise<string> {
    const originals = await realFiles();
    const app = express();
    app.get("/media/:file", (req, res) => {
      const ext = req.params.file.split(".").pop() ?? "";
      const bytes = Math.min(Number(req.query.bytes ?? 2048) || 2048, 64 * 1024 * 1024);
      const file = ext === "mp4" && req.query.seconds === "6" ? originals.mp4Fits : originals[ext];
      res.type(TYPES[ext] ?? "application/octet-stream").send(padded(file, ext, bytes));
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(port, host, () => resolve());
    });
    this.url = `http://${host}:${(this.server!.address() as AddressInfo).port}`;
    return this.url;
  }

  media(name: string, bytes?: number): string {
    return `${this.url}/media/${name}${bytes ? `?bytes=${bytes}` : ""}`;
  }

  /** The video every platform accepts (6 s, 9:16, H.264/AAC). */
  videoThatFits(name = "fits.mp4"): string {
    return `${this.url}/media/${name}?seconds=6`;
  }

  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

async function realFiles(): Promise<Record<string, Buffer>> {
  const canvas = sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 40, b: 40 } } });
  const jpeg = await canvas.clone().jpeg().toBuffer();
  return {
    jpg: jpeg,
    jpeg,
    png: await canvas.clone().png().toBuffer(),
    gif: await canvas.clone().gif().toBuffer(),
    webp: await canvas.clone().webp().toBuffer(),
    mp4: readFileSync(path.join(FIXTURES, "clip.mp4")),
    mp4Fits: readFileSync(path.join(FIXTURES, "clip-6s.mp4")),
    mov: readFileSync(path.join(FIXTURES, "clip.mov")),
  };
}

/** `file` grown to `bytes` where the format ignores the rest; filler bytes when there is no file. */
function padded(file: Buffer | undefined, ext: string, bytes: number): Buffer {
  if (!file) {
    const body = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i += 1) body[i] = (i * 31 + 7) & 0xff;
    return body;
  }
  const extra = bytes - file.length;
  if (extra <= 0) return file;
  if (ext !== "mp4" && ext !== "mov") return Buffer.concat([file, Buffer.alloc(extra, 0)]);
  if (extra < 8) return file;
  const box = Buffer.alloc(extra);
  box.writeUInt32BE(extra, 0);
  box.write("free", 4, "latin1");
  return Buffer.concat([file, box]);
}
