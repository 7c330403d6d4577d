import type { NextFunction, Request, Response } from "express";
import { AppError } from "../../domain/errors";
import {
  decide,
  endpointKey,
  entriesToAgeOut,
  retryAfterSeconds,
  tierAllowance,
  type RateLimitVerdict,
  type WindowCount,
} from "../../domain/rate-limit";
import { logs } from "../../logs";
import { ctx } from "../context";
import type { DepsProvider } from "../deps";

/**
 * Soku's tiers plus per-user endpoint limits over a rolling window (domain/rate-limit.ts). Costs
 * one Firestore write (the request's log entry) and one or two `count()` reads, whatever the load;
 * state lives in Firestore, so every instance enforces the same limit.
 */
export function rateLimit(deps: DepsProvider) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const d = deps();
    const config = d.rateLimits.config();
    const identity = ctx(res).identity;
    const tier = identity?.tier ?? "default";
    const subject = identity ? `user:${identity.userId}` : `ip:${req.ip ?? "unknown"}`;
    // Endpoint limits are per user; an anonymous request is refused by the tier or by auth anyway.
    const endpoint = identity ? endpointKey(config, req.method, req.path) : null;
    const { windowMs } = config;

    const store = d.rateLimits.store;
    let at: Date;
    let counts: WindowCount[];
    try {
      const entry = await store.hit(subject, endpoint, d.clock());
      at = entry.at;
      const scopes: { scope: WindowCount["scope"]; endpoint: string | null; allowance: number }[] = [
        { scope: "tier", endpoint: null, allowance: tierAllowance(config, tier) },
      ];
      if (endpoint) scopes.push({ scope: "endpoint", endpoint, allowance: config.endpoints[endpoint] ?? 0 });
      counts = await Promise.all(
        scopes.map(async (s) => {
          let count = await store.count(subject, s.endpoint, entry.at, windowMs);
          // Only at the edge: entries sharing this commit time but ordered after it are not "before" it.
          if (count > s.allowance) count -= await store.tiesAfter(subject, s.endpoint, entry.at, entry.id);
          return { scope: s.scope, allowance: s.allowance, count };
        }),
      );
    } catch (error) {
      // The limiter protects the service; it must not take it down. Without its state the
      // request proceeds unlimited (and is logged), rather than failing every caller.
      logs.rateLimiterUnavailable(ctx(res).requestId, error);
      return next();
    }

    const verdict = decide(counts, at, windowMs);
    setHeaders(res, tier, verdict);
    if (verdict.allowed) return next();

    const { binding } = verdict;
    const oldest = await store
      .nthOldest(subject, binding.scope === "endpoint" ? endpoint : null, at, windowMs, entriesToAgeOut(binding))
      .catch(() => null);
    const retryAfter = retryAfterSeconds(oldest ?? at, d.clock(), windowMs);
    const scope = binding.scope === "endpoint" ? `endpoint:${endpoint}` : `tier:${tier}`;
    throw new AppError(
      "rate_limit_exceeded",
      binding.scope === "endpoint"
        ? `Too many ${endpoint} requests: at most ${binding.allowance} per ${windowMs / 1000} s. Retry after ${retryAfter} s.`
        : `Too many requests for the ${tier} tier: at most ${binding.allowance} per ${windowMs / 1000} s. Retry after ${retryAfter} s.`,
      { limit: binding.allowance, scope, retryAfter, windowSeconds: windowMs / 1000 },
    );
  };
}

function setHeaders(res: Response, tier: string, verdict: RateLimitVerdict): void {
  res.setHeader("X-RateLimit-Limit", String(verdict.binding.allowance));
  res.setHeader("X-RateLimit-Remaining", String(verdict.remaining));
  res.setHeader("X-RateLimit-Reset", String(verdict.resetAt));
  res.setHeader("X-RateLimit-Tier", tier);
}
