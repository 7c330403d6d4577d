import { candidateMediaId, sameStoredUrl } from "../domain/media-refs";
import { inWorldOf, type Owner } from "../domain/owner";
import type { MediaRecord } from "../store/media-record-store";

/** A URL that is one of the user's stored media: the original file or its JPEG copy. */
export interface StoredMediaRef {
  mediaId: string;
  record: MediaRecord;
  copy: "original" | "jpeg";
  /** The URL the store gave it (the caller's may carry another download token). */
  url: string;
  /** Where the store keeps the bytes. */
  path: string;
  size: number;
  contentType: string;
}

export interface MediaRecordReader {
  get(userId: string, mediaId: string): Promise<MediaRecord | null>;
}

/**
 * Which of `urls` are the owner's own stored media. A URL counts only when it equals the URL of
 * one of the user's media records, or of that record's JPEG copy (media-refs.ts: origin and path,
 * bucket included), stored by a key of the owner's mode (domain/owner.ts). Everything else is
 * somebody else's URL: rehosted through safe fetching before a platform sees it, and never
 * fetched by a publisher. This is the one rule for create-time checks, rehosting, the media a post
 * keeps from deletion and what publishers read.
 */
export async function resolveStoredMedia(
  records: MediaRecordReader,
  owner: Owner,
  urls: readonly string[],
): Promise<Map<string, StoredMediaRef>> {
  const all = await matchStoredMedia(records, owner.userId, urls);
  return new Map([...all].filter(([, ref]) => inWorldOf(owner, ref.record)));
}

/**
 * The URLs of `urls` that are the user's stored media (by the rule above), whichever mode stored
 * them: a post is refused one of the other mode's (media/own-media.ts) rather than taking it for
 * somebody else's URL.
 */
export async function matchStoredMedia(
  records: MediaRecordReader,
  userId: string,
  urls: readonly string[],
): Promise<Map<string, StoredMediaRef>> {
  const candidates = new Map<string, string>();
  for (const url of urls) {
    const id = candidateMediaId(url, userId);
    if (id) candidates.set(url, id);
  }
  const ids = [...new Set(candidates.values())];
  const found = new Map(await Promise.all(ids.map(async (id) => [id, await records.get(userId, id)] as const)));
  const resolved = new Map<string, StoredMediaRef>();
  for (const [url, mediaId] of candidates) {
    const record = found.get(mediaId);
    if (!record) continue;
    if (sameStoredUrl(url, record.url)) {
      resolved.set(url, originalRef(mediaId, record));
    } else if (record.jpeg && sameStoredUrl(url, record.jpeg.url)) {
      const { jpeg } = record;
      resolved.set(url, {
        mediaId,
        record,
        copy: "jpeg",
        url: jpeg.url,
        path: jpeg.path,
        size: jpeg.size,
        contentType: "image/jpeg",
      });
    }
  }
  return resolved;
}

/** A stored media's original file, as a post names it. */
export function originalRef(mediaId: string, record: MediaRecord): StoredMediaRef {
  return {
    mediaId,
    record,
    copy: "original",
    url: record.url,
    path: record.path,
    size: record.size,
    contentType: record.contentType,
  };
}
