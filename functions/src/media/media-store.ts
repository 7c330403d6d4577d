import type { Readable } from "node:stream";

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
  read(path: string): Readable;
  delete(path: string): Promise<void>;
}
