import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "./collections";

/** How long request logs are kept; `expireAt` is the TTL field declared in firestore.indexes.json. */
export const API_REQUEST_RETENTION_MS = 30 * 24 * 3600_000;

export interface ApiRequestEntry {
  /** The id the response carried as X-Request-ID: the caller's, or Postcast's. */
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  errorCode: string | null;
  postSubmissionId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/**
 * `users/{uid}/apiRequests/{logId}`: one document per authenticated request, named by Postcast
 * (the caller's X-Request-ID is the `requestId` field; see domain/request-id.ts).
 */
export class ApiRequestStore {
  constructor(private readonly db: Firestore) {}

  ref(uid: string, logId: string): DocumentReference {
    return this.db.collection(COLLECTIONS.users).doc(uid).collection(COLLECTIONS.apiRequests).doc(logId);
  }

  data(entry: ApiRequestEntry, now: Date): Record<string, unknown> {
    return {
      ...entry,
      createdAt: FieldValue.serverTimestamp(),
      expireAt: Timestamp.fromMillis(now.getTime() + API_REQUEST_RETENTION_MS),
    };
  }

  async record(uid: string, logId: string, entry: ApiRequestEntry, now: Date): Promise<void> {
    // create(): a log entry is written once; an id collision must fail, never overwrite.
    await this.ref(uid, logId).create(this.data(entry, now));
  }
}
