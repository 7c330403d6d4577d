import { DEFAULT_RATE_LIMITS } from "../../src/config/rate-limits";
import type { RateLimitConfig } from "../../src/domain/rate-limit";

/** For tests about something else that send more than a minute's allowance (fuzzing, bursts). */
export const RELAXED_RATE_LIMITS: RateLimitConfig = {
  ...DEFAULT_RATE_LIMITS,
  tiers: Object.fromEntries(
    Object.keys(DEFAULT_RATE_LIMITS.tiers).map((tier) => [tier, { limit: 100_000, burst: 0 }]),
  ) as RateLimitConfig["tiers"],
  endpoints: Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS.endpoints).map((e) => [e, 100_000])),
};
