import { execFile } from "node:child_process";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { MediaRefusal } from "../domain/media-refusal";
import type { MediaKind } from "../domain/media-type";

const run = promisify(execFile);

/** What Postcast knows of a stored file, for the API answer and the platforms' rules. */
export interface MediaFacts {
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  /** The video codec (h264, hevc, vp9, av1…), or the image format. */
  codec: string | null;
  hasAlpha: boolean;
}

export interface Prober {
  image(body: Readable): Promise<MediaFacts>;
  video(source: string): Promise<MediaFacts>;
}

/**
 * Images through sharp (libvips: dimensions without decoding the pixels), videos through ffprobe
 * (a static binary installed from npm, reading the stored file or its URL and seeking only to the
 * headers it needs). Both are loaded on first use, so the API's cold start does not pay for them.
 */
export class MediaProber implements Prober {
  constructor(private readonly timeoutMs = 60_000) {}

  async image(body: Readable): Promise<MediaFacts> {
    const { default: sharp } = await import("sharp");
    const reader = sharp({ failOn: "error" });
    body.pipe(reader);
    try {
      const meta = await reader.metadata();
      if (!meta.width || !meta.height) throw new Error("no dimensions");
      return {
        width: meta.autoOrient?.width ?? meta.width,
        height: meta.autoOrient?.height ?? meta.height,
        durationSeconds: null,
        codec: meta.format ?? null,
        hasAlpha: meta.hasAlpha ?? false,
      };
    } catch {
      throw new MediaRefusal("unsupported_type", "The image could not be read (corrupt or truncated).");
    }
  }

  async video(source: string): Promise<MediaFacts> {
    const { path } = (await import("@ffprobe-installer/ffprobe")) as { path: string };
    let stdout: string;
    try {
      ({ stdout } = await run(path, ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", source], {
        timeout: this.timeoutMs,
        maxBuffer: 4 * 1024 * 1024,
      }));
    } catch {
      throw new MediaRefusal("unsupported_type", "The video could not be read (corrupt, truncated or not a video).");
    }
    const probed = JSON.parse(stdout) as {
      streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; duration?: string }[];
      format?: { duration?: string };
    };
    const video = probed.streams?.find((s) => s.codec_type === "video");
    if (!video?.width || !video.height) {
      throw new MediaRefusal("unsupported_type", "The file has no video stream.");
    }
    const duration = Number(probed.format?.duration ?? video.duration);
    return {
      width: video.width,
      height: video.height,
      durationSeconds: Number.isFinite(duration) ? Math.round(duration * 1000) / 1000 : null,
      codec: video.codec_name ?? null,
      hasAlpha: false,
    };
  }
}

export function probeKind(kind: MediaKind, prober: Prober, read: () => Readable, source: () => Promise<string>) {
  return kind === "image" ? prober.image(read()) : source().then((s) => prober.video(s));
}
