import { MediaRefusal } from "./media-refusal";

/**
 * The pixel limit (MEDIA_MAX_PIXELS): a file's byte size says nothing of what decoding it costs
 * (a 300 KB PNG can declare 16,383 × 16,383 pixels, 1.8 GB to convert), so dimensions are checked
 * from the header before anything decodes. 50 MP takes any camera's photo.
 */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/**
 * libvips streams baseline JPEG and non-interlaced PNG through in strips, but must hold some
 * images whole while decoding them: WebP (the whole picture, about 8 bytes a pixel when converted),
 * GIF (each frame, about 5), progressive JPEG (every DCT coefficient, about 3.5) and interlaced PNG
 * (about 3.5). Those get this share of the limit: at 50 MP they would need 170 to 500 MB each
 * (bench/media-limits.ts), at 12.5 MP none needs more than about 120 MB.
 */
export const WHOLE_IMAGE_SHARE = 0.25;

/**
 * mozjpeg's smallest files need every coefficient of the image at once (about 7 bytes a pixel,
 * on top of a WebP's whole picture), so a JPEG copy is made with it only up to this share of the
 * limit (3.1 MP at the default, more than Instagram shows: 1440 × 1800); larger ones are encoded
 * baseline in strips, into files about 20 % larger.
 */
export const COMPACT_JPEG_SHARE = 1 / 16;

/** What an image's header says, before any pixel is decoded. */
export interface ImageHeader {
  /** jpeg, png, gif, webp. */
  format: string;
  width: number;
  /** The height of one frame. */
  height: number;
  /** Frames of an animation (1 for a still image). */
  pages: number;
  /** Progressive JPEG or interlaced (Adam7) PNG. */
  interlaced: boolean;
}

/** Whether decoding the image holds a whole frame in memory instead of a strip of it. */
export function decodedWhole(header: ImageHeader): boolean {
  return header.format === "webp" || header.format === "gif" || header.interlaced;
}

/** The limit on one frame of this image. */
export function framePixelLimit(header: ImageHeader, maxPixels: number): number {
  return decodedWhole(header) ? Math.floor(maxPixels * WHOLE_IMAGE_SHARE) : maxPixels;
}

/**
 * The refusal of an image with too many pixels (every frame of an animation counts), or of a
 * frame too large for a format decoded whole; null when it may be decoded.
 */
export function imagePixelRefusal(header: ImageHeader, maxPixels: number): MediaRefusal | null {
  const frame = header.width * header.height;
  const total = frame * header.pages;
  const animated = header.pages > 1 ? { pages: header.pages } : {};
  const dims = { width: header.width, height: header.height, ...animated };
  if (total > maxPixels) {
    const frames = header.pages > 1 ? ` in ${header.pages} frames` : "";
    return tooManyPixels(`The image has ${mp(total)} pixels${frames}; at most ${mp(maxPixels)} are accepted.`, {
      ...dims,
      pixels: total,
      limitPixels: maxPixels,
    });
  }
  const limit = framePixelLimit(header, maxPixels);
  if (frame > limit) {
    const kind = header.interlaced ? `interlaced ${header.format.toUpperCase()}` : header.format.toUpperCase();
    return tooManyPixels(
      `The image is ${header.width} × ${header.height} (${mp(frame)}); ${kind} images are decoded whole, so at most ${mp(limit)} are accepted.`,
      { ...dims, pixels: frame, limitPixels: limit },
    );
  }
  return null;
}

/** The refusal of a video whose frames have more pixels than the limit; null when they fit. */
export function videoPixelRefusal(width: number, height: number, maxPixels: number): MediaRefusal | null {
  const pixels = width * height;
  if (pixels <= maxPixels) return null;
  return tooManyPixels(
    `The video's frames are ${width} × ${height} (${mp(pixels)}); at most ${mp(maxPixels)} are accepted.`,
    { width, height, pixels, limitPixels: maxPixels },
  );
}

/** Whether the JPEG copy of this image may be made with mozjpeg (see COMPACT_JPEG_SHARE). */
export function compactJpegFits(header: ImageHeader, maxPixels: number): boolean {
  return header.width * header.height <= Math.floor(maxPixels * COMPACT_JPEG_SHARE);
}

function tooManyPixels(message: string, details: Record<string, unknown>): MediaRefusal {
  return new MediaRefusal("too_large", message, details);
}

function mp(pixels: number): string {
  return `${Math.round(pixels / 100_000) / 10} MP`;
}
