import { readFileSync } from "node:fs";
import path from "node:path";
import { createDeflate, crc32 } from "node:zlib";
import sharp from "sharp";

const FIXTURES = path.join(__dirname, "..", "fixtures", "media");

/** The video fixtures (made once with ffmpeg), by extension. */
export const VIDEO_FIXTURES = {
  mp4: readFileSync(path.join(FIXTURES, "clip.mp4")),
  mov: readFileSync(path.join(FIXTURES, "clip.mov")),
  webm: readFileSync(path.join(FIXTURES, "clip.webm")),
  mkv: readFileSync(path.join(FIXTURES, "clip.mkv")),
};

/**
 * Small images of every accepted format, with noise so that their compressed data is not
 * trivial: JPEG, PNG with transparency, a three-frame animated GIF and WebP.
 */
export async function sampleImages(width = 96, height = 64) {
  const frame = (i: number) =>
    sharp({
      create: {
        width,
        height,
        channels: 4,
        background: { r: 60 * i, g: 120, b: 200, alpha: 0.6 },
        noise: { type: "gaussian", mean: 120, sigma: 40 },
      },
    })
      .png()
      .toBuffer();
  const frames = await Promise.all([0, 1, 2].map(frame));
  return {
    jpeg: await sharp(frames[0]).flatten().jpeg({ quality: 80 }).toBuffer(),
    png: frames[0]!,
    gif: await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer(),
    webp: await sharp(frames, { join: { animated: true } })
      .webp({ quality: 70 })
      .toBuffer(),
  };
}

/**
 * A decompression bomb: a greyscale PNG of `width` × `height` black pixels, deflated as it is
 * generated (a 16,383 × 16,383 one is about 260 KB; nothing of its 268 MB of pixels is held).
 */
export async function pixelBomb(width: number, height: number): Promise<Buffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const row = Buffer.alloc(1 + width); // filter byte 0, then the row's pixels
  const deflate = createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => compressed.push(chunk));
  const ended = new Promise((resolve, reject) => deflate.on("end", resolve).on("error", reject));
  for (let y = 0; y < height; y++) {
    if (!deflate.write(row)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await ended;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", Buffer.concat(compressed)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
