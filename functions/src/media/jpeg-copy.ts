import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import type { MediaStore } from "./media-store";

export interface JpegCopy {
  url: string;
  path: string;
  size: number;
}

/**
 * Converts a stored still image to JPEG, transparency filled white (as Soku does), and stores it
 * next to the original. Done once per media; every target then gets the same copy.
 */
export async function storeJpegCopy(store: MediaStore, sourcePath: string): Promise<JpegCopy> {
  const { default: sharp } = await import("sharp");
  // A path of its own per conversion: two racing conversions never overwrite each other's file.
  const path = `${sourcePath.replace(/\.[a-z0-9]+$/, "")}.${randomBytes(6).toString("hex")}.jpg`;
  const converter = sharp({ failOn: "error" }).flatten({ background: "#ffffff" }).jpeg({ quality: 90, mozjpeg: true });
  let size = 0;
  const counted = new PassThrough();
  counted.on("data", (chunk: Buffer) => (size += chunk.length));
  store.read(sourcePath).pipe(converter).pipe(counted);
  const { url } = await store.write(path, counted, "image/jpeg");
  return { url, path, size };
}
