import {
  compactJpegFits,
  DEFAULT_MAX_PIXELS,
  imagePixelRefusal,
  videoPixelRefusal,
  type ImageHeader,
} from "../../../src/domain/media-pixels";

const header = (h: Partial<ImageHeader>): ImageHeader => ({
  format: "png",
  width: 1000,
  height: 1000,
  pages: 1,
  interlaced: false,
  ...h,
});

describe("the pixel limit", () => {
  it("defaults to 50 MP: an 8,660 × 5,773 photo passes, a 16,383² PNG does not", () => {
    expect(DEFAULT_MAX_PIXELS).toBe(50_000_000);
    expect(imagePixelRefusal(header({ format: "jpeg", width: 8_660, height: 5_773 }), DEFAULT_MAX_PIXELS)).toBeNull();
    const bomb = imagePixelRefusal(header({ width: 16_383, height: 16_383 }), DEFAULT_MAX_PIXELS);
    expect(bomb).toMatchObject({
      reason: "too_large",
      details: { width: 16_383, height: 16_383, pixels: 268_402_689, limitPixels: 50_000_000 },
    });
    expect(bomb!.message).toBe("The image has 268.4 MP pixels; at most 50 MP are accepted.");
  });

  it("is inclusive", () => {
    expect(imagePixelRefusal(header({ width: 100, height: 100 }), 10_000)).toBeNull();
    expect(imagePixelRefusal(header({ width: 100, height: 101 }), 10_000)).not.toBeNull();
  });

  it("counts every frame of an animation, and names the frames", () => {
    const gif = header({ format: "gif", width: 100, height: 100, pages: 5 });
    expect(imagePixelRefusal(gif, 50_000)).toBeNull();
    expect(imagePixelRefusal(gif, 49_999)).toMatchObject({
      details: { width: 100, height: 100, pages: 5, pixels: 50_000, limitPixels: 49_999 },
    });
  });

  it.each([
    ["WebP", { format: "webp" }],
    ["GIF", { format: "gif" }],
    ["progressive JPEG", { format: "jpeg", interlaced: true }],
    ["interlaced PNG", { format: "png", interlaced: true }],
  ])("gives %s, decoded whole, a quarter of it per frame", (_name, h) => {
    expect(imagePixelRefusal(header({ ...h, width: 50, height: 50 }), 10_000)).toBeNull();
    expect(imagePixelRefusal(header({ ...h, width: 50, height: 51 }), 10_000)).toMatchObject({
      reason: "too_large",
      details: { pixels: 2_550, limitPixels: 2_500 },
    });
  });

  it("leaves baseline JPEG and PNG, decoded in strips, the whole limit", () => {
    expect(imagePixelRefusal(header({ format: "jpeg", width: 100, height: 100 }), 10_000)).toBeNull();
    expect(imagePixelRefusal(header({ format: "png", width: 100, height: 100 }), 10_000)).toBeNull();
  });

  it("applies to video frames", () => {
    expect(videoPixelRefusal(7_680, 4_320, DEFAULT_MAX_PIXELS)).toBeNull();
    expect(videoPixelRefusal(10_000, 5_001, DEFAULT_MAX_PIXELS)).toMatchObject({
      reason: "too_large",
      details: { width: 10_000, height: 5_001, pixels: 50_010_000, limitPixels: 50_000_000 },
    });
  });

  it("keeps mozjpeg's whole-image encoder to images up to a sixteenth of the limit", () => {
    expect(compactJpegFits(header({ width: 2_500, height: 1_250 }), DEFAULT_MAX_PIXELS)).toBe(true);
    expect(compactJpegFits(header({ width: 2_500, height: 1_251 }), DEFAULT_MAX_PIXELS)).toBe(false);
  });
});
