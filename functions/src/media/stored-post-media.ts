import { Transform, pipeline, type Readable } from "node:stream";
import type { Owner } from "../domain/owner";
import { PublishError } from "../domain/publish-error";
import type { PostMedia, StoredFile } from "../platforms/post-media";
import type { MediaStore } from "./media-store";
import { resolveStoredMedia, type MediaRecordReader } from "./stored-media-urls";

/**
 * What a publisher reads of a post's media: the stored files of the post's user and mode, resolved
 * from the post's URLs by the one rule (resolveStoredMedia) and read from the store by path, a
 * range at a time. A publisher never fetches a URL.
 */
export function storedPostMedia(deps: { records: MediaRecordReader; store: MediaStore }, owner: Owner): PostMedia {
  return {
    async open(url: string): Promise<StoredFile> {
      const ref = (await resolveStoredMedia(deps.records, owner, [url])).get(url);
      if (!ref) {
        throw new PublishError(
          "rejected",
          `The media ${shown(url)} is not one of the user's stored media; only Postcast's own copies are uploaded.`,
        );
      }
      const size = await deps.store.size(ref.path);
      if (size === null) {
        throw new PublishError("rejected", `The stored file of media ${ref.mediaId} no longer exists.`);
      }
      return {
        url: ref.url,
        contentType: ref.contentType,
        size,
        range: (start, end) => ({
          length: end - start,
          open: () => exactly(deps.store.read(ref.path, { start, end }), end - start),
        }),
      };
    },
  };
}

/** The URL without its query (a download token) for messages. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`.slice(0, 200);
  } catch {
    return JSON.stringify(url.slice(0, 200));
  }
}

/**
 * Passes `source` through, failing it if it yields more or fewer than `length` bytes: a request
 * that declared its Content-Length must not send a short body (the platform would wait for the rest).
 */
function exactly(source: Readable, length: number): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > length) return done(new Error(`the stored file has more than the ${length} bytes expected`));
      done(null, chunk);
    },
    flush(done) {
      done(seen === length ? null : new Error(`the stored file ended after ${seen} of ${length} bytes`));
    },
  });
  return pipeline(source, counter, () => undefined);
}
