import type { Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "./collections";
import { converters, type ApiKeyRecord } from "./records";
import { AUTH_CACHE_TTL_MS, TtlCache } from "./ttl-cache";

export class ApiKeyStore {
  private readonly cache = new TtlCache<ApiKeyRecord | null>(AUTH_CACHE_TTL_MS);

  constructor(private readonly db: Firestore) {}

  /** The key's record, cached for a few seconds per instance (every request reads it). */
  get(keyHash: string): Promise<ApiKeyRecord | null> {
    return this.cache.get(keyHash, async () => {
      const snap = await this.db.collection(COLLECTIONS.apiKeys).withConverter(converters.apiKey).doc(keyHash).get();
      return snap.data() ?? null;
    });
  }
}
