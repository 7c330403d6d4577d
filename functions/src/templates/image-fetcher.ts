import { validationError } from "../domain/errors";
import { imagePixelRefusal } from "../domain/media-pixels";
import { MediaRefusal } from "../domain/media-refusal";
import { readImageHeader } from "../media/image-codec";
import { readAll } from "../media/read-all";
import { safeFetch, type SafeFetchOptions } from "../media/safe-fetch";

/** A template's remote image (an avatar, a background) may be at most this large. */
export const TEMPLATE_IMAGE_BYTES = 10 * 1024 * 1024;
export const TEMPLATE_IMAGE_TIMEOUT_MS = 15_000;

/**
 * An image parameter's bytes, fetched as a caller's media is (media/safe-fetch.ts: public
 * addresses only, redirects checked, timeouts) with a 10 MB limit and the pixel limit checked from
 * the header before anything decodes it. Any refusal is the caller's input being wrong: a 400 on
 * `config.<param>`, never a 5xx. (The engine branch's src/templates/fetch-image.ts does the same;
 * the lead keeps one at merge.)
 */
export function templateImageFetcher(o: {
  fetchOptions: SafeFetchOptions;
  maxPixels: () => number;
}): (url: string, param: string) => Promise<Buffer> {
  return async (url, param) => {
    try {
      // A render waits for its images: a slow origin is refused, not waited on for media's 15 minutes.
      const totalTimeoutMs = Math.min(o.fetchOptions.totalTimeoutMs, TEMPLATE_IMAGE_TIMEOUT_MS);
      const fetched = await safeFetch(url, { ...o.fetchOptions, totalTimeoutMs });
      try {
        const bytes = await Promise.race([
          readAll(fetched.response, TEMPLATE_IMAGE_BYTES, fetched.contentLength),
          fetched.deadline,
        ]);
        const { header } = await readImageHeader(bytes);
        const refusal = imagePixelRefusal(header, o.maxPixels());
        if (refusal) throw refusal;
        return bytes;
      } catch (error) {
        fetched.abort(error instanceof MediaRefusal ? error : new MediaRefusal("unreachable", String(error)));
        throw error;
      }
    } catch (error) {
      if (!(error instanceof MediaRefusal)) throw error;
      throw validationError([
        { field: `config.${param}`, reason: error.reason, message: `'config.${param}': ${error.message}` },
      ]);
    }
  };
}
