import { Readable } from "node:stream";
import type { Firestore } from "firebase-admin/firestore";
import type { MediaType } from "../../src/domain/media-type";
import type { Owner } from "../../src/domain/owner";
import { mediaPath } from "../../src/media/ingest";
import type { MediaStore } from "../../src/media/media-store";
import { MediaRecordStore } from "../../src/store/media-record-store";

/**
 * Media stored before ingestion decoded what it accepted (it read only headers): its file and
 * record written directly, as that ingestion left them, so tests can hand later steps (the JPEG
 * copy) bytes today's ingestion would refuse. It belongs to `owner.mode`'s keys, whose posts use it.
 */
export async function storeUnverifiedMedia(
  db: Firestore,
  store: MediaStore,
  owner: Owner & { mediaId: string },
  bytes: Buffer,
  type: MediaType,
  dims: { width: number; height: number },
): Promise<{ url: string; path: string }> {
  const path = mediaPath(owner.userId, owner.mediaId, type);
  const { url } = await store.write(path, Readable.from([bytes]), type.contentType);
  const now = new Date();
  await new MediaRecordStore(db).create(
    owner,
    owner.mediaId,
    {
      url,
      path,
      contentType: type.contentType,
      kind: type.kind,
      size: bytes.length,
      width: dims.width,
      height: dims.height,
      durationSeconds: null,
      codec: type.extension,
      hasAlpha: false,
      sourceUrl: null,
    },
    { now, expiresAt: new Date(now.getTime() + 90 * 24 * 3600_000) },
    null,
  );
  return { url, path };
}
