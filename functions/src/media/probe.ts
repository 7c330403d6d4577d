import type { Readable } from "node:stream";
import { DEFAULT_MAX_PIXELS, imagePixelRefusal, videoPixelRefusal } from "../domain/media-pixels";
import { MediaRefusal } from "../domain/media-refusal";
import { MEDIA_LIMITS, type MediaType } from "../domain/media-type";
import { FfprobeStopped, isolatedInput, isQuickTime, runFfprobe, type FfprobeResult } from "./ffprobe";
import { decodeImage, readImageHeader } from "./image-codec";
import { readAll } from "./read-all";

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
  /** `size`, when known, spares holding the bytes twice while reading them. */
  image(body: Readable, size?: number | null): Promise<MediaFacts>;
  video(source: string, type: MediaType): Promise<MediaFacts>;
}

export interface ProberOptions {
  /** The pixel limit (MEDIA_MAX_PIXELS), read when a file is probed. */
  maxPixels?: () => number;
  /** The whole verification of one video, both ffprobe runs included. */
  videoTimeoutMs?: number;
}

/** Frames decoded at the start of a video: its first key frame and what depends on it. */
const VIDEO_DECODED_FRAMES = 10;
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
// No single allocation beyond this: a damaged size field cannot make ffprobe ask for gigabytes.
const FFPROBE_MAX_ALLOC = String(256 * 1024 * 1024);

interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  nb_frames?: string;
  nb_read_packets?: string;
}

/**
 * Verifies a stored file by decoding enough of it to know it is sound, not only its header, and
 * says what it is. Images: the header first (no pixel decoded) against the pixel limit, then every
 * frame decoded through sharp into a sink. Videos: ffprobe demuxes every packet (a truncated or
 * damaged container shows there) and decodes the first frames (damaged codec data shows there),
 * isolated to the one file under a hard deadline (ffprobe.ts).
 */
export class MediaProber implements Prober {
  private readonly maxPixels: () => number;
  private readonly videoTimeoutMs: number;

  constructor(options: ProberOptions = {}) {
    this.maxPixels = options.maxPixels ?? (() => DEFAULT_MAX_PIXELS);
    this.videoTimeoutMs = options.videoTimeoutMs ?? 120_000;
  }

  async image(body: Readable, size: number | null = null): Promise<MediaFacts> {
    const input = await readAll(body, MEDIA_LIMITS.image, size);
    const { header, meta } = await readImageHeader(input);
    const maxPixels = this.maxPixels();
    const refused = imagePixelRefusal(header, maxPixels);
    if (refused) throw refused;
    await decodeImage(input, maxPixels);
    return {
      width: meta.autoOrient?.width ?? meta.width ?? null,
      height: meta.autoOrient?.height ?? meta.height ?? null,
      durationSeconds: null,
      codec: meta.format ?? null,
      hasAlpha: meta.hasAlpha ?? false,
    };
  }

  async video(source: string, type: MediaType): Promise<MediaFacts> {
    const deadline = Date.now() + this.videoTimeoutMs;
    const input = isolatedInput(source, type);
    const run = (args: string[]) => this.ffprobe([...args, ...input], deadline, source);

    // Every packet read; a QuickTime file's edit list ignored, so every sample its index lists
    // must be there (an edit list may legitimately leave some out of what is played).
    const demuxed = await run([
      "-count_packets",
      ...(isQuickTime(type) ? ["-ignore_editlist", "1"] : []),
      "-show_entries",
      "stream=codec_type,codec_name,width,height,nb_frames,nb_read_packets",
    ]);
    const streams = parsed<{ streams?: ProbedStream[] }>(demuxed).streams ?? [];
    const video = streams.find((s) => s.codec_type === "video");
    if (!video && streams.length > 0 && streams.every((s) => known(s) && packets(s) > 0)) {
      throw new MediaRefusal("unsupported_type", "The file has no video stream.");
    }
    if (!video?.width || !video.height || !known(video)) throw corruptVideo("it has no readable video stream");
    const read = packets(video);
    const indexed = Number(video.nb_frames);
    if (read === 0) throw corruptVideo("its video stream holds no frames");
    if (Number.isFinite(indexed) && read < indexed) {
      throw corruptVideo(`${read} of the ${indexed} frames its index lists could be read`);
    }
    const refused = videoPixelRefusal(video.width, video.height, this.maxPixels());
    if (refused) throw refused;

    const decoded = await run([
      "-threads",
      "1",
      "-select_streams",
      "v:0",
      "-read_intervals",
      `%+#${VIDEO_DECODED_FRAMES}`,
      "-show_entries",
      "format=duration:stream=duration:frame=key_frame",
    ]);
    const played = parsed<{ frames?: unknown[]; streams?: ProbedStream[]; format?: { duration?: string } }>(decoded);
    if ((played.frames ?? []).length === 0) throw corruptVideo("its first frames do not decode");

    const duration = Number(played.format?.duration ?? played.streams?.[0]?.duration);
    return {
      width: video.width,
      height: video.height,
      durationSeconds: Number.isFinite(duration) ? Math.round(duration * 1000) / 1000 : null,
      codec: video.codec_name ?? null,
      hasAlpha: false,
    };
  }

  /**
   * One ffprobe run within what is left of the deadline. `-v error` prints only errors, and any
   * error from the demuxer or the decoder is taken as damage: sound files print none.
   */
  private async ffprobe(args: string[], deadline: number, source: string): Promise<FfprobeResult> {
    const timeoutMs = deadline - Date.now();
    let result: FfprobeResult;
    try {
      if (timeoutMs <= 0) throw new FfprobeStopped("timeout");
      result = await runFfprobe(["-v", "error", "-max_alloc", FFPROBE_MAX_ALLOC, "-of", "json", ...args], {
        timeoutMs,
        maxOutputBytes: MAX_OUTPUT_BYTES,
      });
    } catch (error) {
      if (!(error instanceof FfprobeStopped)) throw error;
      if (error.why === "timeout") {
        throw new MediaRefusal("timeout", `The video could not be verified within ${this.videoTimeoutMs / 1000} s.`);
      }
      throw corruptVideo("ffprobe's description of it is larger than any sound video's");
    }
    const complaint = firstLine(result.stderr, source);
    if (result.exitCode !== 0 || complaint) throw corruptVideo(complaint || "ffprobe could not read it");
    return result;
  }
}

function parsed<T>(result: FfprobeResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw corruptVideo("ffprobe's description of it is not readable");
  }
}

function known(stream: ProbedStream): boolean {
  return stream.codec_name !== undefined && stream.codec_name !== "unknown" && stream.codec_name !== "none";
}

function packets(stream: ProbedStream): number {
  const n = Number(stream.nb_read_packets);
  return Number.isFinite(n) ? n : 0;
}

/**
 * ffprobe's first complaint, without the input's name (a path, or a URL carrying its download
 * token) and the addresses it prints: `[h264 @ 0x…] msg` becomes `h264: msg`.
 */
function firstLine(stderr: string, source: string): string {
  const line = stderr
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!line) return "";
  return line
    .split(`file:${source}`)
    .join("the file")
    .split(source)
    .join("the file")
    .replace(/^\[([^\]@]+?) @ 0x[0-9a-f]+\]\s*/i, "$1: ")
    .replace(/\.+$/, "")
    .slice(0, 200);
}

function corruptVideo(why: string): MediaRefusal {
  return new MediaRefusal("corrupt_media", `The video could not be decoded (corrupt or truncated): ${why}.`);
}

/** Probes a stored file of a sniffed type: images from their bytes, videos where ffprobe can read them. */
export function probeKind(
  type: MediaType,
  prober: Prober,
  stored: { read: () => Readable; source: () => Promise<string>; size: number },
): Promise<MediaFacts> {
  return type.kind === "image"
    ? prober.image(stored.read(), stored.size)
    : stored.source().then((s) => prober.video(s, type));
}
