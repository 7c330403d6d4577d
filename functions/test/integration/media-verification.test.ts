import { randomUUID } from "node:crypto";
import request from "supertest";
import sharp from "sharp";
import { Harness } from "../support/harness";
import { MediaOrigin } from "../support/media-origin";
import { pixelBomb, VIDEO_FIXTURES } from "../support/media-samples";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

jest.setTimeout(120_000);

// Many requests from one user: generous limits (rate limits have their own tests).
const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
const origin = new MediaOrigin();
let key: string;
let bomb: Buffer;
beforeAll(async () => {
  [bomb] = await Promise.all([pixelBomb(16_383, 16_383), origin.start()]);
  key = (await h.tenant({ keys: [{ mode: "live" }] })).key;
});
afterAll(async () => {
  await origin.stop();
  await h.close();
});
afterEach(() => {
  h.maxPixels = 50_000_000;
});

const byUrl = (bytes: Buffer, name = randomUUID()) =>
  request(h.app)
    .post("/v1/media")
    .set("soku-api-key", key)
    .send({ url: origin.serve(name, bytes) });

async function byUpload(bytes: Buffer, contentType: string) {
  const open = await request(h.app)
    .post("/v1/media/uploads")
    .set("soku-api-key", key)
    .send({ contentType, size: bytes.length });
  expect(open.status).toBe(201);
  const put = await request(h.app)
    .put(new URL(open.body.uploadUrl as string).pathname)
    .set("content-type", "application/octet-stream")
    .send(bytes);
  expect(put.status).toBe(200);
  return request(h.app)
    .post(`/v1/media/uploads/${open.body.id as string}/complete`)
    .set("soku-api-key", key);
}

const refusal = (res: request.Response) => ({
  status: res.status,
  code: res.body.error?.code as string | undefined,
  details: res.body.error?.details as Record<string, unknown> | undefined,
});

describe("decompression bombs", () => {
  const expected = {
    status: 400,
    code: "upload_failed",
    details: { reason: "too_large", width: 16_383, height: 16_383, pixels: 16_383 * 16_383, limitPixels: 50_000_000 },
  };

  it("refuses a 16,383 × 16,383 PNG (a few hundred KB) through POST /v1/media, naming its dimensions", async () => {
    expect(bomb.length).toBeLessThan(400 * 1024);
    const res = await byUrl(bomb);
    expect(refusal(res)).toEqual(expected);
    expect(res.body.error.message).toMatch(/268\.4 MP.*50 MP/);
  });

  it("refuses it through an upload too", async () => {
    const res = await byUpload(bomb, "image/png");
    expect(refusal(res)).toEqual(expected);
  });

  it("takes the limit from MEDIA_MAX_PIXELS", async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#08f" } })
      .png()
      .toBuffer();
    h.maxPixels = 59_999;
    expect(refusal(await byUrl(png))).toEqual({
      status: 400,
      code: "upload_failed",
      details: { reason: "too_large", width: 300, height: 200, pixels: 60_000, limitPixels: 59_999 },
    });
    h.maxPixels = 60_000;
    expect((await byUrl(png)).status).toBe(201);
  });
});

describe("formats decoded whole get a quarter of the limit", () => {
  const canvas = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: 10, g: 200, b: 90 } } });

  it.each([
    ["WebP", () => canvas(200, 150).webp().toBuffer()],
    ["GIF", () => canvas(200, 150).gif().toBuffer()],
    ["progressive JPEG", () => canvas(200, 150).jpeg({ progressive: true }).toBuffer()],
    ["interlaced PNG", () => canvas(200, 150).png({ progressive: true }).toBuffer()],
  ])("%s: 30,000 pixels refused under a 100,000 limit", async (_format, make) => {
    h.maxPixels = 100_000;
    expect(refusal(await byUrl(await make()))).toEqual({
      status: 400,
      code: "upload_failed",
      details: { reason: "too_large", width: 200, height: 150, pixels: 30_000, limitPixels: 25_000 },
    });
  });

  it.each([
    ["baseline JPEG", () => canvas(200, 150).jpeg().toBuffer()],
    ["PNG", () => canvas(200, 150).png().toBuffer()],
  ])("%s, decoded in strips: the same image is accepted", async (_format, make) => {
    h.maxPixels = 100_000;
    expect((await byUrl(await make())).status).toBe(201);
  });

  it("counts every frame of an animation", async () => {
    const frames = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        canvas(100, 100)
          .tint({ r: 60 * i, g: 0, b: 0 })
          .png()
          .toBuffer(),
      ),
    );
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    h.maxPixels = 39_999;
    expect(refusal(await byUrl(gif))).toEqual({
      status: 400,
      code: "upload_failed",
      details: { reason: "too_large", width: 100, height: 100, pages: 4, pixels: 40_000, limitPixels: 39_999 },
    });
    h.maxPixels = 40_000;
    expect((await byUrl(gif)).status).toBe(201);
  });
});

describe("damaged videos", () => {
  it.each(Object.entries(VIDEO_FIXTURES))(
    "refuses a truncated %s as corrupt_media, at POST /v1/media and at upload completion",
    async (ext, clip) => {
      for (const keep of [0.5, 0.9, 0.99]) {
        const cut = clip.subarray(0, Math.floor(clip.length * keep));
        expect({ ext, keep, ...refusal(await byUrl(cut)) }).toMatchObject({
          ext,
          keep,
          status: 400,
          details: { reason: "corrupt_media" },
        });
      }
      const cut = clip.subarray(0, Math.floor(clip.length * 0.8));
      const type = { mp4: "video/mp4", mov: "video/quicktime", webm: "video/webm", mkv: "video/x-matroska" }[ext]!;
      expect(refusal(await byUpload(cut, type))).toMatchObject({ status: 400, details: { reason: "corrupt_media" } });
    },
  );

  it("refuses a video whose first frames are damaged (bit rot in coded data that demuxes cleanly)", async () => {
    // clip.mp4's 4th video packet (a P-frame) is 581 bytes at 5023 (`ffprobe -show_entries
    // packet=pos,size`). Overwritten past its NAL header, every packet still demuxes; only decoding
    // the first frames finds it.
    const clip = Buffer.from(VIDEO_FIXTURES.mp4);
    clip.fill(0x5a, 5023 + 8, 5023 + 580);
    expect(refusal(await byUrl(clip))).toMatchObject({ status: 400, details: { reason: "corrupt_media" } });
  });

  it("tells a sound container without any video stream (unsupported_type) from a damaged one", async () => {
    // clip.mkv's one track made a subtitle track: TrackType 1 → 17, CodecID V_MPEG4/ISO/AVC →
    // S_TEXT/UTF8 (EBML strings may end in NUL padding). It demuxes cleanly; it is not a video.
    const mkv = Buffer.from(VIDEO_FIXTURES.mkv);
    Buffer.from("S_TEXT/UTF8\0\0\0\0", "latin1").copy(mkv, mkv.indexOf("V_MPEG4/ISO/AVC"));
    mkv[mkv.indexOf(Buffer.from([0x83, 0x81, 0x01])) + 2] = 0x11;
    const res = await byUrl(mkv);
    expect(refusal(res)).toMatchObject({ status: 400, details: { reason: "unsupported_type" } });
    expect(res.body.error.message).toBe("The file has no video stream.");
  });

  it("applies the pixel limit to video frames", async () => {
    h.maxPixels = 100_000;
    expect(refusal(await byUrl(VIDEO_FIXTURES.mp4))).toEqual({
      status: 400,
      code: "upload_failed",
      details: { reason: "too_large", width: 320, height: 568, pixels: 181_760, limitPixels: 100_000 },
    });
  });
});
