import { createHash, randomBytes } from "node:crypto";
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { bucketOf, bucketWidthMs, oldestBucket, type BucketCount } from "../domain/rate-limit";
import { COLLECTIONS } from "./collections";

/** Counters are kept this long past their bucket (TTL on `expireAt`), long enough for any window. */
const COUNTER_RETENTION_MS = 24 * 3600_000;

/** Local counts kept per instance; the oldest go first past this (a subject's stale buckets). */
const LEDGER_ENTRIES = 100_000;

/** The field holding the time (ms) of the latest request a counter field counted. */
function lastField(field: string): string {
  return `${field}_at`;
}

/** What one request's check found: its scopes' counts per bucket and instance, itself included. */
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
 * transaction, and no document written by more than one instance. Beside each, `n_at` / `e_<hash>_at`:
 * the time (ms) of the latest request it counted, which is when the bucket starts to leave the
 * window (so Retry-After stays within the window). The instance sends the latest time it has seen;
 * if two of its commits land out of order the stored time can lag by that much, which other
 * instances read as the bucket leaving that much early (the same in-flight race as below). Counters
 * written without it (before it was recorded) are taken to end with their bucket.
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
  /** This instance's requests per `subject|bucket|field` (and the latest one's time), counted before their increments are sent. */
  private readonly ledger = new Map<string, { n: number; last: number }>();

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
  private bump(key: string, at: number): number {
    const prior = this.ledger.get(key);
    const n = (prior?.n ?? 0) + 1;
    this.ledger.delete(key);
    if (this.ledger.size >= LEDGER_ENTRIES) {
      const oldest = this.ledger.keys().next().value;
      if (oldest !== undefined) this.ledger.delete(oldest);
    }
    this.ledger.set(key, { n, last: Math.max(prior?.last ?? at, at) });
    return n;
  }

  /**
   * Counts one request of `subject` (and of `endpoint`, if it has a limit) made at `now`, and
   * returns the counts of the window's buckets as this request sees them.
   */
  async consume(subject: string, endpoint: string | null, now: Date, windowMs: number): Promise<Consumed> {
    const id = RateLimitStore.subjectId(subject);
    const at = now.getTime();
    const current = bucketOf(now, windowMs);
    const fields = endpoint === null ? ["n"] : ["n", RateLimitStore.endpointField(endpoint)];
    // Synchronously, before any await: the order of this instance's requests is the order they arrived.
    const ranks = fields.map((f) => this.bump(`${id}|${current}|${f}`, at));
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
            // This instance's latest request in the bucket so far (its commits may land out of order).
            ...Object.fromEntries(
              fields.map((f) => [lastField(f), this.ledger.get(`${id}|${current}|${f}`)?.last ?? at]),
            ),
          },
          { merge: true },
        ),
    ]);
    // One entry per bucket and instance: each leaves the window with its own latest request.
    const perField = fields.map((): BucketCount[] => []);
    const add = (i: number, bucket: number, count: number, last: number | undefined) => {
      if (count > 0) perField[i]!.push(last === undefined ? { bucket, count } : { bucket, count, last });
    };
    const ownRead = new Map<string, { count: number; last: number | undefined }>();
    for (const doc of snap.docs) {
      const bucket: unknown = doc.get("bucket");
      if (typeof bucket !== "number" || bucket > current) continue;
      const own = doc.get("shard") === this.shard;
      fields.forEach((f, i) => {
        const value: unknown = doc.get(f);
        // Written by increments only: anything else (another writer, a hand edit) counts nothing.
        const count = typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
        const stamped: unknown = doc.get(lastField(f));
        const last = typeof stamped === "number" && Number.isFinite(stamped) ? stamped : undefined;
        if (own) ownRead.set(`${bucket}|${f}`, { count, last });
        else add(i, bucket, count, last);
      });
    }
    // This instance's own counts. Its current bucket: the request's rank and time, not what the read
    // saw (which may already hold increments of requests that arrived after it). Older buckets: what
    // was committed, or the local count if the read has not seen all of it.
    for (let bucket = oldestBucket(current); bucket <= current; bucket++) {
      fields.forEach((f, i) => {
        if (bucket === current) return add(i, bucket, ranks[i] ?? 0, at);
        const local = this.ledger.get(`${id}|${bucket}|${f}`);
        const read = ownRead.get(`${bucket}|${f}`);
        const lasts = [local?.last, read?.last].filter((x): x is number => x !== undefined);
        add(i, bucket, Math.max(local?.n ?? 0, read?.count ?? 0), lasts.length > 0 ? Math.max(...lasts) : undefined);
      });
    }
    return { current, tier: perField[0]!, endpoint: perField[1] ?? null };
  }
}
