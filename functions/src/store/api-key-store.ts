import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { derivedKeyId, generateApiKey, generateKeyId, hashApiKey, keyPreview, type KeyMode } from "../domain/api-key";
import { grantedScopes, type Scope } from "../domain/scopes";
import { logs } from "../logs";
import { COLLECTIONS } from "./collections";
import { converters, recordOf, wellFormed, type ApiKeyRecord } from "./records";
import { AUTH_CACHE_TTL_MS, TtlCache } from "./ttl-cache";

/** `lastUsedAt` is refreshed at most this often per key and instance: a key is hot, its document is not. */
export const LAST_USED_PRECISION_MS = 5 * 60_000;

export interface ApiKeySummary {
  id: string;
  name: string | null;
  /** Null for a key written in Soku's shape: its prefix decides, which only the key's holder sees. */
  mode: KeyMode | null;
  /** Null for a key written in Soku's shape: only the hash is stored. */
  preview: string | null;
  createdAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** What the key may do: every scope for a key stored without a list. */
  scopes: readonly Scope[];
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
    return this.cache.get(keyHash, async () => recordOf(await this.collection().doc(keyHash).get()) ?? null);
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
    /** Absent: every scope, including any added later. */
    scopes?: readonly Scope[],
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
      ...(scopes ? { scopes: [...grantedScopes(scopes)] } : {}),
    };
    // createdAt is the commit time, which the write result reports: no read-back needed.
    const result = await this.collection()
      .doc(keyHash)
      .withConverter(null)
      .create({ ...record, createdAt: FieldValue.serverTimestamp() });
    return { apiKey, summary: summarize(keyHash, { ...record, createdAt: result.writeTime }) };
  }

  /** The user's keys, newest first. */
  async list(userId: string): Promise<ApiKeySummary[]> {
    return (await this.keysOf(userId))
      .map((k) => summarize(k.id, k.data))
      .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  }

  /**
   * Revokes the user's key with public id `keyId` (idempotent); null when the user has no such
   * key. This instance forgets it at once; the others within AUTH_CACHE_TTL_MS. The user's keys
   * are searched rather than queried by `keyId`, which a key written in Soku's shape lacks (its
   * id is derived from its hash).
   */
  async revoke(userId: string, keyId: string): Promise<ApiKeySummary | null> {
    const doc = (await this.keysOf(userId)).find((k) => publicId(k.id, k.data) === keyId);
    if (!doc) return null;
    const record = await this.db.runTransaction(async (tx) => {
      const current = recordOf(await tx.get(doc.ref));
      if (!current || current.userId !== userId) return null;
      if (current.revokedAt) return current;
      const revokedAt = Timestamp.fromDate(this.clock());
      tx.update(doc.ref.withConverter(null), { revokedAt });
      return { ...current, revokedAt };
    });
    this.cache.delete(doc.id);
    return record ? summarize(doc.id, record) : null;
  }

  private async keysOf(userId: string) {
    return wellFormed(await this.collection().where("userId", "==", userId).get());
  }
}

/** The key's public id: its own, or one derived from its document id (the key's hash). */
function publicId(keyHash: string, record: ApiKeyRecord): string {
  return record.keyId ?? derivedKeyId(keyHash);
}

function summarize(keyHash: string, record: ApiKeyRecord): ApiKeySummary {
  return {
    id: publicId(keyHash, record),
    name: record.name ?? null,
    mode: record.mode ?? null,
    preview: record.preview ?? null,
    createdAt: record.createdAt?.toDate() ?? null,
    lastUsedAt: record.lastUsedAt?.toDate() ?? null,
    revokedAt: record.revokedAt?.toDate() ?? null,
    scopes: grantedScopes(record.scopes),
  };
}
