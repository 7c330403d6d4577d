import type { Metadata, SharpOptions } from "sharp";
import { compactJpegFits, type ImageHeader } from "../domain/media-pixels";
import { MediaRefusal } from "../domain/media-refusal";

/** sharp (libvips), loaded on first use so the API's cold start does not pay for it. */
async function loadSharp() {
  const { default: sharp } = await import("sharp");
  return sharp;
}

/**
 * Decoding options for bytes already checked against the pixel limit: sequential access (strips,
 * for the formats that allow it), errors and truncation fatal (warnings are not: platforms take
 * such files), and libvips' own pixel limit as a second guard.
 */
function decoding(maxPixels: number, pages: number): SharpOptions {
  return { failOn: "error", sequentialRead: true, limitInputPixels: maxPixels, pages };
}

/**
 * The header of an image, read without decoding a pixel (so without libvips' own pixel limit,
 * which would refuse a bomb before its dimensions are known). Bytes sniffed as an accepted type
 * that libvips cannot read are damaged: `corrupt_media`.
 */
export async function readImageHeader(input: Buffer): Promise<{ header: ImageHeader; meta: Metadata }> {
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw corrupt(error);
  }
  if (!meta.width || !meta.height || !meta.format) throw corrupt(new Error("no dimensions"));
  return {
    header: {
      format: meta.format,
      width: meta.width,
      // Without `pages`, the height is one frame's.
      height: meta.height,
      pages: Math.max(1, meta.pages ?? 1),
      interlaced: meta.isProgressive ?? false,
    },
    meta,
  };
}

/**
 * Decodes every frame of an image into a sink that keeps nothing: shrunk on the fly to 8 × 8 per
 * frame, so memory stays at a strip (or a frame, for the formats decoded whole) whatever the
 * image's size. Shrink-on-load still reads every byte of JPEG and WebP entropy data, so
 * truncation and damage are found as in a full-size decode.
 */
export async function decodeImage(input: Buffer, maxPixels: number): Promise<void> {
  const sharp = await loadSharp();
  try {
    await sharp(input, decoding(maxPixels, -1)).resize(8, 8, { fit: "fill" }).raw().toBuffer();
  } catch (error) {
    throw corrupt(error);
  }
}

/**
 * The image (its first frame) as JPEG, transparency filled white (as Soku does). mozjpeg makes the
 * smallest files but holds every coefficient of the image; above COMPACT_JPEG_SHARE of the limit
 * the copy is encoded baseline, in strips, without Huffman optimisation (which would hold them too).
 */
export async function encodeJpeg(input: Buffer, header: ImageHeader, maxPixels: number): Promise<Buffer> {
  const sharp = await loadSharp();
  const encoder = compactJpegFits(header, maxPixels)
    ? { quality: 90, mozjpeg: true }
    : { quality: 90, optimiseCoding: false, progressive: false };
  try {
    return await sharp(input, decoding(maxPixels, 1)).flatten({ background: "#ffffff" }).jpeg(encoder).toBuffer();
  } catch (error) {
    throw corrupt(error);
  }
}

function corrupt(error: unknown): MediaRefusal {
  const cause = (error instanceof Error ? error.message : String(error))
    .split("\n")[0]!
    .replace(/\.+$/, "")
    .slice(0, 200);
  return new MediaRefusal("corrupt_media", `The image could not be decoded (corrupt or truncated): ${cause}.`);
}
