/**
 * Rate limiting by a rolling window over a log of requests (pure: the counting is in the store).
 * Every request that reaches the limiter is logged with Firestore's commit time; a request is
 * admitted when the log holds at most `allowance` entries in the window that ends at its own
 * entry. Entries are ordered by commit time, so two instances can never both admit the request
 * that would exceed the allowance, and no document is shared between requests.
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
