import { needsJpeg, type KnownMedia } from "../domain/media-checks";
import { mediaIdsIn } from "../domain/media-refs";
import { MediaRefusal } from "../domain/media-refusal";
import { PLATFORM_RULES } from "../domain/platform-rules";
import type { NormalizedPostRequest } from "../domain/post-request";
import type { MediaRecord } from "../store/media-record-store";
import type { JpegCopy } from "./jpeg-copy";

/** What finding a post's own media needs: the records, and the JPEG copy made once per media. */
export interface OwnMediaDeps {
  records: { get(userId: string, mediaId: string): Promise<MediaRecord | null> };
  jpegCopy: (userId: string, mediaId: string, media: MediaRecord) => Promise<JpegCopy>;
}

export interface OwnMedia {
  /** The request with PNG/WebP images replaced by their JPEG copy where a target needs JPEG. */
  request: NormalizedPostRequest;
  /** Original URL → its JPEG copy's, to apply to another version of the same request. */
  rewrites: ReadonlyMap<string, string>;
  /** What Postcast probed of the post's media, by URL, for the platforms' rules. */
  known: ReadonlyMap<string, KnownMedia>;
}

const FORMATS: Record<string, string> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
};

function known(record: MediaRecord): KnownMedia {
  return {
    kind: record.kind,
    format: FORMATS[record.contentType] ?? record.contentType,
    size: record.size,
    width: record.width,
    height: record.height,
    durationSeconds: record.durationSeconds,
  };
}

/**
 * The post's own media (URLs of media the user stored through POST /v1/media): their probed facts
 * for the create-time checks, and a JPEG copy, made once and reused by every target, of each PNG or
 * WebP image that a target takes only as JPEG. Other URLs are left as they are.
 */
export async function ownMedia(
  deps: { media: OwnMediaDeps },
  userId: string,
  request: NormalizedPostRequest,
  options: { convert: boolean } = { convert: true },
): Promise<OwnMedia> {
  const content = request.post.content;
  const urls = [...content.imageUrls, ...(content.videoUrl ? [content.videoUrl] : [])];
  const byUrl = new Map<string, KnownMedia>();
  const rewrites = new Map<string, string>();
  const ids = mediaIdsIn(urls, userId);
  if (ids.length === 0) return { request, known: byUrl, rewrites };
  const records = new Map(
    (await Promise.all(ids.map(async (id) => [id, await deps.media.records.get(userId, id)] as const))).filter(
      (e): e is readonly [string, MediaRecord] => e[1] !== null,
    ),
  );
  const formats = content.platform.map((t) => PLATFORM_RULES[t.platform].media.imageFormats);
  await Promise.all(
    content.imageUrls.map(async (url) => {
      const id = mediaIdsIn([url], userId)[0];
      const record = id ? records.get(id) : undefined;
      if (!id || !record) return url;
      if (!needsJpeg(known(record).format, formats)) {
        byUrl.set(url, known(record));
        return url;
      }
      // A dry run stores nothing: it checks the image as the JPEG it would become.
      if (!options.convert && !record.jpeg) {
        byUrl.set(url, { ...known(record), format: "jpeg" });
        return url;
      }
      const copy = record.jpeg ?? (await jpegCopyOf(deps.media, userId, id, record));
      byUrl.set(copy.url, { ...known(record), format: "jpeg", size: copy.size });
      rewrites.set(url, copy.url);
      return copy.url;
    }),
  );
  for (const url of content.videoUrl ? [content.videoUrl] : []) {
    const id = mediaIdsIn([url], userId)[0];
    const record = id ? records.get(id) : undefined;
    if (record) byUrl.set(url, known(record));
  }
  return { request: withRewrites(request, rewrites), known: byUrl, rewrites };
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
  return { ...request, post: { ...request.post, content: { ...content, imageUrls } } };
}
