import type { KnownMedia, NormalizedPostRequest } from "../domain/post-model";
import { needsJpeg } from "../domain/media-checks";
import { validationError } from "../domain/errors";
import { MediaRefusal } from "../domain/media-refusal";
import { inWorldOf, modeOf, type Owner } from "../domain/owner";
import { PLATFORM_RULES } from "../domain/platform-rules";
import type { MediaRecord } from "../store/media-record-store";
import type { JpegCopy } from "./jpeg-copy";
import { matchStoredMedia, type MediaRecordReader, type StoredMediaRef } from "./stored-media-urls";

/** What finding a post's own media needs: the records, and the JPEG copy made once per media. */
export interface OwnMediaDeps {
  records: MediaRecordReader;
  jpegCopy: (userId: string, mediaId: string, media: MediaRecord) => Promise<JpegCopy>;
}

export interface OwnMedia {
  /**
   * The request naming each own media by the URL the store gave it, with PNG/WebP images replaced
   * by their JPEG copy where a target needs JPEG.
   */
  request: NormalizedPostRequest;
  /** Caller's URL → the URL put in its place, to apply to another version of the same request. */
  rewrites: ReadonlyMap<string, string>;
  /** What Postcast probed of the post's media, by URL, for the platforms' rules. */
  known: ReadonlyMap<string, KnownMedia>;
  /** The media id of every own URL (the caller's and the ones put in their place). */
  mediaIds: ReadonlyMap<string, string>;
}

export interface OwnMediaOptions {
  /** false: a dry run stores nothing, so no JPEG copy is made (the image is checked as the JPEG it would become). */
  convert?: boolean;
  /** URLs already resolved to the owner's stored media (a request's mediaIds): not looked up again. */
  resolved?: ReadonlyMap<string, StoredMediaRef>;
}

const FORMATS: Record<string, string> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
};

function known(ref: StoredMediaRef): KnownMedia {
  const { record } = ref;
  return {
    kind: record.kind,
    format: FORMATS[ref.contentType] ?? ref.contentType,
    size: ref.size,
    width: record.width,
    height: record.height,
    durationSeconds: record.durationSeconds,
  };
}

export function mediaUrlsOf(request: NormalizedPostRequest): string[] {
  const content = request.post.content;
  return [...content.imageUrls, ...(content.videoUrl ? [content.videoUrl] : [])];
}

/**
 * The post's own media (resolveStoredMedia: URLs equal to one the store gave the user, stored with
 * a key of the post's mode): their probed facts for the create-time checks, their canonical URLs,
 * and a JPEG copy, made once and reused by every target, of each PNG or WebP image that a target
 * takes only as JPEG. Other URLs are left as they are (rehosted at orchestration), but the user's
 * media of the other mode are refused with a 400 naming them: a test post must not keep a live
 * media from deletion or give it a JPEG copy, nor a live post publish what a test key stored.
 * (At orchestration there are none left: media-preparation.ts rehosts whatever is not own.)
 */
export async function ownMedia(
  deps: { media: OwnMediaDeps },
  owner: Owner,
  request: NormalizedPostRequest,
  options: OwnMediaOptions = {},
): Promise<OwnMedia> {
  const { userId } = owner;
  const content = request.post.content;
  const byUrl = new Map<string, KnownMedia>();
  const rewrites = new Map<string, string>();
  const mediaIds = new Map<string, string>();
  const resolved = options.resolved ?? new Map<string, StoredMediaRef>();
  const unresolved = mediaUrlsOf(request).filter((url) => !resolved.has(url));
  const refs = new Map([...resolved, ...(await matchStoredMedia(deps.media.records, userId, unresolved))]);
  refuseOtherMode(owner, request, refs);
  if (refs.size === 0) return { request, known: byUrl, rewrites, mediaIds };
  const use = (url: string, ref: StoredMediaRef, finalUrl: string, facts: KnownMedia) => {
    mediaIds.set(url, ref.mediaId).set(finalUrl, ref.mediaId);
    byUrl.set(finalUrl, facts);
    if (finalUrl !== url) rewrites.set(url, finalUrl);
  };
  const formats = content.platform.map((t) => PLATFORM_RULES[t.platform].media.imageFormats);
  await Promise.all(
    content.imageUrls.map(async (url) => {
      const ref = refs.get(url);
      if (!ref) return;
      const facts = known(ref);
      if (ref.copy === "jpeg" || !needsJpeg(facts.format, formats)) return use(url, ref, ref.url, facts);
      // A dry run stores nothing: it checks the image as the JPEG it would become.
      if (options.convert === false && !ref.record.jpeg) return use(url, ref, ref.url, { ...facts, format: "jpeg" });
      const copy = ref.record.jpeg ?? (await jpegCopyOf(deps.media, userId, ref.mediaId, ref.record));
      use(url, ref, copy.url, { ...facts, format: "jpeg", size: copy.size });
    }),
  );
  const video = content.videoUrl ? refs.get(content.videoUrl) : undefined;
  if (content.videoUrl && video) use(content.videoUrl, video, video.url, known(video));
  return { request: withRewrites(request, rewrites), known: byUrl, rewrites, mediaIds };
}

/** A 400 naming every URL of the request that is the user's media of the other mode. */
function refuseOtherMode(
  owner: Owner,
  request: NormalizedPostRequest,
  matched: ReadonlyMap<string, StoredMediaRef>,
): void {
  const content = request.post.content;
  const fields = [
    ...content.imageUrls.map((url, i) => ({ url, field: `post.content.imageUrls[${i}]` })),
    ...(content.videoUrl ? [{ url: content.videoUrl, field: "post.content.videoUrl" }] : []),
  ];
  const issues = fields.flatMap(({ url, field }) => {
    const ref = matched.get(url);
    if (!ref || inWorldOf(owner, ref.record)) return [];
    return [
      {
        field,
        reason: "other_mode",
        message: `Media ${ref.mediaId} belongs to ${modeOf(ref.record)} keys; a ${owner.mode} post uses only media stored with ${owner.mode} keys.`,
      },
    ];
  });
  if (issues.length > 0) throw validationError(issues);
}

/** The JPEG copy; a refusal (a file that does not decode) names the media. */
async function jpegCopyOf(deps: OwnMediaDeps, userId: string, id: string, record: MediaRecord): Promise<JpegCopy> {
  try {
    return await deps.jpegCopy(userId, id, record);
  } catch (error) {
    if (!(error instanceof MediaRefusal)) throw error;
    throw new MediaRefusal(error.reason, `Media ${id} cannot be converted to JPEG. ${error.message}`, {
      ...error.details,
      mediaId: id,
    });
  }
}

export function withRewrites(
  request: NormalizedPostRequest,
  rewrites: ReadonlyMap<string, string>,
): NormalizedPostRequest {
  if (rewrites.size === 0) return request;
  const content = request.post.content;
  const imageUrls = content.imageUrls.map((u) => rewrites.get(u) ?? u);
  const videoUrl = content.videoUrl ? (rewrites.get(content.videoUrl) ?? content.videoUrl) : content.videoUrl;
  return { ...request, post: { ...request.post, content: { ...content, imageUrls, videoUrl } } };
}

/** The ids of the user's stored media a request names, as found by ownMedia: kept until the post has published. */
export function ownMediaIds(request: NormalizedPostRequest, own: OwnMedia): string[] {
  return [...new Set(mediaUrlsOf(request).flatMap((url) => own.mediaIds.get(url) ?? []))];
}
