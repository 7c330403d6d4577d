import { createHash } from "node:crypto";
import { FieldPath, FieldValue, Timestamp, type Firestore, type Query } from "firebase-admin/firestore";
import { COLLECTIONS } from "./collections";

/** Hits are kept this long past their window (TTL on `expireAt`), long enough for any window. */
const HIT_RETENTION_MS = 24 * 3600_000;

/**
 * The rate limiter's log: `rateLimits/{subject}/hits/{auto id}`, one new document per request
 * (`at` = commit time, `endpoint`), so no document is ever contended. Windows are counted with
 * `count()` aggregations, which cost one read per thousand entries.
 */
export class RateLimitStore {
  constructor(private readonly db: Firestore) {}

  /** A stable, non-reversible document id for a subject (`user:…` or `ip:…`). */
  static subjectId(subject: string): string {
    return createHash("sha256").update(subject).digest("hex").slice(0, 40);
  }

  private hits(subject: string) {
    return this.db
      .collection(COLLECTIONS.rateLimits)
      .doc(RateLimitStore.subjectId(subject))
      .collection(COLLECTIONS.hits);
  }

  /** Logs one request; returns its entry's id and commit time (which is also its `at`). */
  async hit(subject: string, endpoint: string | null, now: Date): Promise<{ id: string; at: Date }> {
    const ref = this.hits(subject).doc();
    const result = await ref.create({
      at: FieldValue.serverTimestamp(),
      endpoint,
      expireAt: Timestamp.fromMillis(now.getTime() + HIT_RETENTION_MS),
    });
    return { id: ref.id, at: result.writeTime.toDate() };
  }

  /** The subject's entries: all of them, or one endpoint's. */
  private scoped(subject: string, endpoint: string | null): Query {
    const hits = this.hits(subject);
    return endpoint === null ? hits : hits.where("endpoint", "==", endpoint);
  }

  private window(subject: string, endpoint: string | null, at: Date, windowMs: number): Query {
    return this.scoped(subject, endpoint)
      .where("at", ">", Timestamp.fromMillis(at.getTime() - windowMs))
      .where("at", "<=", Timestamp.fromDate(at));
  }

  /** Entries in the window ending at `at` (inclusive), all endpoints or one. */
  async count(subject: string, endpoint: string | null, at: Date, windowMs: number): Promise<number> {
    const snap = await this.window(subject, endpoint, at, windowMs).count().get();
    return snap.data().count;
  }

  /**
   * Entries committed at exactly `at` that order after entry `id`. Separate commits can share a
   * timestamp; ordering ties by id makes exactly one of them the last admitted, where counting
   * ties as earlier would refuse them all.
   */
  async tiesAfter(subject: string, endpoint: string | null, at: Date, id: string): Promise<number> {
    const snap = await this.scoped(subject, endpoint)
      .where("at", "==", Timestamp.fromDate(at))
      .where(FieldPath.documentId(), ">", this.hits(subject).doc(id))
      .count()
      .get();
    return snap.data().count;
  }

  /** The time of the `nth` oldest entry in that window (1-based), or null if there are fewer. */
  async nthOldest(
    subject: string,
    endpoint: string | null,
    at: Date,
    windowMs: number,
    nth: number,
  ): Promise<Date | null> {
    const snap = await this.window(subject, endpoint, at, windowMs)
      .orderBy("at")
      .offset(nth - 1)
      .limit(1)
      .select("at")
      .get();
    const value: unknown = snap.docs[0]?.get("at");
    return value instanceof Timestamp ? value.toDate() : null;
  }
}
