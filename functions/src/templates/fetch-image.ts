import { DEFAULT_MAX_PIXELS, imagePixelRefusal } from "../domain/media-pixels";
import { MediaRefusal } from "../domain/media-refusal";
import { validationError } from "../domain/errors";
import { readImageHeader } from "../media/image-codec";
import { readAll } from "../media/read-all";
import { SAFE_FETCH_DEFAULTS, safeFetch, type SafeFetchOptions } from "../media/safe-fetch";

/** An avatar or a background is a picture, not a video: 10 MB is plenty and bounds a render's memory. */
export const TEMPLATE_IMAGE_MAX_BYTES = 10 * 1024 * 1024;
/** A render waits this long at most for one image (the request is waiting too). */
export const TEMPLATE_IMAGE_TIMEOUT_MS = 15_000;

export interface TemplateImageOptions {
  fetchOptions?: SafeFetchOptions;
  maxBytes?: number;
  maxPixels?: number;
}

/**
 * The `fetchImage` of renderTemplate's deps: the media safe fetch (no internal addresses, checked
 * redirects), at most `maxBytes`, an image whose header is within the pixel limit. A refusal is
 * the caller's mistake: a 400 validation_error on `config.<param>` with the refusal's reason.
 */
export function templateImageFetcher(options: TemplateImageOptions = {}) {
  const fetchOptions = options.fetchOptions ?? SAFE_FETCH_DEFAULTS;
  const maxBytes = options.maxBytes ?? TEMPLATE_IMAGE_MAX_BYTES;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  return async function fetchImage(url: string, param: string): Promise<Buffer> {
    try {
      const fetched = await safeFetch(url, {
        ...fetchOptions,
        totalTimeoutMs: Math.min(fetchOptions.totalTimeoutMs, TEMPLATE_IMAGE_TIMEOUT_MS),
      });
      let bytes: Buffer;
      try {
        if (fetched.contentLength !== null && fetched.contentLength > maxBytes) {
          throw new MediaRefusal("too_large", `The image is larger than ${maxBytes / (1024 * 1024)} MB.`);
        }
        bytes = await Promise.race([readAll(fetched.response, maxBytes, fetched.contentLength), fetched.deadline]);
      } catch (error) {
        fetched.abort(error instanceof MediaRefusal ? error : new MediaRefusal("unreachable", String(error)));
        throw error;
      }
      const { header } = await readImageHeader(bytes);
      const refusal = imagePixelRefusal(header, maxPixels);
      if (refusal) throw refusal;
      return bytes;
    } catch (error) {
      throw imageRefused(param, error);
    }
  };
}

/** Any failure to get or read a parameter's image, as the 400 that names the parameter. */
export function imageRefused(param: string, error: unknown): Error {
  const refusal =
    error instanceof MediaRefusal ? error : new MediaRefusal("corrupt_media", "The image could not be read.");
  return validationError([
    { field: `config.${param}`, reason: refusal.reason, message: `config.${param}: ${refusal.message}` },
  ]);
}
