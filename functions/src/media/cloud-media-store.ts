import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { getStorage } from "firebase-admin/storage";
import type { ByteRange, MediaStore, UploadTarget } from "./media-store";

type Bucket = ReturnType<ReturnType<typeof getStorage>["bucket"]>;

/**
 * Cloud Storage through firebase-admin. Objects stay private; each gets a Firebase download token,
 * so its URL is stable and fetchable by the platforms without making the bucket public.
 */
export class CloudMediaStore implements MediaStore {
  constructor(private readonly bucket: () => Bucket) {}

  async write(path: string, body: Readable, contentType: string): Promise<{ url: string }> {
    const token = randomUUID();
    const file = this.bucket().file(path);
    try {
      await pipeline(
        body,
        file.createWriteStream({
          resumable: true,
          contentType,
          metadata: { contentType, metadata: { firebaseStorageDownloadTokens: token } },
        }),
      );
    } catch (error) {
      await file.delete({ ignoreNotFound: true }).catch(() => undefined);
      throw error;
    }
    return { url: this.urlOf(path, token) };
  }

  private urlOf(path: string, token: string): string {
    const host = process.env.FIREBASE_STORAGE_EMULATOR_HOST
      ? `http://${process.env.FIREBASE_STORAGE_EMULATOR_HOST}`
      : "https://firebasestorage.googleapis.com";
    return `${host}/v0/b/${this.bucket().name}/o/${encodeURIComponent(path)}?alt=media&token=${token}`;
  }

  async probeSource(path: string): Promise<string> {
    const [metadata] = await this.bucket().file(path).getMetadata();
    const tokens = (metadata.metadata as Record<string, unknown> | undefined)?.firebaseStorageDownloadTokens;
    const token = typeof tokens === "string" ? tokens : "";
    return this.urlOf(path, token.split(",")[0] ?? "");
  }

  read(path: string, range?: ByteRange): Readable {
    // Cloud Storage counts the end byte in (an HTTP Range); a part cannot be checked against the object's hash.
    return this.bucket()
      .file(path)
      .createReadStream(range ? { start: range.start, end: range.end - 1, validation: false } : {});
  }

  async delete(path: string): Promise<void> {
    await this.bucket().file(path).delete({ ignoreNotFound: true });
  }

  /**
   * A Cloud Storage resumable session: its URL is the credential (valid a week; Postcast refuses to
   * complete it after UPLOAD_SESSION_TTL_MS), and X-Upload-Content-Length makes Storage refuse
   * any byte beyond the declared size.
   */
  async openUpload(target: UploadTarget): Promise<string> {
    const [url] = await this.bucket()
      .file(target.path)
      .createResumableUpload({ metadata: { contentType: target.contentType, contentLength: target.size } });
    return url;
  }

  /** Cloud Storage cancels a session on DELETE of its URL (answering 499). */
  async cancelUpload(uploadUrl: string, path: string): Promise<void> {
    await fetch(uploadUrl, { method: "DELETE", signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    await this.delete(path);
  }

  async size(path: string): Promise<number | null> {
    try {
      const [metadata] = await this.bucket().file(path).getMetadata();
      return Number(metadata.size);
    } catch (error) {
      if ((error as { code?: unknown }).code === 404) return null;
      throw error;
    }
  }
}
