import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { MediaRefusal } from "../domain/media-refusal";
import { MEDIA_LIMITS, SNIFF_BYTES, sniffMediaType, type MediaType } from "../domain/media-type";
import type { NewMedia } from "../store/media-record-store";
import type { MediaStore } from "./media-store";
import { probeKind, type MediaFacts, type Prober } from "./probe";
import { safeFetch, type SafeFetchOptions } from "./safe-fetch";

export interface IngestDeps {
  store: MediaStore;
  prober: Prober;
  fetchOptions: SafeFetchOptions;
}

export interface IngestedMedia extends MediaFacts {
  path: string;
  url: string;
  type: MediaType;
  size: number;
}

/** `users/{uid}/media/{id}/{token}.{ext}`: per user, and unguessable from the id alone. */
export function mediaPath(userId: string, mediaId: string, type: MediaType): string {
  return `users/${userId}/media/${mediaId}/${randomBytes(16).toString("hex")}.${type.extension}`;
}

/**
 * Fetches a caller's URL safely (safe-fetch.ts), recognises the type from the first bytes, streams
 * the rest to the store while counting against the type's limit (50 MB images, 500 MB videos),
 * then verifies the stored file (probe.ts: the pixel limit, and decoded enough to know it is not
 * damaged). Memory stays flat whatever a video's size: only the first 4 KB are held, the rest
 * flows through with the streams' backpressure; an image is read back whole (at most 50 MB) to
 * be decoded.
 */
export async function ingestUrl(
  url: string,
  owner: { userId: string; mediaId: string },
  deps: IngestDeps,
): Promise<IngestedMedia> {
  const fetched = await safeFetch(url, deps.fetchOptions);
  const declared = fetched.contentLength;
  if (declared !== null && declared > MEDIA_LIMITS.video) {
    fetched.abort(tooLarge(MEDIA_LIMITS.video));
    throw tooLarge(MEDIA_LIMITS.video);
  }
  try {
    return await Promise.race([ingestStream(fetched.response, declared, owner, deps), fetched.deadline]);
  } catch (error) {
    fetched.abort(error instanceof MediaRefusal ? error : new MediaRefusal("unreachable", String(error)));
    throw error;
  }
}

/** The same for bytes arriving another way (a resumable upload's finished object). */
export async function ingestStream(
  source: Readable,
  declared: number | null,
  owner: { userId: string; mediaId: string },
  deps: IngestDeps,
): Promise<IngestedMedia> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const { head, done } = await readHead(iterator);
  const type = sniffMediaType(head);
  if (!type) {
    source.destroy();
    throw new MediaRefusal(
      "unsupported_type",
      "Only JPEG, PNG, GIF, WebP, MP4, MOV, WebM and MKV files are accepted (recognised from their content).",
    );
  }
  const limit = MEDIA_LIMITS[type.kind];
  if (declared !== null && declared > limit) {
    source.destroy();
    throw tooLarge(limit);
  }
  const path = mediaPath(owner.userId, owner.mediaId, type);
  const counter = { bytes: 0 };
  const body = Readable.from(limited(head, iterator, done, limit, counter));
  const { url } = await deps.store.write(path, body, type.contentType);
  try {
    const facts = await probeKind(type, deps.prober, {
      read: () => deps.store.read(path),
      source: () => deps.store.probeSource(path),
      size: counter.bytes,
    });
    return { ...facts, path, url, type, size: counter.bytes };
  } catch (error) {
    await deps.store.delete(path);
    throw error;
  }
}

async function readHead(iterator: AsyncIterator<Buffer>): Promise<{ head: Buffer; done: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) return { head: Buffer.concat(chunks), done: true };
    chunks.push(next.value);
    size += next.value.length;
  }
  return { head: Buffer.concat(chunks), done: false };
}

/** The head, then the rest of the source, failing as soon as more than `limit` bytes went by. */
async function* limited(
  head: Buffer,
  iterator: AsyncIterator<Buffer>,
  done: boolean,
  limit: number,
  counter: { bytes: number },
): AsyncGenerator<Buffer> {
  counter.bytes = head.length;
  if (counter.bytes > limit) throw tooLarge(limit);
  yield head;
  if (done) return;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    counter.bytes += next.value.length;
    if (counter.bytes > limit) throw tooLarge(limit);
    yield next.value;
  }
}

function tooLarge(limit: number): MediaRefusal {
  return new MediaRefusal("too_large", `The media is larger than ${limit / (1024 * 1024)} MB.`, { limitBytes: limit });
}

/**
 * Records ingested media through `record`; if that fails, the stored file is deleted, so no file is
 * left that no record (and so no retention entry) points to.
 */
export async function recordOrDiscard<T>(
  ingested: IngestedMedia,
  discard: (path: string) => Promise<void>,
  record: () => Promise<T>,
): Promise<T> {
  try {
    return await record();
  } catch (error) {
    await discard(ingested.path).catch(() => undefined);
    throw error;
  }
}

/** The media document of ingested bytes; `sourceUrl` is the URL they came from (null: an upload). */
export function recordOf(m: IngestedMedia, sourceUrl: string | null): NewMedia {
  return {
    url: m.url,
    path: m.path,
    contentType: m.type.contentType,
    kind: m.type.kind,
    size: m.size,
    width: m.width,
    height: m.height,
    durationSeconds: m.durationSeconds,
    codec: m.codec,
    hasAlpha: m.hasAlpha,
    sourceUrl,
  };
}
