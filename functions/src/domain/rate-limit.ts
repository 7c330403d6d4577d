/**
 * Rate limiting over a rolling window, counted in fixed buckets (pure: the counters are in the
 * store). The window is split into RATE_LIMIT_BUCKETS buckets; every request that reaches the
 * limiter adds one to its bucket's counter, and a request is admitted when the buckets that
 * overlap the window ending at it hold at most `allowance` requests, itself included.
 *
 * The approximation is one-sided: the oldest bucket is counted whole until all of it has left
 * the window, so the count never misses a request of the rolling window (no rolling window ever
 * admits more than the allowance) and may include requests up to one bucket older than it (a
 * request may be refused, and Retry-After may be, at most one bucket width early/late).
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
 * The endpoint-limit key for a request, or null when the endpoint has no limit of its own. The
 * router matches paths case-insensitively and ignores a trailing slash, so the key does the same:
 * `/V1/POSTS/` reaches the same handler as `/v1/posts` and must count against the same limit.
 */
export function endpointKey(config: RateLimitConfig, method: string, path: string): string | null {
  const normalized = (path.length > 1 ? path.replace(/\/+$/, "") : path).toLowerCase();
  const key = `${method.toUpperCase()} ${normalized}`;
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

/** A bucket's requests: `bucket` is its index since the epoch (bucket × width = its start). */
export interface BucketCount {
  bucket: number;
  count: number;
}

export function bucketWidthMs(windowMs: number): number {
  return windowMs / RATE_LIMIT_BUCKETS;
}

/** The bucket a request made at `at` counts in. */
export function bucketOf(at: Date, windowMs: number): number {
  return Math.floor(at.getTime() / bucketWidthMs(windowMs));
}

/** The oldest bucket that overlaps the window ending in bucket `current`. */
export function oldestBucket(current: number): number {
  return current - RATE_LIMIT_BUCKETS;
}

/** Requests in the buckets that overlap the window ending in bucket `current` (every one counted whole). */
export function countInWindow(buckets: readonly BucketCount[], current: number): number {
  let count = 0;
  for (const b of buckets) if (b.bucket >= oldestBucket(current) && b.bucket <= current) count += b.count;
  return count;
}

/**
 * When the `nth` oldest request counted in the window (1-based) has left it: the end of its
 * bucket plus the window. A bucket leaves whole, so this is never earlier than the request's own
 * time plus the window (Retry-After never invites a request that would be refused).
 */
export function nthLeavesAt(buckets: readonly BucketCount[], current: number, nth: number, windowMs: number): Date {
  const width = bucketWidthMs(windowMs);
  const inWindow = buckets
    .filter((b) => b.bucket >= oldestBucket(current) && b.bucket <= current && b.count > 0)
    .sort((a, b) => a.bucket - b.bucket);
  let seen = 0;
  for (const b of inWindow) {
    seen += b.count;
    if (seen >= nth) return new Date((b.bucket + 1) * width + windowMs);
  }
  return new Date((current + 1) * width + windowMs);
}
