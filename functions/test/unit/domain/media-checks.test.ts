import type { KnownMedia } from "../../../src/domain/post-model";
import { mediaViolations, needsJpeg } from "../../../src/domain/media-checks";
import { PLATFORM_RULES } from "../../../src/domain/platform-rules";

const MB = 1024 * 1024;
const video = (over: Partial<KnownMedia>): KnownMedia => ({
  kind: "video",
  format: "video/mp4",
  size: 10 * MB,
  width: 1080,
  height: 1920,
  durationSeconds: 30,
  ...over,
});
const image = (over: Partial<KnownMedia>): KnownMedia => ({
  kind: "image",
  format: "jpeg",
  size: MB,
  width: 1080,
  height: 1080,
  durationSeconds: null,
  ...over,
});
const rules = (p: keyof typeof PLATFORM_RULES) => PLATFORM_RULES[p].media;
const names = (v: { rule: string }[]) => v.map((x) => x.rule);

describe("probed media against a platform's limits", () => {
  it("passes media within every limit", () => {
    expect(mediaViolations("instagram", rules("instagram"), video({}), "the video")).toEqual([]);
    expect(mediaViolations("instagram", rules("instagram"), image({}), "image 1")).toEqual([]);
  });
  it("names duration, size and aspect problems of a video", () => {
    expect(names(mediaViolations("snapchat", rules("snapchat"), video({ durationSeconds: 2 }), "the video"))).toEqual([
      "video_duration",
    ]);
    expect(names(mediaViolations("x", rules("x"), video({ size: 600 * MB }), "the video"))).toEqual(["video_size"]);
    expect(names(mediaViolations("snapchat", rules("snapchat"), video({ width: 1920, height: 1080 }), "v"))).toEqual([
      "video_aspect_ratio",
    ]);
  });
  it("names format, size and aspect problems of an image", () => {
    const v = mediaViolations(
      "instagram",
      rules("instagram"),
      image({ format: "gif", size: 9 * MB, width: 3000, height: 1000 }),
      "image 2",
    );
    expect(names(v)).toEqual(["image_format", "image_size", "image_aspect_ratio"]);
    expect(v[0]!.message).toMatch(/^instagram: image 2 is GIF/);
  });
  it("skips what was not probed", () => {
    expect(
      mediaViolations("snapchat", rules("snapchat"), video({ durationSeconds: null, width: null, height: null }), "v"),
    ).toEqual([]);
  });
});

describe("JPEG conversion", () => {
  it("converts PNG and WebP when a target takes JPEG but not them", () => {
    expect(needsJpeg("png", [rules("instagram").imageFormats])).toBe(true);
    expect(needsJpeg("webp", [rules("x").imageFormats, rules("instagram").imageFormats])).toBe(true);
    expect(needsJpeg("png", [rules("x").imageFormats, rules("threads").imageFormats])).toBe(false);
    expect(needsJpeg("gif", [rules("instagram").imageFormats])).toBe(false);
    expect(needsJpeg("jpeg", [rules("instagram").imageFormats])).toBe(false);
  });
});
