import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { imagePixelRefusal } from "../domain/media-pixels";
import { MEDIA_LIMITS } from "../domain/media-type";
import { encodeJpeg, readImageHeader } from "./image-codec";
import type { MediaStore } from "./media-store";
import { readAll } from "./read-all";

export interface JpegCopy {
  url: string;
  path: string;
  size: number;
}

/**
 * Converts a stored still image to JPEG, transparency filled white (as Soku does), and stores it
 * next to the original. Done once per media; every target then gets the same copy. The file may
 * predate verification at ingestion, so its header is checked against the pixel limit again, and
 * a file that does not decode is a `corrupt_media` refusal: every failure is a rejection.
 */
export async function storeJpegCopy(
  store: MediaStore,
  source: { path: string; size: number },
  maxPixels: number,
): Promise<JpegCopy> {
  const input = await readAll(store.read(source.path), MEDIA_LIMITS.image, source.size);
  const { header } = await readImageHeader(input);
  const refused = imagePixelRefusal(header, maxPixels);
  if (refused) throw refused;
  const jpeg = await encodeJpeg(input, header, maxPixels);
  // A path of its own per conversion: two racing conversions never overwrite each other's file.
  const path = `${source.path.replace(/\.[a-z0-9]+$/, "")}.${randomBytes(6).toString("hex")}.jpg`;
  const { url } = await store.write(path, Readable.from([jpeg]), "image/jpeg");
  return { url, path, size: jpeg.length };
}
