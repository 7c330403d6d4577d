import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isPlainSegment } from "../domain/path-segment";
import { LocalUploads } from "./local-uploads";
import type { ByteRange, MediaStore, UploadTarget } from "./media-store";

/**
 * A directory, served by the api function under `/media-files/` (the local stack and tests), with
 * resumable uploads under `/media-uploads/`.
 */
export class LocalMediaStore implements MediaStore {
  readonly uploads: LocalUploads;

  constructor(
    readonly root: string,
    private readonly publicBase: () => string,
    clock: () => Date = () => new Date(),
  ) {
    this.uploads = new LocalUploads((relative) => this.file(relative), clock);
  }

  /** The file of a store path, or null for a path that would leave the root. */
  resolve(relative: string): string | null {
    const full = path.resolve(this.root, relative);
    return full.startsWith(path.resolve(this.root) + path.sep) ? full : null;
  }

  /**
   * The store path that decoded URL segments name under `prefix` (`users` for media, `uploads` for
   * upload sessions), or null unless every segment is a plain name and the file stays inside that
   * prefix: `users/..%2Fuploads/…` must not reach an upload's bytes, nor `uploads/..%2F…` a media.
   */
  within(prefix: "users" | "uploads", segments: readonly string[]): string | null {
    if (segments[0] !== prefix || segments.length < 2 || !segments.every(isPlainSegment)) return null;
    const relative = segments.join("/");
    const full = this.resolve(relative);
    return full?.startsWith(path.resolve(this.root, prefix) + path.sep) ? relative : null;
  }

  private file(relative: string): string {
    const full = this.resolve(relative);
    if (!full) throw new Error(`invalid media path ${relative}`);
    return full;
  }

  async write(relative: string, body: Readable): Promise<{ url: string }> {
    const file = this.file(relative);
    await mkdir(path.dirname(file), { recursive: true });
    try {
      await pipeline(body, createWriteStream(file));
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    return { url: `${this.publicBase()}/media-files/${relative}` };
  }

  probeSource(relative: string): Promise<string> {
    return Promise.resolve(this.file(relative));
  }

  read(relative: string, range?: ByteRange): Readable {
    // fs counts the end byte in.
    return createReadStream(this.file(relative), range ? { start: range.start, end: range.end - 1 } : {});
  }

  async delete(relative: string): Promise<void> {
    await rm(this.file(relative), { force: true });
  }

  async openUpload(target: UploadTarget): Promise<string> {
    await this.uploads.open(target);
    return `${this.publicBase()}/media-uploads/${target.path}`;
  }

  async cancelUpload(_uploadUrl: string, relative: string): Promise<void> {
    await this.uploads.cancel(relative);
  }

  async size(relative: string): Promise<number | null> {
    try {
      return (await stat(this.file(relative))).size;
    } catch {
      return null;
    }
  }
}
