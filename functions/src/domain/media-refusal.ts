/**
 * Why a media file was refused (`details.reason` of the 400 `upload_failed`): the address could
 * not be reached or is internal, the answer was an HTTP error, too slow, too large, or not an
 * accepted type.
 */
export type MediaRefusalReason =
  "unreachable" | "timeout" | "too_large" | "unsupported_type" | "blocked_address" | "http_error";

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
