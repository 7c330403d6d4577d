import { logs } from "../logs";
import type { MediaStore } from "../media/media-store";
import type { MediaRecordStore } from "../store/media-record-store";
import type { MediaUploadStore } from "../store/media-upload-store";

export interface MediaRetentionDeps {
  records: MediaRecordStore;
  uploads: MediaUploadStore;
  store: MediaStore;
  pendingPostsUsing: (userId: string, mediaId: string) => Promise<string[]>;
  clock: () => Date;
}

export const MEDIA_RETENTION = {
  batch: 200,
  /** A pending post still needs the media: look again this much later. */
  extendMs: 24 * 3600_000,
} as const;

/**
 * The scheduled media retention job: deletes media whose retention ended (file and records),
 * except media a post that has not published yet still uses, which is kept a day more at a time;
 * and the bytes of upload sessions that expired without being completed (the session cancelled,
 * so nothing more can arrive through its URL).
 */
export async function purgeExpiredMedia(deps: MediaRetentionDeps): Promise<{ deleted: number; kept: number }> {
  const now = deps.clock();
  const counts = { deleted: 0, kept: 0 };
  for (const media of await deps.records.expired(now, MEDIA_RETENTION.batch)) {
    if (media.kind === "upload") {
      const upload = await deps.uploads.get(media.userId, media.mediaId);
      if (upload && upload.state !== "completed") await deps.store.cancelUpload(upload.uploadUrl, media.path);
      await deps.store.delete(media.path);
      await deps.uploads.forgetObject(media.userId, media.mediaId);
      counts.deleted += 1;
      continue;
    }
    if ((await deps.pendingPostsUsing(media.userId, media.mediaId)).length > 0) {
      await deps.records.extend(media.userId, media.mediaId, new Date(now.getTime() + MEDIA_RETENTION.extendMs));
      counts.kept += 1;
      continue;
    }
    const record = await deps.records.get(media.userId, media.mediaId);
    await deps.store.delete(media.path);
    if (record?.jpeg) await deps.store.delete(record.jpeg.path);
    await deps.records.delete(media.userId, media.mediaId);
    counts.deleted += 1;
  }
  logs.mediaPurged(counts);
  return counts;
}
