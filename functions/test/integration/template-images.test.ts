import { AppError } from "../../src/domain/errors";
import { SAFE_FETCH_DEFAULTS } from "../../src/media/safe-fetch";
import { templateImageFetcher } from "../../src/templates/fetch-image";
import { MediaOrigin } from "../support/media-origin";
import { pixelBomb } from "../support/media-samples";

/**
 * Template images (avatar, background) come from a caller's URL through the media safe fetch:
 * every refusal is a 400 validation_error on `config.<param>`, never a 5xx.
 */
const origin = new MediaOrigin();
beforeAll(() => origin.start());
afterAll(() => origin.stop());

const fetchImage = templateImageFetcher({
  fetchOptions: { ...SAFE_FETCH_DEFAULTS, loopbackOrigins: "any" },
  maxPixels: 20_000_000,
});

async function refusal(url: string): Promise<{ status: number; field: unknown; reason: unknown }> {
  const error = await fetchImage(url, "avatar").then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const app = error as AppError;
  return { status: app.status, field: app.details.field, reason: app.details.reason };
}

describe("templateImageFetcher", () => {
  it("returns an image's bytes", async () => {
    const bytes = await fetchImage(`${origin.url}/files/photo.jpg`, "avatar");
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it.each([
    ["an HTTP error", "/status/404", "http_error"],
    ["a body over 10 MB", "/big/image?bytes=11000000", "too_large"],
    ["a body over 10 MB of undeclared length", "/big/image?bytes=11000000&length=no", "too_large"],
    ["bytes that are not an image", "/page.html", "corrupt_media"],
  ])("refuses %s as a 400 on config.avatar", async (_name, pathname, reason) => {
    expect(await refusal(`${origin.url}${pathname}`)).toEqual({ status: 400, field: "config.avatar", reason });
  });

  it("refuses an image with more pixels than the limit before decoding it", async () => {
    const url = origin.serve("bomb.png", await pixelBomb(6000, 6000));
    expect(await refusal(url)).toEqual({ status: 400, field: "config.avatar", reason: "too_large" });
  });

  it("refuses internal addresses (without the tests' loopback allowance)", async () => {
    const strict = templateImageFetcher();
    const error = (await strict(`${origin.url}/files/photo.jpg`, "background").catch((e: unknown) => e)) as AppError;
    expect([error.status, error.details.field, error.details.reason]).toEqual([
      400,
      "config.background",
      "blocked_address",
    ]);
  });
});
