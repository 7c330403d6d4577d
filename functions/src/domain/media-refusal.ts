import { AppError } from "./errors";

/**
 * Why a media file was refused (`details.reason` of the 400 `upload_failed`): the address could
 * not be reached or is internal, the answer was an HTTP error, too slow, too large (in bytes or in
 * pixels), not an accepted type, or a file of an accepted type that is damaged (truncated, bit
 * rot: it does not decode).
 */
export type MediaRefusalReason =
  "unreachable" | "timeout" | "too_large" | "unsupported_type" | "corrupt_media" | "blocked_address" | "http_error";

export class MediaRefusal extends Error {
  constructor(
    readonly reason: MediaRefusalReason,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "MediaRefusal";
  }
}

/** The API's answer to a refusal: `400 upload_failed` with the reason and its details. */
export function uploadFailed(refusal: MediaRefusal): AppError {
  return new AppError("upload_failed", refusal.message, { reason: refusal.reason, ...refusal.details });
}
