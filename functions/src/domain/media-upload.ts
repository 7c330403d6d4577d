import { z } from "zod";
import { validationError } from "./errors";
import { acceptedMediaType, MEDIA_LIMITS, type MediaType } from "./media-type";
import { MediaRefusal } from "./media-refusal";
import { zodIssues } from "./zod-issues";

/**
 * How long an upload session may take from creation to completion. Cloud Storage keeps a resumable
 * session a week; Postcast refuses to complete one after this and the retention job then removes
 * whatever was uploaded.
 */
export const UPLOAD_SESSION_TTL_MS = 24 * 3600_000;

export const uploadRequest = z
  .object({
    contentType: z.string().min(1).max(100),
    size: z.number().int().positive(),
    fileName: z.string().min(1).max(255).optional(),
  })
  .strict();

export interface UploadRequest {
  type: MediaType;
  size: number;
  fileName: string | null;
}

/**
 * The body of POST /v1/media/uploads: the file's type and exact size, declared up front so the
 * storage session refuses a byte more. The bytes are still sniffed and counted at completion.
 */
export function parseUploadRequest(body: unknown): UploadRequest {
  const parsed = uploadRequest.safeParse(body ?? {});
  if (!parsed.success) throw validationError(zodIssues(parsed.error, body));
  const type = acceptedMediaType(parsed.data.contentType);
  if (!type) {
    throw new MediaRefusal(
      "unsupported_type",
      "Only JPEG, PNG, GIF, WebP, MP4, MOV, WebM and MKV files are accepted.",
      { contentType: parsed.data.contentType },
    );
  }
  const limit = MEDIA_LIMITS[type.kind];
  if (parsed.data.size > limit) {
    throw new MediaRefusal("too_large", `The media is larger than ${limit / (1024 * 1024)} MB.`, { limitBytes: limit });
  }
  return { type, size: parsed.data.size, fileName: parsed.data.fileName ?? null };
}
