import { createHash, randomBytes } from "node:crypto";
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { bucketOf, bucketWidthMs, oldestBucket, type BucketCount } from "../domain/rate-limit";
import { COLLECTIONS } from "./collections";

/** Counters are kept this long past their bucket (TTL on `expireAt`), long enough for any window. */
const COUNTER_RETENTION_MS = 24 * 3600_000;

/** Local counts kept per instance; the oldest go first past this (a subject's stale buckets). */
const LEDGER_ENTRIES = 100_000;

/** What one request's check found: its scopes' counts per bucket, itself included. */
export interface Consumed {
  current: number;
  tier: BucketCount[];
  /** Null when the request has no endpoint limit. */
  endpoint: BucketCount[] | null;
}

/**
 * The rate limiter's counters: `rateLimits/{hash of subject}/rateCounters/{bucket}-{shard}`, one
 * document per subject, bucket (domain/rate-limit.ts) and instance, with `n` (every request) and
 * `e_<hash>` (each endpoint-limited route's requests) raised by FieldValue.increment: no
 * transaction, and no document written by more than one instance.
 *
 * A check costs one commit and one query, sent together: whatever the number of requests in the
 * window, it reads at most one document per bucket of the window and instance. The instance
 * counts its own requests in memory before it sends their increments, so concurrent requests on
 * one instance are ordered exactly (a burst of N admits exactly the allowance); requests on other
 * instances are seen once their increments are committed, so instances checking the same subject
 * at the same moment can each admit a request the other has not counted yet (the overshoot is
 * bounded by the subject's requests in flight on other instances during one round trip).
 * Soku-era `hits` documents under the same subject are never read; their TTL removes them.
 */
export class RateLimitStore {
  /** This instance's shard: the counter documents only it writes. */
  private readonly shard = randomBytes(8).toString("hex");
  /** This instance's requests per `subject|bucket|field`, counted before their increments are sent. */
  private readonly ledger = new Map<string, number>();

  constructor(private readonly db: Firestore) {}

  /** A stable, non-reversible document id for a subject (`user:…` or `ip:…`). */
  static subjectId(subject: string): string {
    return createHash("sha256").update(subject).digest("hex").slice(0, 40);
  }

  /** The counter field of an endpoint limit: a short hash, so any `METHOD /path` makes a plain field name. */
  static endpointField(endpoint: string): string {
    return `e_${createHash("sha256").update(endpoint).digest("hex").slice(0, 16)}`;
  }

  private counters(subjectId: string) {
    return this.db.collection(COLLECTIONS.rateLimits).doc(subjectId).collection(COLLECTIONS.rateCounters);
  }

  /** Adds one to this instance's count; returns the new count (the request's rank on this instance). */
  private bump(key: string): number {
    const n = (this.ledger.get(key) ?? 0) + 1;
    this.ledger.delete(key);
    if (this.ledger.size >= LEDGER_ENTRIES) {
      const oldest = this.ledger.keys().next().value;
      if (oldest !== undefined) this.ledger.delete(oldest);
    }
    this.ledger.set(key, n);
    return n;
  }

  /**
   * Counts one request of `subject` (and of `endpoint`, if it has a limit) made at `now`, and
   * returns the counts of the window's buckets as this request sees them.
   */
  async consume(subject: string, endpoint: string | null, now: Date, windowMs: number): Promise<Consumed> {
    const id = RateLimitStore.subjectId(subject);
    const current = bucketOf(now, windowMs);
    const fields = endpoint === null ? ["n"] : ["n", RateLimitStore.endpointField(endpoint)];
    // Synchronously, before any await: the order of this instance's requests is the order they arrived.
    const ranks = fields.map((f) => this.bump(`${id}|${current}|${f}`));
    const expireAt = Timestamp.fromMillis((current + 1) * bucketWidthMs(windowMs) + windowMs + COUNTER_RETENTION_MS);
    const [snap] = await Promise.all([
      this.counters(id).where("bucket", ">=", oldestBucket(current)).get(),
      this.counters(id)
        .doc(`${current}-${this.shard}`)
        .set(
          {
            bucket: current,
            shard: this.shard,
            expireAt,
            ...Object.fromEntries(fields.map((f) => [f, FieldValue.increment(1)])),
          },
          { merge: true },
        ),
    ]);
    const perField = fields.map(() => new Map<number, number>());
    const add = (i: number, bucket: number, count: number) =>
      perField[i]!.set(bucket, (perField[i]!.get(bucket) ?? 0) + count);
    const ownRead = new Map<string, number>();
    for (const doc of snap.docs) {
      const bucket: unknown = doc.get("bucket");
      if (typeof bucket !== "number" || bucket > current) continue;
      const own = doc.get("shard") === this.shard;
      fields.forEach((f, i) => {
        const value: unknown = doc.get(f);
        // Written by increments only: anything else (another writer, a hand edit) counts nothing.
        const count = typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
        if (own) ownRead.set(`${bucket}|${f}`, count);
        else add(i, bucket, count);
      });
    }
    // This instance's own counts. Its current bucket: the request's rank, not what the read saw
    // (which may already hold increments of requests that arrived after it). Older buckets: what
    // was committed, or the local count if the read has not seen all of it.
    for (let bucket = oldestBucket(current); bucket <= current; bucket++) {
      fields.forEach((f, i) => {
        const local = bucket === current ? (ranks[i] ?? 0) : (this.ledger.get(`${id}|${bucket}|${f}`) ?? 0);
        const count = bucket === current ? local : Math.max(local, ownRead.get(`${bucket}|${f}`) ?? 0);
        if (count > 0) add(i, bucket, count);
      });
    }
    const list = (m: Map<number, number>) => [...m].map(([bucket, count]) => ({ bucket, count }));
    return { current, tier: list(perField[0]!), endpoint: perField[1] ? list(perField[1]) : null };
  }
}
