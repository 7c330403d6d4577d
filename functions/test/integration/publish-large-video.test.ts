import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import request from "supertest";
import type { Platform } from "../../src/domain/platforms";
import { liveSuite, uniqueText } from "../support/adapter-suite";
import { publishedMedia, runOf } from "../support/live-publish";
import { paddedVideo } from "../support/padded-video";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

jest.setTimeout(300_000);

// A video of a realistic size, published to every platform that takes bytes: each streams it from
// the store in its own parts (X segments, YouTube chunks, TikTok chunks, LinkedIn ranges, Snapchat
// encrypted parts), and each fake must end up with exactly the file, in order.
const SIZE = 120 * 1024 * 1024 + 12_345;
const UPLOADERS: Platform[] = ["x", "youtube", "tiktok", "linkedin", "snapchat"];

const { h, live } = liveSuite({ rateLimits: RELAXED_RATE_LIMITS });
const dir = mkdtempSync(path.join(os.tmpdir(), "postcast-large-video-"));
const file = path.join(dir, "launch.mp4");
let sha256 = "";
let origin: Server;
let url = "";

beforeAll(async () => {
  const hash = createHash("sha256");
  const source = paddedVideo(SIZE);
  source.on("data", (chunk: Buffer) => hash.update(chunk));
  await pipeline(source, createWriteStream(file));
  sha256 = hash.digest("hex");
  origin = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "video/mp4", "content-length": String(SIZE) });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/launch.mp4`;
});
afterAll(async () => {
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("a 120 MB video", () => {
  it("reaches X, YouTube, TikTok, LinkedIn and Snapchat byte for byte, streamed from the store", async () => {
    const ids = Object.fromEntries(UPLOADERS.map((p) => [p, [`${p}_${Math.random().toString(36).slice(2, 10)}`]]));
    const t = await h.tenant({ keys: [{ mode: "live" }], accounts: ids });
    for (const p of UPLOADERS) await live.connect(h, t.uid, p, ids[p]![0]!);
    const res = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({
        post: {
          content: {
            text: uniqueText("Launch walkthrough"),
            videoUrl: url,
            platform: UPLOADERS.map((p) => ({ platform: p, accountId: ids[p]![0] })),
          },
        },
      });
    expect(res.status).toBe(202);
    const id = res.body.postSubmissionId as string;

    await h.drain({ ignoreSchedule: true });

    const [copy] = await publishedMedia(h, id);
    expect(copy).toMatch(new RegExp(`/media-files/users/${t.uid}/media/rh_`));
    for (const p of UPLOADERS) {
      expect({ platform: p, status: (await runOf(h, id, p)).status }).toEqual({ platform: p, status: "succeeded" });
      const received = live.fakes[p].receivedMedia.filter((m) => m.accountId === ids[p]![0]);
      expect({ platform: p, received: received.map((m) => ({ size: m.size, sha256: m.sha256 })) }).toEqual({
        platform: p,
        received: [{ size: SIZE, sha256 }],
      });
      expect(live.fakes[p].postsOf(ids[p]![0]!)).toHaveLength(1);
    }
  });
});
