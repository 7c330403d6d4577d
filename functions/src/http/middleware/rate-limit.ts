import type { NextFunction, Request, Response } from "express";
import { AppError } from "../../domain/errors";
import {
  countInWindow,
  decide,
  endpointKey,
  entriesToAgeOut,
  nthLeavesAt,
  retryAfterSeconds,
  tierAllowance,
  type RateLimitConfig,
  type RateLimitTier,
  type WindowCount,
} from "../../domain/rate-limit";
import { logs } from "../../logs";
import { ctx } from "../context";
import type { AppDeps, DepsProvider } from "../deps";

/**
 * Requests whose check may run beside the route's own reads: the route awaits `ctx.admission`
 * before it commits or answers, and the error handler before it answers, so nothing is stored or
 * said before the limiter has decided (POST /v1/posts: its check, idempotency record and accounts
 * are read in one round).
 */
const OVERLAPPED = new Set(["POST /v1/posts"]);

/**
 * Soku's tiers plus per-user endpoint limits over a rolling window (domain/rate-limit.ts). Costs
 * one counter write and one query, sent together, whatever the load; state lives in Firestore,
 * so every instance enforces the same limit (store/rate-limit-store.ts says how exactly).
 */
export function rateLimit(deps: DepsProvider) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const d = deps();
    const c = ctx(res);
    const config = d.rateLimits.config();
    const identity = c.identity;
    const tier = identity?.tier ?? "default";
    const subject = identity ? `user:${identity.userId}` : `ip:${req.ip ?? "unknown"}`;
    // Endpoint limits are per user; an anonymous request is refused by the tier or by auth anyway.
    const endpoint = identity ? endpointKey(config, req.method, req.path) : null;
    const admission = admit(d, res, { config, tier, subject, endpoint });
    if (endpoint !== null && OVERLAPPED.has(endpoint)) {
      c.admission = admission;
      admission.catch(() => undefined); // awaited by the route or the error handler
      return next();
    }
    await admission;
    next();
  };
}

async function admit(
  d: AppDeps,
  res: Response,
  o: { config: RateLimitConfig; tier: RateLimitTier; subject: string; endpoint: string | null },
): Promise<void> {
  const { config, tier, endpoint } = o;
  const { windowMs } = config;
  const at = d.clock();
  let consumed;
  try {
    consumed = await d.rateLimits.store.consume(o.subject, endpoint, at, windowMs);
  } catch (error) {
    // The limiter protects the service; it must not take it down. Without its state the
    // request proceeds unlimited (and is logged), rather than failing every caller.
    logs.rateLimiterUnavailable(ctx(res).requestId, error);
    return;
  }
  const counts: WindowCount[] = [
    { scope: "tier", allowance: tierAllowance(config, tier), count: countInWindow(consumed.tier, at, windowMs) },
  ];
  if (endpoint && consumed.endpoint) {
    const allowance = config.endpoints[endpoint] ?? 0;
    counts.push({ scope: "endpoint", allowance, count: countInWindow(consumed.endpoint, at, windowMs) });
  }
  const verdict = decide(counts, at, windowMs);
  res.setHeader("X-RateLimit-Limit", String(verdict.binding.allowance));
  res.setHeader("X-RateLimit-Remaining", String(verdict.remaining));
  res.setHeader("X-RateLimit-Reset", String(verdict.resetAt));
  res.setHeader("X-RateLimit-Tier", tier);
  if (verdict.allowed) return;

  const { binding } = verdict;
  const buckets = (binding.scope === "endpoint" ? consumed.endpoint : null) ?? consumed.tier;
  const leaves = nthLeavesAt(buckets, at, entriesToAgeOut(binding), windowMs);
  // Seconds from the request's own time until the oldest request it must wait for has left the window: at most the window.
  const retryAfter = retryAfterSeconds(new Date(leaves.getTime() - windowMs), at, windowMs);
  const scope = binding.scope === "endpoint" ? `endpoint:${endpoint}` : `tier:${tier}`;
  throw new AppError(
    "rate_limit_exceeded",
    binding.scope === "endpoint"
      ? `Too many ${endpoint} requests: at most ${binding.allowance} per ${windowMs / 1000} s. Retry after ${retryAfter} s.`
      : `Too many requests for the ${tier} tier: at most ${binding.allowance} per ${windowMs / 1000} s. Retry after ${retryAfter} s.`,
    { limit: binding.allowance, scope, retryAfter, windowSeconds: windowMs / 1000 },
  );
}
