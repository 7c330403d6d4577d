import type { Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "./collections";
import { converters, type ApiKeyRecord } from "./records";

export class ApiKeyStore {
  constructor(private readonly db: Firestore) {}

  async get(keyHash: string): Promise<ApiKeyRecord | null> {
    const snap = await this.db.collection(COLLECTIONS.apiKeys).withConverter(converters.apiKey).doc(keyHash).get();
    return snap.data() ?? null;
  }
}
