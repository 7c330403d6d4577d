import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "./collections";

/** How long request logs are kept; `expireAt` is the TTL field declared in firestore.indexes.json. */
export const API_REQUEST_RETENTION_MS = 30 * 24 * 3600_000;

export interface ApiRequestEntry {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  errorCode: string | null;
  postSubmissionId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** `users/{uid}/apiRequests/{requestId}`: one document per authenticated request. */
export class ApiRequestStore {
  constructor(private readonly db: Firestore) {}

  ref(uid: string, requestId: string): DocumentReference {
    return this.db.collection(COLLECTIONS.users).doc(uid).collection(COLLECTIONS.apiRequests).doc(requestId);
  }

  data(entry: ApiRequestEntry, now: Date): Record<string, unknown> {
    return {
      ...entry,
      createdAt: FieldValue.serverTimestamp(),
      expireAt: Timestamp.fromMillis(now.getTime() + API_REQUEST_RETENTION_MS),
    };
  }

  async record(uid: string, requestId: string, entry: ApiRequestEntry, now: Date): Promise<void> {
    await this.ref(uid, requestId).set(this.data(entry, now));
  }
}
