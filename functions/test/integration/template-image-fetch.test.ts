/**
 * A template's image parameter (an avatar, a background) is fetched like a caller's media, with
 * the template limits, and every refusal is the caller's input being wrong: a 400 on
 * `config.<param>`, never a 5xx. Against a real HTTP origin on a loopback port.
 */
import sharp from "sharp";
import { AppError } from "../../src/domain/errors";
import { SAFE_FETCH_DEFAULTS } from "../../src/media/safe-fetch";
import { TEMPLATE_IMAGE_BYTES, templateImageFetcher } from "../../src/templates/image-fetcher";
import { MediaOrigin } from "../support/media-origin";

const origin = new MediaOrigin();
beforeAll(() => origin.start());
afterAll(() => origin.stop());

const fetcher = (o: { loopback?: boolean; maxPixels?: number } = {}) =>
  templateImageFetcher({
    fetchOptions: { ...SAFE_FETCH_DEFAULTS, loopbackOrigins: o.loopback === false ? [] : "any" },
    maxPixels: () => o.maxPixels ?? 50_000_000,
  });

async function refusal(promise: Promise<unknown>) {
  const error: unknown = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  const e = error as AppError;
  return { code: e.code, field: e.details.field, reason: e.details.reason };
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#123456" } })
    .png()
    .toBuffer();

describe("templateImageFetcher", () => {
  it("answers an image's bytes", async () => {
    const bytes = await png(64, 48);
    const url = origin.serve(`ok-${Date.now()}.png`, bytes);
    await expect(fetcher()(url, "avatar")).resolves.toEqual(bytes);
  });

  it("refuses an internal address, a 404, a non-image, too many bytes and too many pixels, on config.<param>", async () => {
    const url = origin.serve(`internal-${Date.now()}.png`, await png(8, 8));
    expect(await refusal(fetcher({ loopback: false })(url, "avatar"))).toEqual({
      code: "validation_error",
      field: "config.avatar",
      reason: "blocked_address",
    });
    expect(await refusal(fetcher()(`${origin.url}/served/missing.png`, "avatar"))).toMatchObject({
      field: "config.avatar",
      reason: "http_error",
    });
    const text = origin.serve(`text-${Date.now()}.png`, Buffer.from("not an image at all, just text".repeat(10)));
    expect(await refusal(fetcher()(text, "background"))).toMatchObject({
      field: "config.background",
      reason: "corrupt_media",
    });
    const huge = origin.serve(`huge-${Date.now()}.bin`, Buffer.alloc(TEMPLATE_IMAGE_BYTES + 1));
    expect(await refusal(fetcher()(huge, "background"))).toMatchObject({
      field: "config.background",
      reason: "too_large",
    });
    const big = origin.serve(`big-${Date.now()}.png`, await png(200, 200));
    expect(await refusal(fetcher({ maxPixels: 10_000 })(big, "avatar"))).toMatchObject({
      field: "config.avatar",
      reason: "too_large",
    });
    expect(await refusal(fetcher()("ftp://example.com/a.png", "avatar"))).toMatchObject({
      field: "config.avatar",
      reason: "unreachable",
    });
  });
});
