import { errorFromResponse, networkError, PostcastError } from "./errors";
import type { Media, Upload } from "./types";

export type UploadData = Blob | ArrayBuffer | Uint8Array;

export interface UploadOptions {
  /** The bytes' type (`video/mp4`, `image/png`…). Default: the Blob's or File's own type. */
  contentType?: string;
  /** Default: a File's name. */
  fileName?: string;
  /**
   * Bytes per PUT. Cloud Storage wants multiples of 256 KiB for every chunk but the last; Cloud
   * Functions (the local stack's upload URL) reads at most 32 MB a request. Default 8 MiB.
   */
  chunkSize?: number;
}

const CHUNK_UNIT = 256 * 1024;
const DEFAULT_CHUNK = 32 * CHUNK_UNIT;

interface Sessions {
  create(input: { contentType: string; size: number; fileName?: string }): Promise<Upload>;
  complete(id: string): Promise<Media>;
}

function asBlob(data: UploadData): Blob {
  if (data instanceof Blob) return data;
  // A copy: a Buffer may be a view into a larger pool, which the Blob must not carry.
  return new Blob([data instanceof ArrayBuffer ? data : new Uint8Array(data)]);
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Opens an upload session, PUTs the bytes to its uploadUrl with the resumable protocol's
 * Content-Range (each non-final chunk answered 308, the last 200 or 201), then completes it.
 * `send` retries a chunk after a network error or 5xx; sending bytes already stored again is
 * harmless (the protocol skips them).
 */
export async function uploadBytes(
  deps: { uploads: Sessions; send: (request: Request) => Promise<Response> },
  data: UploadData,
  options: UploadOptions,
): Promise<Media> {
  const blob = asBlob(data);
  const contentType = options.contentType ?? blob.type;
  if (!contentType) throw new TypeError("Postcast: upload needs a contentType (the data has no type of its own).");
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunkSize) || chunkSize <= 0 || chunkSize % CHUNK_UNIT !== 0) {
    throw new TypeError("Postcast: chunkSize must be a positive multiple of 256 KiB.");
  }
  const fileName = options.fileName ?? ("name" in blob && typeof blob.name === "string" ? blob.name : undefined);
  const size = blob.size;
  const session = await deps.uploads.create({ contentType, size, ...(fileName ? { fileName } : {}) });
  if (!session.uploadUrl) {
    throw new PostcastError({
      status: 0,
      code: "unexpected_response",
      message: "The upload session has no uploadUrl.",
    });
  }
  for (let start = 0; start < size; start += chunkSize) {
    const end = Math.min(size, start + chunkSize);
    const request = new Request(session.uploadUrl, {
      method: session.method ?? "PUT",
      // 308 is the protocol's "chunk stored", not a redirect to follow.
      redirect: "manual",
      headers: { "Content-Range": `bytes ${start}-${end - 1}/${size}` },
      body: blob.slice(start, end),
    });
    let response: Response;
    try {
      response = await deps.send(request);
    } catch (error) {
      throw networkError(error);
    }
    const done = end === size;
    const expected = done ? response.ok : response.status === 308;
    if (!expected) throw errorFromResponse(response, await bodyOf(response));
    await response.body?.cancel().catch(() => undefined);
  }
  return deps.uploads.complete(session.id);
}
