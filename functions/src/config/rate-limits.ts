import { z } from "zod";
import { RATE_LIMIT_TIERS, type RateLimitConfig } from "../domain/rate-limit";

/**
 * Soku's public numbers (help.mysoku.io/api-reference/rate-limits): per tier, requests per rolling
 * minute plus a burst allowance; on top, per-user limits on the expensive endpoints.
 */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  windowMs: 60_000,
  tiers: {
    default: { limit: 25, burst: 10 },
    authenticated: { limit: 60, burst: 30 },
    premium: { limit: 100, burst: 100 },
    admin: { limit: 200, burst: 500 },
  },
  endpoints: {
    "POST /v1/posts": 30,
    "POST /v1/media": 30,
    "POST /v1/media/uploads": 30,
    // Soku's Templates API: 20 renders per minute (its alias POST /v1/media/render-og counts here too).
    "POST /v1/templates": 20,
  },
};

const tierLimit = z.object({ limit: z.number().int().positive(), burst: z.number().int().min(0) }).strict();
const overrides = z
  .object({
    windowMs: z.number().int().min(1000).optional(),
    tiers: z.partialRecord(z.enum(RATE_LIMIT_TIERS), tierLimit).optional(),
    endpoints: z
      .record(z.string().regex(/^(GET|POST|PATCH|DELETE|PUT) \/\S+$/), z.number().int().positive())
      .optional(),
  })
  .strict();

/**
 * The limits in force: the defaults above, overridden by the `POSTCAST_RATE_LIMITS` environment
 * variable (JSON of the same shape, any part optional) so an operator can change numbers without a
 * code change. A malformed override fails the first request loudly rather than silently unlimiting.
 */
export function rateLimitConfig(env: NodeJS.ProcessEnv = process.env): RateLimitConfig {
  const raw = env.POSTCAST_RATE_LIMITS;
  if (!raw) return DEFAULT_RATE_LIMITS;
  const parsed = overrides.parse(JSON.parse(raw));
  return {
    windowMs: parsed.windowMs ?? DEFAULT_RATE_LIMITS.windowMs,
    tiers: { ...DEFAULT_RATE_LIMITS.tiers, ...parsed.tiers },
    endpoints: { ...DEFAULT_RATE_LIMITS.endpoints, ...parsed.endpoints },
  };
}
