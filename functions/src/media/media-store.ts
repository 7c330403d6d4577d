import type { Readable } from "node:stream";

/** A resumable upload session to open: exactly `size` bytes of `contentType` at `path`. */
export interface UploadTarget {
  path: string;
  contentType: string;
  size: number;
  expiresAt: Date;
}

/** Bytes `start` to `end` of a file, `end` excluded (as Buffer.subarray counts). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where media lives: Cloud Storage in production (cloud-media-store.ts), a directory served by the
 * api function on the local stack (local-media-store.ts, since the Storage emulator needs Java).
 * Paths are per user: `users/{uid}/media/{id}/{token}.{ext}`, the token making the URL unguessable.
 */
export interface MediaStore {
  /** Streams `body` to `path` (never holding it whole) and returns the stable URL platforms fetch. */
  write(path: string, body: Readable, contentType: string): Promise<{ url: string }>;
  /** A file path or URL a prober (ffprobe) can read, seeking as it needs. */
  probeSource(path: string): Promise<string>;
  /**
   * Streams the file, or only `range` of it (a publisher sends a large video one part at a time,
   * reading each part from the store as it goes out, never the whole file).
   */
  read(path: string, range?: ByteRange): Readable;
  delete(path: string): Promise<void>;
  /**
   * Opens a resumable upload session and returns its URL, which takes Cloud Storage's resumable
   * protocol (PUT with Content-Range); the session refuses more than the declared size.
   */
  openUpload(target: UploadTarget): Promise<string>;
  /** Ends a session that has not finished, so nothing more can be stored through its URL. */
  cancelUpload(uploadUrl: string, path: string): Promise<void>;
  /** The size of the object at `path`, or null while there is none (an upload not finished). */
  size(path: string): Promise<number | null>;
}
