/**
 * A separate process serving one large, valid MP4 for the media-ingestion benchmark (so its own
 * memory is not counted): the small fixture clip (moov first) followed by a `free` box of filler,
 * streamed in 1 MiB chunks. Prints its URL on stdout.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

const total = Number(process.argv[2] ?? 400 * 1024 * 1024);
const clip = readFileSync(path.join(__dirname, "..", "test", "fixtures", "media", "clip.mp4"));
const freeSize = total - clip.length;
const freeHeader = Buffer.alloc(8);
freeHeader.writeUInt32BE(freeSize, 0);
freeHeader.write("free", 4, "latin1");
const filler = Buffer.alloc(1024 * 1024, 0x2a);

const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "video/mp4", "content-length": String(total) });
  res.write(clip);
  res.write(freeHeader);
  let left = freeSize - 8;
  const pump = () => {
    while (left > 0) {
      const piece = filler.subarray(0, Math.min(filler.length, left));
      left -= piece.length;
      if (!res.write(piece)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
});
server.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}/video.mp4`);
});
