import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";

const MIB = 1024 * 1024;

/**
 * A real MP4 of any size (up to 4 GB): the 2-second fixture clip (its moov first) followed by one
 * `free` box of filler that players and ffprobe skip, so it sniffs and probes like a camera's file.
 * Every MiB of filler differs (its index stamped into random bytes): a part sent twice, dropped or
 * out of order changes the file's hash. Streamed, never held whole.
 */
export function paddedVideo(total: number): Readable {
  const clip = readFileSync(path.join(__dirname, "..", "fixtures", "media", "clip.mp4"));
  const freeSize = total - clip.length;
  if (freeSize < 8 || freeSize > 0xffffffff) throw new Error(`cannot pad the clip to ${total} bytes`);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(freeSize, 0);
  header.write("free", 4, "latin1");
  const base = randomBytes(MIB);
  return Readable.from(
    (function* () {
      yield clip;
      yield header;
      for (let left = freeSize - 8, block = 0; left > 0; block += 1) {
        const piece = Buffer.from(base.subarray(0, Math.min(MIB, left)));
        piece.writeUInt32BE(block, 0);
        left -= piece.length;
        yield piece;
      }
    })(),
    { objectMode: false },
  );
}
