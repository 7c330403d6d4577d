import type { Readable } from "node:stream";
import { MediaRefusal } from "../domain/media-refusal";

/**
 * The whole of a stream, refused once more than `limit` bytes arrived. Read through its async
 * iterator, so an error anywhere in the source rejects here (never an unhandled 'error' event) and
 * the source is destroyed when reading stops early.
 */
export async function readAll(source: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new MediaRefusal("too_large", `The media is larger than ${limit / (1024 * 1024)} MB.`, {
        limitBytes: limit,
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
