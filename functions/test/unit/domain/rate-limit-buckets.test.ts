import fc from "fast-check";
import {
  bucketOf,
  bucketWidthMs,
  countInWindow,
  nthLeavesAt,
  RATE_LIMIT_BUCKETS,
  retryAfterSeconds,
  type BucketCount,
} from "../../../src/domain/rate-limit";

/**
 * The bucketed window against the exact rolling window it approximates, on one subject's request
 * times: every request counts (refused ones too), as in the limiter.
 */
const WINDOW = 60_000;
const WIDTH = bucketWidthMs(WINDOW);

function replay(times: number[], allowance: number) {
  const buckets = new Map<number, { count: number; last: number }>();
  return times.map((t, i) => {
    const current = bucketOf(new Date(t), WINDOW);
    buckets.set(current, { count: (buckets.get(current)?.count ?? 0) + 1, last: t });
    const seen: BucketCount[] = [...buckets].map(([bucket, b]) => ({ bucket, ...b }));
    const count = countInWindow(seen, new Date(t), WINDOW);
    // The requests up to this one (same-millisecond ones after it came later).
    return { t, before: times.slice(0, i + 1), current, seen, count, admitted: count <= allowance };
  });
}

/** The retry's own request added to its bucket, as the limiter counts it. */
function after(seen: BucketCount[], bucket: number, t: number): BucketCount[] {
  const prior = seen.find((b) => b.bucket === bucket);
  return [{ bucket, count: (prior?.count ?? 0) + 1, last: t }];
}

/** Requests in the rolling window (from - span, t]. */
const within = (times: number[], t: number, span: number) => times.filter((x) => x > t - span && x <= t).length;

// Request times in ms, sorted: bursts and gaps over a few windows, starting anywhere in a bucket.
const arbTimes = fc
  .tuple(
    fc.integer({ min: 1_000_000, max: 2_000_000 }),
    fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 3 * WIDTH })), {
      minLength: 1,
      maxLength: 400,
    }),
  )
  .map(([start, gaps]) => {
    let t = start;
    return gaps.map((g) => (t += g));
  });
const arbAllowance = fc.integer({ min: 1, max: 20 });

describe("rate-limit buckets (property-based)", () => {
  it("never admits a request whose exact rolling window holds more than the allowance", () => {
    fc.assert(
      fc.property(arbTimes, arbAllowance, (times, allowance) => {
        for (const r of replay(times, allowance)) {
          if (r.admitted) expect(within(r.before, r.t, WINDOW)).toBeLessThanOrEqual(allowance);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("refuses at most one bucket early: a refused request's window, one bucket longer, is over the allowance", () => {
    fc.assert(
      fc.property(arbTimes, arbAllowance, (times, allowance) => {
        for (const r of replay(times, allowance)) {
          if (!r.admitted) expect(within(r.before, r.t, WINDOW + WIDTH)).toBeGreaterThan(allowance);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("Retry-After is never too early and at most one bucket later than the exact one", () => {
    fc.assert(
      fc.property(arbTimes, arbAllowance, (times, allowance) => {
        const replayed = replay(times, allowance);
        const last = replayed[replayed.length - 1]!;
        if (last.admitted) return;
        const nth = last.count - allowance + 1;
        const leaves = nthLeavesAt(last.seen, new Date(last.t), nth, WINDOW).getTime();
        // A request at that time, with nothing in between, is admitted.
        const next = bucketOf(new Date(leaves), WINDOW);
        const seen = [...last.seen.filter((b) => b.bucket !== next), ...after(last.seen, next, leaves)];
        expect(countInWindow(seen, new Date(leaves), WINDOW)).toBeLessThanOrEqual(allowance);
        // The exact rolling window frees a place when enough of its own requests have left it.
        const inWindow = times.filter((x) => x > last.t - WINDOW && x <= last.t);
        // (Or now, when the bucketed count refused a request the exact window would have admitted.)
        const exact = inWindow.length >= allowance ? inWindow[inWindow.length - allowance]! + WINDOW : last.t;
        expect(leaves).toBeGreaterThanOrEqual(exact);
        expect(leaves - exact).toBeLessThanOrEqual(WIDTH);
        expect(leaves - last.t).toBeLessThanOrEqual(WINDOW);
      }),
      { numRuns: 300 },
    );
  });

  it("Retry-After, in whole seconds as answered, is at most the window, and a request after exactly that long is admitted", () => {
    fc.assert(
      fc.property(arbTimes, arbAllowance, (times, allowance) => {
        const replayed = replay(times, allowance);
        const last = replayed[replayed.length - 1]!;
        if (last.admitted) return;
        const at = new Date(last.t);
        const leaves = nthLeavesAt(last.seen, at, last.count - allowance + 1, WINDOW);
        // As the middleware answers it: whole seconds from the refused request's own time.
        const seconds = retryAfterSeconds(new Date(leaves.getTime() - WINDOW), at, WINDOW);
        expect(seconds).toBeLessThanOrEqual(WINDOW / 1000);
        const retry = last.t + seconds * 1000;
        const next = bucketOf(new Date(retry), WINDOW);
        const seen = [...last.seen.filter((b) => b.bucket !== next), ...after(last.seen, next, retry)];
        expect(countInWindow(seen, new Date(retry), WINDOW)).toBeLessThanOrEqual(allowance);
      }),
      { numRuns: 500 },
    );
  });

  it("with requests spread over instances (one count per bucket and instance), never admits over the allowance and Retry-After stays within the window", () => {
    fc.assert(
      fc.property(
        arbTimes,
        arbAllowance,
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 400, maxLength: 400 }),
        (times, allowance, instances) => {
          const counts = new Map<string, BucketCount>();
          times.forEach((t, i) => {
            const bucket = bucketOf(new Date(t), WINDOW);
            const key = `${bucket}|${instances[i]}`;
            counts.set(key, { bucket, count: (counts.get(key)?.count ?? 0) + 1, last: t });
            const seen = [...counts.values()];
            const at = new Date(t);
            const count = countInWindow(seen, at, WINDOW);
            if (count <= allowance) {
              expect(within(times.slice(0, i + 1), t, WINDOW)).toBeLessThanOrEqual(allowance);
              return;
            }
            const leaves = nthLeavesAt(seen, at, count - allowance + 1, WINDOW);
            const seconds = retryAfterSeconds(new Date(leaves.getTime() - WINDOW), at, WINDOW);
            expect(seconds).toBeLessThanOrEqual(WINDOW / 1000);
            const retry = new Date(t + seconds * 1000);
            expect(
              countInWindow(
                [...seen, { bucket: bucketOf(retry, WINDOW), count: 1, last: retry.getTime() }],
                retry,
                WINDOW,
              ),
            ).toBeLessThanOrEqual(allowance);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("worst case: a bucket keeps counting until its latest request has left the window", () => {
    const allowance = 10;
    const burstAt = 10 * WIDTH; // the first millisecond of bucket 10
    const times = [...Array<number>(allowance - 1).fill(burstAt), burstAt + WIDTH - 1, burstAt + WINDOW + 1];
    const r = replay(times, allowance).at(-1)!;
    // Exact: all but the bucket's last request left the window, so the request fits. Bucketed: refused,
    // one bucket early at most, until that last one leaves.
    expect(within(times, r.t, WINDOW)).toBe(2);
    expect(r.admitted).toBe(false);
    expect(nthLeavesAt(r.seen, new Date(r.t), 1, WINDOW).getTime()).toBe(burstAt + WIDTH - 1 + WINDOW);
    expect(RATE_LIMIT_BUCKETS).toBe(6);
  });

  it("a burst at the start of a bucket is waited for one window, not the window plus the bucket", () => {
    const allowance = 10;
    const burstAt = 10 * WIDTH;
    const times = Array<number>(allowance + 1).fill(burstAt);
    const r = replay(times, allowance).at(-1)!;
    expect(r.admitted).toBe(false);
    const leaves = nthLeavesAt(r.seen, new Date(r.t), r.count - allowance + 1, WINDOW);
    expect(retryAfterSeconds(new Date(leaves.getTime() - WINDOW), new Date(r.t), WINDOW)).toBe(60);
    const retry = new Date(burstAt + WINDOW);
    expect(
      countInWindow([...r.seen, { bucket: bucketOf(retry, WINDOW), count: 1, last: retry.getTime() }], retry, WINDOW),
    ).toBe(1);
  });

  it("counters that do not say when their latest request was are taken to end with their bucket, and never wait past the window", () => {
    const at = new Date(10 * WIDTH + 1);
    const seen: BucketCount[] = [{ bucket: 10, count: 5 }];
    expect(countInWindow(seen, at, WINDOW)).toBe(5);
    expect(countInWindow(seen, new Date(11 * WIDTH - 2 + WINDOW), WINDOW)).toBe(5);
    expect(countInWindow(seen, new Date(11 * WIDTH - 1 + WINDOW), WINDOW)).toBe(0);
    expect(nthLeavesAt(seen, at, 1, WINDOW).getTime()).toBe(at.getTime() + WINDOW);
    // A time past the bucket's end (a bad write) keeps it no longer than its end would.
    expect(countInWindow([{ bucket: 10, count: 5, last: 99 * WIDTH }], new Date(11 * WIDTH + WINDOW), WINDOW)).toBe(0);
  });
});
