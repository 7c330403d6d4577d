/**
 * Rate limiting over a rolling window, counted in fixed buckets (pure: the counters are in the
 * store). The window is split into RATE_LIMIT_BUCKETS buckets; every request that reaches the
 * limiter adds one to its bucket's counter and records its time as the bucket's latest, and a
 * request is admitted when the buckets whose latest request is still in the window ending at it
 * hold at most `allowance` requests, itself included.
 *
 * The approximation is one-sided: a bucket is counted whole until its latest request has left the
 * window, so the count never misses a request of the rolling window (no rolling window ever admits
 * more than the allowance) and may include requests up to one bucket older than it (a request may
 * be refused at most one bucket width early). Retry-After is when the bucket holding the oldest
 * request that must leave has had its latest request leave: never more than the window, since that
 * request was made at or before the refused one, and a client that waits exactly that long (with
 * nothing sent in between) is admitted.
 */
export const RATE_LIMIT_TIERS = ["default", "authenticated", "premium", "admin"] as const;
export type RateLimitTier = (typeof RATE_LIMIT_TIERS)[number];

export interface RateLimitConfig {
  windowMs: number;
  tiers: Record<RateLimitTier, { limit: number; burst: number }>;
  /** Per-user limits on top of the tier, keyed `METHOD /path`. */
  endpoints: Record<string, number>;
}

export type RateLimitScope = "tier" | "endpoint";

export interface CallerStanding {
  subscriptionActive: boolean;
  role: string | null;
}

/** No valid credential → default; admins → admin; an active subscription → premium. */
export function tierOf(standing: CallerStanding | null): RateLimitTier {
  if (!standing) return "default";
  if (standing.role === "admin") return "admin";
  return standing.subscriptionActive ? "premium" : "authenticated";
}

/** Requests a tier admits per window: the per-minute limit plus the burst allowance. */
export function tierAllowance(config: RateLimitConfig, tier: RateLimitTier): number {
  const { limit, burst } = config.tiers[tier];
  return limit + burst;
}

/**
 * Paths that are another endpoint under a second name (Soku's aliases): they count against that
 * endpoint's limit, so alternating between the two names never doubles the allowance.
 */
export const ENDPOINT_ALIASES: Readonly<Record<string, string>> = {
  "POST /v1/media/render-og": "POST /v1/templates",
};

/**
 * The endpoint-limit key for a request, or null when the endpoint has no limit of its own. The
 * router matches paths case-insensitively and ignores a trailing slash, so the key does the same:
 * `/V1/POSTS/` reaches the same handler as `/v1/posts` and must count against the same limit.
 */
export function endpointKey(config: RateLimitConfig, method: string, path: string): string | null {
  const normalized = (path.length > 1 ? path.replace(/\/+$/, "") : path).toLowerCase();
  const asked = `${method.toUpperCase()} ${normalized}`;
  const key = ENDPOINT_ALIASES[asked] ?? asked;
  return Object.keys(config.endpoints).find((k) => k.toLowerCase() === key.toLowerCase()) ?? null;
}

export interface WindowCount {
  scope: RateLimitScope;
  allowance: number;
  /** Entries in the window ending at this request, this request included. */
  count: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** The scope with the fewest requests left: the one the headers report, and the one refused. */
  binding: WindowCount;
  remaining: number;
  /** Unix seconds when the window is empty again if no further request arrives. */
  resetAt: number;
}

export function decide(counts: readonly WindowCount[], at: Date, windowMs: number): RateLimitVerdict {
  const left = (c: WindowCount) => c.allowance - c.count;
  const over = counts.filter((c) => left(c) < 0);
  const binding = (over.length > 0 ? over : counts).reduce((a, b) => (left(b) < left(a) ? b : a));
  return {
    allowed: over.length === 0,
    binding,
    remaining: Math.max(0, left(binding)),
    resetAt: Math.ceil((at.getTime() + windowMs) / 1000),
  };
}

/**
 * Which entry (1 = oldest in the window) must leave the window before one more request fits: with
 * `count` entries and room for `allowance`, the next request needs `count - allowance + 1` to age out.
 */
export function entriesToAgeOut(binding: WindowCount): number {
  return Math.max(1, binding.count - binding.allowance + 1);
}

/** Whole seconds until `oldestToLeave` leaves the window (at least 1). */
export function retryAfterSeconds(oldestToLeave: Date, now: Date, windowMs: number): number {
  return Math.max(1, Math.ceil((oldestToLeave.getTime() + windowMs - now.getTime()) / 1000));
}

/**
 * Buckets per window: 6 (10 s for Soku's 60 s window). More buckets make refusals and Retry-After
 * closer to an exact rolling window but cost more documents to read per request (at most one per
 * bucket and instance).
 */
export const RATE_LIMIT_BUCKETS = 6;

/**
 * A bucket's requests: `bucket` is its index since the epoch (bucket × width = its start); `last`
 * the time (ms) of its latest request, when known (counters written before it was recorded: the
 * bucket's end is assumed).
 */
export interface BucketCount {
  bucket: number;
  count: number;
  last?: number;
}

export function bucketWidthMs(windowMs: number): number {
  return windowMs / RATE_LIMIT_BUCKETS;
}

/** The bucket a request made at `at` counts in. */
export function bucketOf(at: Date, windowMs: number): number {
  return Math.floor(at.getTime() / bucketWidthMs(windowMs));
}

/** The oldest bucket that can hold a request of the window ending in bucket `current`. */
export function oldestBucket(current: number): number {
  return current - RATE_LIMIT_BUCKETS;
}

/**
 * A bucket's latest request as a check at `at` relies on it: never past the bucket's own end (a
 * bad `last` cannot keep it counted longer), nor past `at` (the requests it waits for were made
 * by then; a later one on another instance is in the window either way).
 */
function latest(b: BucketCount, at: number, windowMs: number): number {
  const end = (b.bucket + 1) * bucketWidthMs(windowMs) - 1;
  const last = b.last !== undefined && Number.isFinite(b.last) ? Math.min(b.last, end) : end;
  return Math.min(last, at);
}

/**
 * The counts a check at `at` includes (a bucket may come as several, one per instance), each with
 * the time its latest request leaves the window, first to leave first.
 */
function counted(buckets: readonly BucketCount[], at: Date, windowMs: number) {
  const t = at.getTime();
  return buckets
    .filter((b) => b.count > 0 && b.bucket <= bucketOf(at, windowMs))
    .map((b) => ({ count: b.count, bucket: b.bucket, leavesAt: latest(b, t, windowMs) + windowMs }))
    .filter((b) => b.leavesAt > t)
    .sort((a, b) => a.leavesAt - b.leavesAt);
}

/** Requests in the buckets that hold a request of the window ending at `at` (each counted whole). */
export function countInWindow(buckets: readonly BucketCount[], at: Date, windowMs: number): number {
  let count = 0;
  for (const b of counted(buckets, at, windowMs)) count += b.count;
  return count;
}

/**
 * When the `nth` oldest request counted at `at` (1-based) has left the window: when the latest
 * request of its bucket (its count) has. A bucket leaves whole, so this is never earlier than the request's own
 * time plus the window (Retry-After never invites a request that would be refused), and never later
 * than `at` plus the window.
 */
export function nthLeavesAt(buckets: readonly BucketCount[], at: Date, nth: number, windowMs: number): Date {
  let seen = 0;
  for (const b of counted(buckets, at, windowMs)) {
    seen += b.count;
    if (seen >= nth) return new Date(b.leavesAt);
  }
  return new Date(at.getTime() + windowMs);
}
