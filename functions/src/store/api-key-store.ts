import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { generateApiKey, generateKeyId, hashApiKey, keyPreview, type KeyMode } from "../domain/api-key";
import { logs } from "../logs";
import { COLLECTIONS } from "./collections";
import { converters, type ApiKeyRecord } from "./records";
import { AUTH_CACHE_TTL_MS, TtlCache } from "./ttl-cache";

/** `lastUsedAt` is refreshed at most this often per key and instance: a key is hot, its document is not. */
export const LAST_USED_PRECISION_MS = 5 * 60_000;

export interface ApiKeySummary {
  id: string;
  name: string | null;
  mode: KeyMode;
  preview: string;
  createdAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export class ApiKeyStore {
  private readonly cache: TtlCache<ApiKeyRecord | null>;
  /** Keys whose lastUsedAt this instance wrote recently: the write happens once per entry lifetime. */
  private readonly touched: TtlCache<void>;

  constructor(
    private readonly db: Firestore,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const now = () => this.clock().getTime();
    this.cache = new TtlCache(AUTH_CACHE_TTL_MS, 10_000, now);
    this.touched = new TtlCache(LAST_USED_PRECISION_MS, 10_000, now);
  }

  private collection() {
    return this.db.collection(COLLECTIONS.apiKeys).withConverter(converters.apiKey);
  }

  /** The key's record, cached for a few seconds per instance (every request reads it). */
  get(keyHash: string): Promise<ApiKeyRecord | null> {
    return this.cache.get(keyHash, async () => (await this.collection().doc(keyHash).get()).data() ?? null);
  }

  /**
   * Records use, at most once per LAST_USED_PRECISION_MS per key on this instance. Bookkeeping
   * only: a failed write is logged and retried on a later request, never fails this one.
   */
  async touch(keyHash: string): Promise<void> {
    await this.touched
      .get(keyHash, () =>
        this.collection()
          .doc(keyHash)
          .withConverter(null)
          .update({ lastUsedAt: FieldValue.serverTimestamp() })
          .then(() => undefined),
      )
      .catch((error: unknown) => logs.lastUsedNotRecorded(error));
  }

  /** Creates a key; the raw key is returned once and never stored. */
  async create(
    userId: string,
    name: string | null,
    mode: KeyMode,
  ): Promise<{ apiKey: string; summary: ApiKeySummary }> {
    const apiKey = generateApiKey(mode);
    const keyHash = hashApiKey(apiKey);
    const record = {
      userId,
      keyId: generateKeyId(),
      preview: keyPreview(apiKey),
      name,
      mode,
      revokedAt: null,
      lastUsedAt: null,
    };
    // createdAt is the commit time, which the write result reports: no read-back needed.
    const result = await this.collection()
      .doc(keyHash)
      .withConverter(null)
      .create({ ...record, createdAt: FieldValue.serverTimestamp() });
    return { apiKey, summary: summarize({ ...record, createdAt: result.writeTime }) };
  }

  /** The user's keys, newest first. */
  async list(userId: string): Promise<ApiKeySummary[]> {
    const snap = await this.collection().where("userId", "==", userId).get();
    return snap.docs
      .map((d) => summarize(d.data()))
      .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  }

  /**
   * Revokes the user's key with public id `keyId` (idempotent); null when the user has no such
   * key. This instance forgets it at once; the others within AUTH_CACHE_TTL_MS.
   */
  async revoke(userId: string, keyId: string): Promise<ApiKeySummary | null> {
    const found = await this.collection().where("userId", "==", userId).where("keyId", "==", keyId).limit(1).get();
    const doc = found.docs[0];
    if (!doc) return null;
    const record = await this.db.runTransaction(async (tx) => {
      const current = (await tx.get(doc.ref)).data();
      if (!current) return null;
      if (current.revokedAt) return current;
      const revokedAt = Timestamp.fromDate(this.clock());
      tx.update(doc.ref.withConverter(null), { revokedAt });
      return { ...current, revokedAt };
    });
    this.cache.delete(doc.id);
    return record ? summarize(record) : null;
  }
}

function summarize(record: ApiKeyRecord): ApiKeySummary {
  return {
    id: record.keyId,
    name: record.name ?? null,
    mode: record.mode,
    preview: record.preview,
    createdAt: record.createdAt.toDate(),
    lastUsedAt: record.lastUsedAt?.toDate() ?? null,
    revokedAt: record.revokedAt?.toDate() ?? null,
  };
}
