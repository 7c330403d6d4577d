import { z } from "zod";
import { AppError, validationError } from "../../domain/errors";
import { idempotencyIdentity, IDEMPOTENCY_TTL_MS } from "../../domain/idempotency";
import { MediaRefusal, uploadFailed } from "../../domain/media-refusal";
import type { Owner } from "../../domain/owner";
import { recordOf, recordOrDiscard, type IngestedMedia } from "../../media/ingest";
import type { MediaRecord } from "../../store/media-record-store";
import type { AppDeps } from "../deps";

export const mediaViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    durationSeconds: z.number().optional(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "Media" });
export type MediaView = z.output<typeof mediaViewSchema>;

/** The answer of POST and GET /v1/media: Soku's fields, the dimensional ones only where they apply. */
export function mediaView(id: string, m: MediaRecord): MediaView {
  return {
    id,
    url: m.url,
    contentType: m.contentType,
    size: m.size,
    ...(m.width !== null ? { width: m.width } : {}),
    ...(m.height !== null ? { height: m.height } : {}),
    ...(m.durationSeconds !== null ? { durationSeconds: m.durationSeconds } : {}),
    createdAt: m.createdAt.toDate().toISOString(),
    expiresAt: m.expireAt.toDate().toISOString(),
  };
}

/** POST /v1/media's body. Which URLs may be fetched is decided when fetching (media/safe-fetch.ts). */
export const createMediaBody = z.strictObject({
  url: z.string().min(1).max(4096).meta({ description: "The http(s) URL of an image or video to rehost." }),
});

/**
 * POST /v1/media: rehosts a URL. Idempotent like POST /v1/posts (the Idempotency-Key header, or a
 * key derived from the body): a retry gets the same media instead of a second download; a request
 * still in flight with the same key is a 409.
 */
export async function createMedia(
  deps: AppDeps,
  caller: Owner,
  input: { idempotencyKey: string | undefined; body: unknown },
): Promise<{ id: string; media: MediaRecord; replayed: boolean }> {
  const { body } = input;
  const parsed = createMediaBody.safeParse(body);
  if (!parsed.success) {
    const extra = body && typeof body === "object" ? Object.keys(body).filter((k) => k !== "url") : [];
    throw validationError([
      extra.length > 0
        ? { field: extra[0]!, reason: "unknown_field", message: `Unknown field '${extra[0]!}'.` }
        : { field: "url", reason: "required", message: "url is required: the http(s) URL of an image or video." },
    ]);
  }
  const { url } = parsed.data;
  const idem = idempotencyIdentity(caller.userId, caller.mode, input.idempotencyKey, { url });
  return makeMediaOnce(deps, caller, idem, { sourceUrl: url }, (owner) => deps.media.ingest(url, owner));
}

/**
 * Makes one media under an idempotency identity, as POST /v1/media and POST /v1/templates both do:
 * the request's record is claimed first, so a retry gets the same media back (`replayed`), the same
 * key with another body or still in flight is a 409, and a failure releases the claim so the request
 * can be made again. `produce` stores the file (refusals become 400 upload_failed).
 */
export async function makeMediaOnce(
  deps: AppDeps,
  caller: Owner,
  idem: { recordId: string; fingerprint: string },
  source: { sourceUrl: string | null },
  produce: (owner: { userId: string; mediaId: string }) => Promise<IngestedMedia>,
): Promise<{ id: string; media: MediaRecord; replayed: boolean }> {
  const now = deps.clock();
  const records = deps.media.records;
  const claim = await records.claim(
    caller.userId,
    idem.recordId,
    idem.fingerprint,
    deps.newId(),
    now,
    IDEMPOTENCY_TTL_MS,
  );
  if (claim.kind === "conflict") {
    throw new AppError(
      "idempotency_conflict",
      claim.reason === "different_body"
        ? "This Idempotency-Key was already used with a different request body. Use a new key for a different request."
        : "A request with this Idempotency-Key is still being processed; retry once it has finished.",
    );
  }
  if (claim.kind === "replay") {
    const media = await records.visibleTo(caller, claim.mediaId);
    if (media) return { id: claim.mediaId, media, replayed: true };
  }
  let ingested: IngestedMedia;
  try {
    ingested = await produce({ userId: caller.userId, mediaId: claim.mediaId });
  } catch (error) {
    await records.release(caller.userId, idem.recordId);
    if (error instanceof MediaRefusal) throw uploadFailed(error);
    throw error;
  }
  const media = await recordOrDiscard(
    ingested,
    (path) => deps.media.store.delete(path),
    () =>
      records.create(
        caller,
        claim.mediaId,
        recordOf(ingested, source.sourceUrl),
        { now, expiresAt: new Date(now.getTime() + deps.media.retentionMs()) },
        { requestId: idem.recordId },
      ),
  ).catch(async (error: unknown) => {
    await records.release(caller.userId, idem.recordId);
    throw error;
  });
  return { id: claim.mediaId, media, replayed: false };
}

/**
 * GET /v1/media/{id}: the media, to a key of the mode that stored it (the other mode's is not
 * found: domain/owner.ts).
 */
export async function getMedia(deps: AppDeps, caller: Owner, input: { id: string }): Promise<MediaRecord> {
  const media = await deps.media.records.visibleTo(caller, input.id);
  if (!media) throw new AppError("not_found", `No media ${input.id}.`);
  return media;
}

/** DELETE /v1/media/{id}: refused while a post that has not published yet uses it. */
export async function deleteMedia(deps: AppDeps, caller: Owner, input: { id: string }): Promise<void> {
  const { id } = input;
  const { userId } = caller;
  const media = await getMedia(deps, caller, input);
  const users = await deps.media.pendingPostsUsing(userId, id);
  if (users.length > 0) {
    throw new AppError("conflict", "This media is used by a post that has not been published yet.", {
      postSubmissionIds: users,
    });
  }
  await deps.media.store.delete(media.path);
  if (media.jpeg) await deps.media.store.delete(media.jpeg.path);
  await deps.media.records.delete(userId, id);
}
