import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { sha256Hex } from "../domain/canonical-json";
import { inWorldOf, type Owner } from "../domain/owner";
import { COLLECTIONS } from "./collections";
import { EventStore, type EventRelay } from "./event-store";
import { MEDIA_FACTS, type EventData } from "../domain/event-data";
import type { NewEvent } from "../domain/events";
import { converter, recordOf } from "./records";

const mediaSchema = z.object({
  ...MEDIA_FACTS,
  path: z.string(),
  codec: z.string().nullable(),
  hasAlpha: z.boolean(),
  /** The JPEG copy made once for platforms that take no PNG or WebP (media/jpeg-copy.ts). */
  jpeg: z.object({ url: z.string(), path: z.string(), size: z.number().int() }).nullable().optional(),
  /** Where it came from: the caller's URL, or an upload. */
  sourceUrl: z.string().nullable(),
  createdAt: z.instanceof(Timestamp),
  /** Deleted after this (90 days by default) by the retention job, unless a pending post still uses it. */
  expireAt: z.instanceof(Timestamp),
  /** The mode of the key that stored it; none on records older than modes (domain/owner.ts: live). */
  mode: z.enum(["live", "test"]).optional(),
});
export type MediaRecord = z.infer<typeof mediaSchema>;
export type NewMedia = Omit<MediaRecord, "createdAt" | "expireAt" | "jpeg" | "mode">;
const mediaConverter = converter(mediaSchema, "media");

const requestSchema = z.object({
  fingerprint: z.string(),
  mediaId: z.string(),
  state: z.enum(["pending", "done"]),
  startedAt: z.instanceof(Timestamp),
  expireAt: z.instanceof(Timestamp),
});
const requestConverter = converter(requestSchema, "media request");

/** What the retention job finds due: a media, or the object of an upload that was never completed. */
export interface RetentionEntry {
  kind: "media" | "upload";
  userId: string;
  mediaId: string;
  path: string;
}

/**
 * `mediaRetention/{hash}`: when each media (or an upload's object) expires, in one top-level
 * collection so the retention job finds what is due with a plain range query.
 */
export function retentionRef(db: Firestore, userId: string, id: string, kind: RetentionEntry["kind"]) {
  const key = kind === "media" ? `${userId}/${id}` : `${userId}/upload/${id}`;
  return db.collection(COLLECTIONS.mediaRetention).doc(sha256Hex(key));
}

/** `users/{uid}/mediaUploads/{id}` (media-upload-store.ts). */
export function uploadRef(db: Firestore, userId: string, uploadId: string) {
  return db.collection(COLLECTIONS.users).doc(userId).collection(COLLECTIONS.mediaUploads).doc(uploadId);
}

export type MediaClaim =
  | { kind: "new"; mediaId: string }
  | { kind: "replay"; mediaId: string }
  | { kind: "conflict"; reason: "different_body" | "in_progress" };

/** A fetch still running after this long is presumed dead (its instance died); the key is free again. */
const PENDING_STALE_MS = 20 * 60_000;

/**
 * `users/{uid}/media/{id}` (readable by its owner: facts only) and the idempotency records of
 * POST /v1/media in `users/{uid}/mediaRequests/{key}` (server only).
 */
export class MediaRecordStore {
  private readonly events: EventStore;

  /** `relay`: hands `media.ready` to delivery after its commit (absent: the sweeper does). */
  constructor(
    private readonly db: Firestore,
    relay?: EventRelay,
  ) {
    this.events = new EventStore(db, relay);
  }

  private ref(userId: string, mediaId: string) {
    return this.db
      .collection(COLLECTIONS.users)
      .doc(userId)
      .collection(COLLECTIONS.media)
      .withConverter(mediaConverter)
      .doc(mediaId);
  }

  private requestRef(userId: string, recordId: string) {
    return this.db
      .collection(COLLECTIONS.users)
      .doc(userId)
      .collection(COLLECTIONS.mediaRequests)
      .withConverter(requestConverter)
      .doc(recordId);
  }

  /** The user's media, whichever mode stored it: for jobs (retention) and the URL rule (stored-media-urls.ts). */
  async get(userId: string, mediaId: string): Promise<MediaRecord | null> {
    return recordOf(await this.ref(userId, mediaId).get()) ?? null;
  }

  /** The media as a key of `owner`'s mode sees it: null when it is the other mode's (domain/owner.ts). */
  async visibleTo(owner: Owner, mediaId: string): Promise<MediaRecord | null> {
    const media = await this.get(owner.userId, mediaId);
    return media && inWorldOf(owner, media) ? media : null;
  }

  /**
   * Claims an idempotency key for a new media id, or finds the earlier request with it: done (the
   * caller replays its answer), still running, or made with another body.
   */
  async claim(
    userId: string,
    recordId: string,
    fingerprint: string,
    newId: string,
    now: Date,
    ttlMs: number,
  ): Promise<MediaClaim> {
    const ref = this.requestRef(userId, recordId);
    return this.db.runTransaction(async (tx): Promise<MediaClaim> => {
      const earlier = recordOf(await tx.get(ref));
      const live = earlier && earlier.expireAt.toMillis() > now.getTime();
      if (live && earlier.fingerprint !== fingerprint) return { kind: "conflict", reason: "different_body" };
      if (live && earlier.state === "done") return { kind: "replay", mediaId: earlier.mediaId };
      if (live && now.getTime() - earlier.startedAt.toMillis() < PENDING_STALE_MS) {
        return { kind: "conflict", reason: "in_progress" };
      }
      tx.set(ref.withConverter(null), {
        fingerprint,
        mediaId: newId,
        state: "pending",
        startedAt: Timestamp.fromDate(now),
        expireAt: Timestamp.fromMillis(now.getTime() + ttlMs),
      });
      return { kind: "new", mediaId: newId };
    });
  }

  /**
   * Stores the media, in the world of the key (or post) that made it, and completes what made it
   * (a POST /v1/media request or an upload), together.
   */
  async create(
    owner: Owner,
    mediaId: string,
    media: NewMedia,
    times: { now: Date; expiresAt: Date },
    madeBy: { requestId: string } | { uploadId: string } | null,
  ): Promise<MediaRecord> {
    const { userId } = owner;
    const record: MediaRecord = {
      ...media,
      mode: owner.mode,
      createdAt: Timestamp.fromDate(times.now),
      expireAt: Timestamp.fromDate(times.expiresAt),
    };
    const batch = this.db.batch();
    batch.create(this.ref(userId, mediaId).withConverter(null), record);
    batch.set(retentionRef(this.db, userId, mediaId, "media"), {
      userId,
      mediaId,
      path: media.path,
      expireAt: record.expireAt,
    });
    if (madeBy && "requestId" in madeBy) {
      batch.update(this.requestRef(userId, madeBy.requestId).withConverter(null), { state: "done" });
    }
    if (madeBy && "uploadId" in madeBy) {
      batch.update(uploadRef(this.db, userId, madeBy.uploadId), { state: "completed", mediaId });
    }
    // What a caller stored (a request, an upload) is announced; a post's rehosted copy is the post's.
    const ready = madeBy ? [this.events.write(batch, mediaReadyEvent(owner, mediaId, record, madeBy))] : [];
    await batch.commit();
    await this.events.relay(ready);
    return record;
  }

  /**
   * Records a JPEG copy unless another request recorded one first; returns the copy in force (the
   * caller deletes its own file when it lost).
   */
  async setJpeg(userId: string, mediaId: string, copy: { url: string; path: string; size: number }) {
    const ref = this.ref(userId, mediaId);
    return this.db.runTransaction(async (tx) => {
      const media = recordOf(await tx.get(ref));
      if (!media) return null;
      if (media.jpeg) return media.jpeg;
      tx.update(ref.withConverter(null), { jpeg: copy });
      return copy;
    });
  }

  /** The fetch failed: the key is free for a retry. */
  async release(userId: string, recordId: string): Promise<void> {
    await this.requestRef(userId, recordId).delete();
  }

  async delete(userId: string, mediaId: string): Promise<void> {
    const batch = this.db.batch();
    batch.delete(this.ref(userId, mediaId));
    batch.delete(retentionRef(this.db, userId, mediaId, "media"));
    await batch.commit();
  }

  /** Media (and unfinished uploads) whose retention ended, oldest first. */
  async expired(now: Date, limit: number): Promise<RetentionEntry[]> {
    const snap = await this.db
      .collection(COLLECTIONS.mediaRetention)
      .where("expireAt", "<=", Timestamp.fromDate(now))
      .orderBy("expireAt")
      .limit(limit)
      .get();
    return snap.docs.map((d) => ({
      kind: d.get("kind") === "upload" ? "upload" : "media",
      userId: String(d.get("userId")),
      mediaId: String(d.get("mediaId")),
      path: String(d.get("path")),
    }));
  }

  /** A pending post still needs the media: keep it until `until`. */
  async extend(userId: string, mediaId: string, until: Date): Promise<void> {
    const batch = this.db.batch();
    const expireAt = Timestamp.fromDate(until);
    batch.update(this.ref(userId, mediaId).withConverter(null), { expireAt });
    batch.update(retentionRef(this.db, userId, mediaId, "media"), { expireAt });
    await batch.commit();
  }
}

/** `media.ready`: the media is stored and checked, and may be named in posts. */
function mediaReadyEvent(
  owner: Owner,
  mediaId: string,
  media: MediaRecord,
  madeBy: { requestId: string } | { uploadId: string },
): NewEvent {
  return {
    userId: owner.userId,
    livemode: owner.mode === "live",
    type: "media.ready",
    change: `media.ready/${mediaId}`,
    data: {
      mediaId,
      url: media.url,
      contentType: media.contentType,
      kind: media.kind,
      size: media.size,
      width: media.width,
      height: media.height,
      durationSeconds: media.durationSeconds,
      ...("uploadId" in madeBy ? { uploadId: madeBy.uploadId } : {}),
    } satisfies EventData<"media.ready">,
  };
}
