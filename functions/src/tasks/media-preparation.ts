import type { NormalizedPostRequest } from "../domain/post-model";
import { sha256Hex } from "../domain/canonical-json";
import { MediaRefusal } from "../domain/media-refusal";
import type { Owner } from "../domain/owner";
import { recordOf, recordOrDiscard, type IngestedMedia } from "../media/ingest";
import { mediaUrlsOf, ownMedia, ownMediaIds, type OwnMediaDeps } from "../media/own-media";
import { resolveStoredMedia } from "../media/stored-media-urls";
import type { MediaRecord, MediaRecordStore } from "../store/media-record-store";
import type { SubmissionRecord } from "../store/records";

export interface MediaPreparationDeps extends OwnMediaDeps {
  records: MediaRecordStore;
  ingest: (url: string, owner: { userId: string; mediaId: string }) => Promise<IngestedMedia>;
  /** Removes a stored file (a copy that lost a race with a concurrent delivery). */
  discard: (path: string) => Promise<void>;
  retentionMs: () => number;
  clock: () => Date;
}

/** Derived from the post and the URL, so a redelivered task finds the copy it already made. */
export function rehostedMediaId(postSubmissionId: string, url: string): string {
  return `rh_${sha256Hex(`${postSubmissionId}\n${url}`).slice(0, 40)}`;
}

/**
 * Refusals that another attempt may overcome (a slow or failing server); the others (an internal
 * address, a file too large or of a refused type, a 4xx) will be refused again.
 */
export function mayRecover(refusal: MediaRefusal): boolean {
  if (refusal.reason === "timeout" || refusal.reason === "unreachable") return true;
  const status = Number(refusal.details.status);
  return refusal.reason === "http_error" && (status >= 500 || status === 408 || status === 429);
}

/**
 * Before fan-out, every media URL of a live post that is not the user's own stored media (equal to
 * a URL the store gave them: resolveStoredMedia) is rehosted once (safely fetched, sniffed, probed,
 * stored like POST /v1/media's), so every platform gets the same stable copy and publishers only
 * ever read the store; a PNG or WebP bound for a JPEG-only platform gets its JPEG copy. Returns the
 * request naming the copies (own media by their canonical URL) and the media ids the post now uses,
 * or null when there was nothing to change.
 */
export async function prepareMedia(
  postSubmissionId: string,
  submission: SubmissionRecord,
  deps: MediaPreparationDeps,
): Promise<{ request: NormalizedPostRequest; mediaIds: string[] } | null> {
  const request = submission.request;
  const content = request.post.content;
  const urls = mediaUrlsOf(request);
  if (urls.length === 0) return null;
  const own = await resolveStoredMedia(deps.records, submission, urls);
  const external = [...new Set(urls.filter((u) => !own.has(u)))];

  const copies = new Map<string, { id: string; media: MediaRecord }>();
  // One at a time: each may be hundreds of megabytes, and memory must stay flat.
  for (const url of external) {
    const id = rehostedMediaId(postSubmissionId, url);
    copies.set(url, { id, media: await rehost(url, id, submission, deps) });
  }
  const rehosted: NormalizedPostRequest = {
    ...request,
    post: {
      ...request.post,
      content: {
        ...content,
        imageUrls: content.imageUrls.map((u) => copies.get(u)?.media.url ?? u),
        videoUrl: content.videoUrl ? (copies.get(content.videoUrl)?.media.url ?? content.videoUrl) : null,
      },
    },
  };
  const converted = await ownMedia({ media: deps }, submission, rehosted);
  if (external.length === 0 && converted.rewrites.size === 0) return null;
  return { request: converted.request, mediaIds: ownMediaIds(converted.request, converted) };
}

/** The copy is the post's: it belongs to the post's user and mode. */
async function rehost(url: string, mediaId: string, owner: Owner, deps: MediaPreparationDeps): Promise<MediaRecord> {
  const { userId } = owner;
  const earlier = await deps.records.get(userId, mediaId);
  if (earlier) return earlier;
  const ingested = await deps.ingest(url, { userId, mediaId });
  const now = deps.clock();
  try {
    return await recordOrDiscard(ingested, deps.discard, () =>
      deps.records.create(
        owner,
        mediaId,
        recordOf(ingested, url),
        { now, expiresAt: new Date(now.getTime() + deps.retentionMs()) },
        null,
      ),
    );
  } catch (error) {
    // A concurrent delivery stored the same media first (ours is discarded): use its copy.
    const winner = await deps.records.get(userId, mediaId);
    if (!winner) throw error;
    return winner;
  }
}
