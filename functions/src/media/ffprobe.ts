import { execFile } from "node:child_process";
import type { MediaType } from "../domain/media-type";

export interface FfprobeResult {
  stdout: string;
  stderr: string;
  /** null when ffprobe died of a signal (a crash on the input). */
  exitCode: number | null;
}

/** A run stopped by Postcast: past its deadline (killed), or writing more than it may. */
export class FfprobeStopped extends Error {
  constructor(readonly why: "timeout" | "output") {
    super(why === "timeout" ? "ffprobe ran past its deadline" : "ffprobe wrote more than its output bound");
  }
}

/**
 * The arguments that make ffprobe read `source` and nothing else. Protocols are restricted to what
 * the source needs (`file` for the local store's path, http(s) for a Cloud Storage URL), and the
 * demuxer is forced to the sniffed container, so the bytes cannot make ffprobe a playlist (HLS,
 * DASH), a concat script or an image sequence that opens other files or URLs; external data
 * references of QuickTime files (drefs) stay off. Nested opens inherit the whitelist.
 */
export function isolatedInput(source: string, type: MediaType): string[] {
  const remote = /^https?:\/\//i.test(source);
  const protocols = !remote ? "file" : /^https:/i.test(source) ? "https,tls,tcp" : "http,tcp";
  const quicktime = isQuickTime(type);
  return [
    "-protocol_whitelist",
    protocols,
    "-f",
    quicktime ? "mov" : "matroska",
    ...(quicktime ? ["-enable_drefs", "0", "-use_absolute_path", "0"] : []),
    "-i",
    remote ? source : `file:${source}`,
  ];
}

/** MP4 and MOV: ffprobe's `mov` demuxer (the others accepted are Matroska's). */
export function isQuickTime(type: MediaType): boolean {
  return type.contentType === "video/mp4" || type.contentType === "video/quicktime";
}

/**
 * Runs the static ffprobe from npm (loaded on first use) with a hard deadline, after which the
 * process is killed with SIGKILL, and a bound on what it may write (beyond it, killed too).
 */
export async function runFfprobe(
  args: readonly string[],
  limits: { timeoutMs: number; maxOutputBytes: number },
): Promise<FfprobeResult> {
  const { path } = (await import("@ffprobe-installer/ffprobe")) as { path: string };
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      {
        timeout: Math.max(1, limits.timeoutMs),
        killSignal: "SIGKILL",
        maxBuffer: limits.maxOutputBytes,
        encoding: "utf8",
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr, exitCode: 0 });
        if ((error.code as unknown) === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER")
          return reject(new FfprobeStopped("output"));
        if (error.killed) return reject(new FfprobeStopped("timeout"));
        if (typeof error.code === "number") return resolve({ stdout, stderr, exitCode: error.code });
        if (error.signal) return resolve({ stdout, stderr, exitCode: null });
        // Not started at all (a missing binary): a fault of the deployment, not of the file.
        reject(new Error(`ffprobe could not run: ${error.message}`));
      },
    );
  });
}
