import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { inWorldOf, type Owner } from "../domain/owner";
import { converter, recordOf } from "./records";
import { retentionRef, uploadRef } from "./media-record-store";

const uploadSchema = z.object({
  state: z.enum(["open", "completing", "completed", "failed"]),
  contentType: z.string(),
  size: z.number().int(),
  fileName: z.string().nullable(),
  /** Where the session stores the bytes; the media gets a path of its own when completed. */
  path: z.string(),
  /** The session's URL: whoever holds it can upload, so clients cannot read this document. */
  uploadUrl: z.string(),
  createdAt: z.instanceof(Timestamp),
  expiresAt: z.instanceof(Timestamp),
  /** When a completion began (a stale one, whose instance died, may be taken over). */
  startedAt: z.instanceof(Timestamp).nullable(),
  mediaId: z.string().nullable(),
  failure: z.object({ reason: z.string(), message: z.string() }).nullable(),
  /** Firestore's TTL deletes the session document this long after it expired. */
  expireAt: z.instanceof(Timestamp),
  /** The mode of the key that opened it, which its media gets; none on older sessions (live: domain/owner.ts). */
  mode: z.enum(["live", "test"]).optional(),
});
export type MediaUpload = z.infer<typeof uploadSchema>;
const uploadConverter = converter(uploadSchema, "media upload");

export type CompletionClaim =
  | { kind: "missing" }
  | { kind: "completed"; mediaId: string }
  | { kind: "failed"; failure: { reason: string; message: string } }
  | { kind: "in_progress" }
  | { kind: "expired" }
  | { kind: "ready"; upload: MediaUpload };

/** A completion still running after this long is presumed dead; another request may take over. */
const COMPLETING_STALE_MS = 20 * 60_000;
/** Session documents are kept a week past their expiry, for GET /v1/media/uploads/{id}. */
const KEEP_AFTER_EXPIRY_MS = 7 * 24 * 3600_000;

/**
 * Resumable upload sessions of POST /v1/media/uploads: `users/{uid}/mediaUploads/{id}` (server
 * only), plus a retention entry so the object of a session never completed is deleted.
 */
export class MediaUploadStore {
  constructor(private readonly db: Firestore) {}

  private ref(userId: string, uploadId: string) {
    return uploadRef(this.db, userId, uploadId).withConverter(uploadConverter);
  }

  async create(
    owner: Owner,
    uploadId: string,
    upload: Pick<MediaUpload, "contentType" | "size" | "fileName" | "path" | "uploadUrl">,
    now: Date,
    expiresAt: Date,
  ): Promise<MediaUpload> {
    const { userId } = owner;
    const record: MediaUpload = {
      ...upload,
      mode: owner.mode,
      state: "open",
      createdAt: Timestamp.fromDate(now),
      expiresAt: Timestamp.fromDate(expiresAt),
      startedAt: null,
      mediaId: null,
      failure: null,
      expireAt: Timestamp.fromMillis(expiresAt.getTime() + KEEP_AFTER_EXPIRY_MS),
    };
    const batch = this.db.batch();
    batch.create(this.ref(userId, uploadId).withConverter(null), record);
    batch.set(retentionRef(this.db, userId, uploadId, "upload"), {
      kind: "upload",
      userId,
      mediaId: uploadId,
      path: upload.path,
      expireAt: record.expiresAt,
    });
    await batch.commit();
    return record;
  }

  /** The session, whichever mode opened it: for the retention job. */
  async get(userId: string, uploadId: string): Promise<MediaUpload | null> {
    return recordOf(await this.ref(userId, uploadId).get()) ?? null;
  }

  /** The session as a key of `owner`'s mode sees it: null when the other mode opened it. */
  async visibleTo(owner: Owner, uploadId: string): Promise<MediaUpload | null> {
    const upload = await this.get(owner.userId, uploadId);
    return upload && inWorldOf(owner, upload) ? upload : null;
  }

  /**
   * Takes the session for completion, or says why not (done, failed, being completed, expired);
   * one the other mode opened is missing.
   */
  async claimCompletion(owner: Owner, uploadId: string, now: Date): Promise<CompletionClaim> {
    const ref = this.ref(owner.userId, uploadId);
    return this.db.runTransaction(async (tx): Promise<CompletionClaim> => {
      const upload = recordOf(await tx.get(ref));
      if (!upload || !inWorldOf(owner, upload)) return { kind: "missing" };
      if (upload.state === "completed" && upload.mediaId) return { kind: "completed", mediaId: upload.mediaId };
      if (upload.state === "failed" && upload.failure) return { kind: "failed", failure: upload.failure };
      const startedAt = upload.startedAt?.toMillis() ?? 0;
      if (upload.state === "completing" && now.getTime() - startedAt < COMPLETING_STALE_MS) {
        return { kind: "in_progress" };
      }
      if (upload.expiresAt.toMillis() <= now.getTime()) return { kind: "expired" };
      tx.update(ref.withConverter(null), { state: "completing", startedAt: Timestamp.fromDate(now) });
      return { kind: "ready", upload };
    });
  }

  /** The bytes are not all there yet: the session is open again. */
  async release(userId: string, uploadId: string): Promise<void> {
    await this.ref(userId, uploadId).withConverter(null).update({ state: "open", startedAt: null });
  }

  /** The bytes will never make media (wrong type, too large): said to every later completion. */
  async fail(userId: string, uploadId: string, failure: { reason: string; message: string }): Promise<void> {
    await this.ref(userId, uploadId).withConverter(null).update({ state: "failed", failure, startedAt: null });
  }

  /** The session's object is gone (completed and copied, or purged): nothing left to retain. */
  async forgetObject(userId: string, uploadId: string): Promise<void> {
    await retentionRef(this.db, userId, uploadId, "upload").delete();
  }
}
