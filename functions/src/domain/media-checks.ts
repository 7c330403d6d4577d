import type { MediaFacts } from "./platform-rules";
import type { KnownMedia, RuleFinding } from "./post-model";

const MB = 1024 * 1024;
const mb = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;
const ratio = (r: number) => (Math.round(r * 100) / 100).toString();

/**
 * A platform's documented limits on probed media: format, size, duration and aspect ratio. Only
 * media Postcast has probed (its own copies) can be checked when the post is created; other URLs
 * are checked by the platform when it fetches them.
 */
export function mediaViolations(platform: string, limits: MediaFacts, media: KnownMedia, where: string): RuleFinding[] {
  const out: RuleFinding[] = [];
  const add = (rule: string, message: string) => out.push({ rule, message: `${platform}: ${where} ${message}` });
  const aspect = media.width && media.height ? media.width / media.height : null;
  if (media.kind === "image") {
    if (!limits.imageFormats.includes(media.format)) {
      add(
        "image_format",
        `is ${media.format.toUpperCase()}; ${platform} takes ${limits.imageFormats.join(", ").toUpperCase() || "no images"}.`,
      );
    }
    if (media.size > limits.maxImageBytes) add("image_size", `is ${mb(media.size)}, over ${mb(limits.maxImageBytes)}.`);
    const range = limits.imageAspect;
    if (range && aspect !== null && (aspect < range[0] || aspect > range[1])) {
      add(
        "image_aspect_ratio",
        `has aspect ratio ${ratio(aspect)}; ${platform} takes ${ratio(range[0])} to ${ratio(range[1])}.`,
      );
    }
    return out;
  }
  if (media.size > limits.maxVideoBytes) add("video_size", `is ${mb(media.size)}, over ${mb(limits.maxVideoBytes)}.`);
  const [min, max] = limits.videoSeconds;
  if (media.durationSeconds !== null && (media.durationSeconds < min || media.durationSeconds > max)) {
    add("video_duration", `lasts ${media.durationSeconds} s; ${platform} takes ${min} to ${max} s.`);
  }
  const range = limits.videoAspect;
  if (range && aspect !== null && (aspect < range[0] || aspect > range[1])) {
    add(
      "video_aspect_ratio",
      `has aspect ratio ${ratio(aspect)}; ${platform} takes ${ratio(range[0])} to ${ratio(range[1])}.`,
    );
  }
  return out;
}

/**
 * Whether a still image should be converted to JPEG once for every target: PNG and WebP are
 * converted (transparency filled white, as Soku does) when some target takes JPEG but not them.
 */
export function needsJpeg(format: string, targetsFormats: readonly (readonly string[])[]): boolean {
  if (format !== "png" && format !== "webp") return false;
  return targetsFormats.some((formats) => formats.includes("jpeg") && !formats.includes(format));
}
