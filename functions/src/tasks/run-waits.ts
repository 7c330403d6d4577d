import { PLATFORM_NAMES, type Platform } from "../domain/platforms";
import type { PublishCap } from "../domain/publish-caps";
import { duration, megabytes, type RunWait, type UploadProgress } from "../domain/run-waiting";
import type { RunError } from "../store/records";
import { MAX_PUBLISH_ATTEMPTS } from "./queue-options";

/** The waits a delivery leaves a run in, with the sentence each shows (domain/run-waiting.ts). */
export const runWaits = {
  uploading(platform: Platform, contentType: string, progress: UploadProgress): RunWait {
    const what = contentType.startsWith("video/") ? "the video" : "the image";
    return {
      reason: "uploading",
      message: `Uploading ${what} to ${PLATFORM_NAMES[platform]}: ${megabytes(progress)}.`,
      until: null,
      progress,
    };
  },

  pacing(platform: Platform, cap: PublishCap, until: Date): RunWait {
    return {
      reason: "pacing",
      message: `${PLATFORM_NAMES[platform]} allows ${cap.limit} post${cap.limit === 1 ? "" : "s"} per account in ${duration(cap.windowSeconds)}; this one is sent when the window has room.`,
      until,
    };
  },

  /** After attempt `attempt` failed with `error` and will be tried again at about `until`. */
  retry(error: RunError, attempt: number, until: Date): RunWait {
    const of = `attempt ${attempt} of ${MAX_PUBLISH_ATTEMPTS}`;
    if (error.code === "rate_limited") {
      return { reason: "rate_limited", message: `Throttled (${of}): ${error.message}`, until };
    }
    if (error.code === "outcome_unknown") {
      return {
        reason: "retry_backoff",
        message: `The answer to ${of} was lost: the next attempt asks the platform what it holds before sending anything again. (${error.message})`,
        until,
      };
    }
    return { reason: "retry_backoff", message: `Failed (${of}), will be tried again: ${error.message}`, until };
  },
};
