import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { MediaRefusal } from "../../src/domain/media-refusal";
import { sniffMediaType } from "../../src/domain/media-type";
import { FfprobeStopped, runFfprobe } from "../../src/media/ffprobe";
import { MediaProber } from "../../src/media/probe";
import { VIDEO_FIXTURES } from "../support/media-samples";

jest.setTimeout(60_000);

/** ffprobe in isolation: it reads the one file it is given, and is killed at its deadline. */
const MP4 = sniffMediaType(VIDEO_FIXTURES.mp4)!;
const dir = mkdtempSync(path.join(os.tmpdir(), "postcast-probe-"));
const hits: string[] = [];
const sockets = new Set<Socket>();
let closedSockets = 0;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/hang") return; // never answers
    if (req.url === "/clip.mp4") {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": VIDEO_FIXTURES.mp4.length });
      return void res.end(VIDEO_FIXTURES.mp4);
    }
    res.writeHead(404).end();
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => (closedSockets += 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  hits.length = 0;
});

const file = (name: string, body: string | Buffer) => {
  const at = path.join(dir, name);
  writeFileSync(at, body);
  return at;
};

describe("ffprobe reads only the file it is given", () => {
  // A playlist names other files; ffprobe left to itself opens them (here another user's video,
  // as far as it knows).
  const playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nsomeone-elses.mp4\n#EXT-X-ENDLIST\n";
  beforeAll(() => file("someone-elses.mp4", VIDEO_FIXTURES.mp4));

  it("an HLS playlist makes a bare ffprobe read the file it names (the bait works)", async () => {
    const { path: ffprobe } = (await import("@ffprobe-installer/ffprobe")) as { path: string };
    const { stdout } = await promisify(execFile)(ffprobe, [
      "-v",
      "error",
      "-show_entries",
      "stream=width,height",
      "-of",
      "csv",
      file("bait.m3u8", playlist),
    ]);
    expect(stdout).toContain("stream,320,568");
  });

  it("the same file given to the prober as a sniffed MP4 opens nothing: a corrupt_media refusal", async () => {
    // Same name and bytes: only the forced demuxer keeps ffprobe from reading it as a playlist.
    const error = await new MediaProber().video(file("bait.m3u8", playlist), MP4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaRefusal);
    expect((error as MediaRefusal).reason).toBe("corrupt_media");
  });

  it("reads an http(s) source (Cloud Storage's download URL) with only the protocols it needs", async () => {
    const facts = await new MediaProber().video(`${base}/clip.mp4`, MP4);
    expect(facts).toMatchObject({ width: 320, height: 568, durationSeconds: 2, codec: "h264" });
    expect(hits.every((h) => h === "/clip.mp4")).toBe(true);
  });
});

describe("ffprobe's limits", () => {
  it("is killed at its deadline, and the timeout is a refusal", async () => {
    const before = closedSockets;
    const started = Date.now();
    const error = await new MediaProber({ videoTimeoutMs: 500 }).video(`${base}/hang`, MP4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaRefusal);
    expect((error as MediaRefusal).reason).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(hits).toEqual(["/hang"]);
    // Killed with SIGKILL: its connection closes with it.
    for (let i = 0; i < 50 && closedSockets === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(closedSockets).toBeGreaterThan(before);
  });

  it("is killed when it writes more than its output bound", async () => {
    const error = await runFfprobe(["-h", "full"], { timeoutMs: 10_000, maxOutputBytes: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FfprobeStopped);
    expect((error as FfprobeStopped).why).toBe("output");
  });
});
