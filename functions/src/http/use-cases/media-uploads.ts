import { randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../domain/errors";
import { MediaRefusal, uploadFailed } from "../../domain/media-refusal";
import { parseUploadRequest, UPLOAD_SESSION_TTL_MS } from "../../domain/media-upload";
import type { Owner } from "../../domain/owner";
import type { MediaUpload } from "../../store/media-upload-store";
import type { MediaRecord } from "../../store/media-record-store";
import type { AppDeps } from "../deps";
import { recordOf, recordOrDiscard } from "../../media/ingest";

export const uploadViewSchema = z
  .object({
    id: z.string(),
    state: z.enum(["open", "completing", "completed", "failed"]),
    contentType: z.string(),
    size: z.number().int(),
    fileName: z.string().optional(),
    uploadUrl: z.string().optional().meta({ description: "Where to PUT the bytes: in the creator's answer only." }),
    method: z.literal("PUT").optional(),
    completeUrl: z.string(),
    mediaId: z.string().optional(),
    failure: z.object({ reason: z.string(), message: z.string() }).optional(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "Upload" });
export type UploadView = z.output<typeof uploadViewSchema>;

/**
 * The answer of POST and GET /v1/media/uploads/{id}; the upload URL only to the creator. Both URLs
 * are absolute (`apiUrl` is where the API is reached from outside), so a client follows either as given.
 */
export function uploadView(id: string, u: MediaUpload, withUrl: boolean, apiUrl: string): UploadView {
  return {
    id,
    state: u.state,
    contentType: u.contentType,
    size: u.size,
    ...(u.fileName ? { fileName: u.fileName } : {}),
    ...(withUrl ? { uploadUrl: u.uploadUrl, method: "PUT" } : {}),
    completeUrl: `${apiUrl}/v1/media/uploads/${id}/complete`,
    ...(u.mediaId ? { mediaId: u.mediaId } : {}),
    ...(u.failure ? { failure: u.failure } : {}),
    createdAt: u.createdAt.toDate().toISOString(),
    expiresAt: u.expiresAt.toDate().toISOString(),
  };
}

/** Where a session's bytes wait until completion: apart from media, per user, unguessable. */
function uploadPath(userId: string, uploadId: string): string {
  return `uploads/${userId}/${uploadId}/${randomBytes(16).toString("hex")}`;
}

/**
 * POST /v1/media/uploads: opens a resumable session for a file too large to pass through a URL
 * (a Cloud Storage resumable session in production; the local store's equivalent on the stack).
 */
export async function createUpload(deps: AppDeps, caller: Owner, input: { body: unknown }) {
  let request;
  try {
    request = parseUploadRequest(input.body);
  } catch (error) {
    if (error instanceof MediaRefusal) throw uploadFailed(error);
    throw error;
  }
  const id = deps.newId();
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + UPLOAD_SESSION_TTL_MS);
  const path = uploadPath(caller.userId, id);
  const contentType = request.type.contentType;
  const uploadUrl = await deps.media.store.openUpload({ path, contentType, size: request.size, expiresAt });
  const upload = await deps.media.uploads.create(
    caller,
    id,
    { contentType, size: request.size, fileName: request.fileName, path, uploadUrl },
    now,
    expiresAt,
  );
  return { id, upload };
}

/** GET /v1/media/uploads/{id}: the session, to a key of the mode that opened it. */
export async function getUpload(deps: AppDeps, caller: Owner, input: { id: string }): Promise<MediaUpload> {
  const upload = await deps.media.uploads.visibleTo(caller, input.id);
  if (!upload) throw new AppError("not_found", `No upload ${input.id}.`);
  return upload;
}

/**
 * POST /v1/media/uploads/{id}/complete: the uploaded bytes become media like a fetched URL's
 * (type sniffed, size counted, probed), copied to the media's own path, in the mode of the key
 * that opened the session. Repeatable: a completed upload answers its media again; a refused one
 * its refusal. A session the other mode opened is not found.
 */
export async function completeUpload(
  deps: AppDeps,
  caller: Owner,
  input: { id: string },
): Promise<{ media: MediaRecord; created: boolean }> {
  const { id } = input;
  const claim = await deps.media.uploads.claimCompletion(caller, id, deps.clock());
  switch (claim.kind) {
    case "missing":
      throw new AppError("not_found", `No upload ${id}.`);
    case "completed": {
      const media = await deps.media.records.visibleTo(caller, claim.mediaId);
      if (!media) throw new AppError("not_found", `The media of upload ${id} was deleted.`);
      return { media, created: false };
    }
    case "failed":
      throw new AppError("upload_failed", claim.failure.message, { reason: claim.failure.reason });
    case "in_progress":
      throw new AppError("conflict", "This upload is being completed by another request; retry shortly.", {
        status: "completing",
      });
    case "expired":
      throw new AppError("conflict", "This upload session has expired; open a new one.", { status: "expired" });
    case "ready":
      return { media: await ingestUpload(deps, caller, id, claim.upload), created: true };
  }
}

async function ingestUpload(deps: AppDeps, owner: Owner, id: string, upload: MediaUpload): Promise<MediaRecord> {
  const { userId } = owner;
  const stored = await deps.media.store.size(upload.path);
  if (stored === null || stored < upload.size) {
    await deps.media.uploads.release(userId, id);
    throw new AppError("conflict", "The upload has not finished: send the remaining bytes to the upload URL first.", {
      status: "uploading",
      size: upload.size,
    });
  }
  let ingested;
  try {
    ingested = await deps.media.ingestUpload(upload.path, upload.size, { userId, mediaId: id });
  } catch (error) {
    if (!(error instanceof MediaRefusal)) {
      await deps.media.uploads.release(userId, id);
      throw error;
    }
    await deps.media.uploads.fail(userId, id, { reason: error.reason, message: error.message });
    await discardObject(deps, userId, id, upload.path);
    throw uploadFailed(error);
  }
  const now = deps.clock();
  const media = await recordOrDiscard(
    ingested,
    (path) => deps.media.store.delete(path),
    () =>
      deps.media.records.create(
        owner,
        id,
        recordOf(ingested, null),
        { now, expiresAt: new Date(now.getTime() + deps.media.retentionMs()) },
        { uploadId: id },
      ),
  ).catch(async (error: unknown) => {
    await deps.media.uploads.release(userId, id);
    throw error;
  });
  await discardObject(deps, userId, id, upload.path);
  return media;
}

/** The session's object is copied (or refused): delete it, then its retention entry. */
async function discardObject(deps: AppDeps, userId: string, id: string, path: string): Promise<void> {
  await deps.media.store.delete(path);
  await deps.media.uploads.forgetObject(userId, id);
}
