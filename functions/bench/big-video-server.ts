/**
 * A separate process serving one large, valid MP4 for the benchmarks (so its own memory is not
 * counted): the small fixture clip followed by a `free` box of filler (test/support/padded-video.ts),
 * streamed. Prints its URL on stdout.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { paddedVideo } from "../test/support/padded-video";

const total = Number(process.argv[2] ?? 400 * 1024 * 1024);

const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "video/mp4", "content-length": String(total) });
  paddedVideo(total).pipe(res);
});
server.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}/video.mp4`);
});
