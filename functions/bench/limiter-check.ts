import type { Harness } from "../test/support/harness";

/**
 * One rate-limit check as the middleware does it (its Firestore work only), for a subject whose
 * window already holds `filled` requests.
 */
export async function limiterCheck(h: Harness, subject: string, filled: number): Promise<() => Promise<void>> {
  const limiter = h.deps.rateLimits.store;
  for (let i = 0; i < filled; i += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, filled - i) }, () => limiter.consume(subject, null, new Date(), 60_000)),
    );
  }
  return async () => {
    await limiter.consume(subject, null, new Date(), 60_000);
  };
}
