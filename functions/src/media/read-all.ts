import type { Readable } from "node:stream";
import { MediaRefusal } from "../domain/media-refusal";

/**
 * The whole of a stream, refused once more than `limit` bytes arrived. Read through its async
 * iterator, so an error anywhere in the source rejects here (never an unhandled 'error' event) and
 * the source is destroyed when reading stops early. With the size known (`expected`), the bytes
 * are copied into one buffer as they arrive instead of being joined at the end, which would hold
 * them twice.
 */
export async function readAll(source: Readable, limit: number, expected: number | null = null): Promise<Buffer> {
  let into = expected !== null && expected <= limit ? Buffer.allocUnsafe(expected) : null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) {
      throw new MediaRefusal("too_large", `The media is larger than ${limit / (1024 * 1024)} MB.`, {
        limitBytes: limit,
      });
    }
    if (into && size + chunk.length <= into.length) chunk.copy(into, size);
    else {
      // More than announced: keep what was copied, and join the rest at the end.
      if (into) chunks.push(into.subarray(0, size));
      into = null;
      chunks.push(chunk);
    }
    size += chunk.length;
  }
  return into ? into.subarray(0, size) : Buffer.concat(chunks, size);
}
