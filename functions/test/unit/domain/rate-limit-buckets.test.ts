import fc from "fast-check";
import {
  bucketOf,
  bucketWidthMs,
  countInWindow,
  nthLeavesAt,
  RATE_LIMIT_BUCKETS,
  type BucketCount,
} from "../../../src/domain/rate-limit";

/**
 * The bucketed window against the exact rolling window it approximates, on one subject's request
 * times: every request counts (refused ones too), as in the limiter.
 */
const WINDOW = 60_000;
const WIDTH = bucketWidthMs(WINDOW);

function replay(times: number[], allowance: number) {
  const buckets = new Map<number, number>();
  return times.map((t, i) => {
    const current = bucketOf(new Date(t), WINDOW);
    buckets.set(current, (buckets.get(current) ?? 0) + 1);
    const seen: BucketCount[] = [...buckets].map(([bucket, count]) => ({ bucket, count }));
    const count = countInWindow(seen, current);
    // The requests up to this one (same-millisecond ones after it came later).
    return { t, before: times.slice(0, i + 1), current, seen, count, admitted: count <= allowance };
  });
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
        const leaves = nthLeavesAt(last.seen, last.current, nth, WINDOW).getTime();
        // A request at that time, with nothing in between, is admitted.
        const next = bucketOf(new Date(leaves), WINDOW);
        const seen = [...last.seen, { bucket: next, count: 1 }];
        expect(countInWindow(seen, next)).toBeLessThanOrEqual(allowance);
        // The exact rolling window frees a place when enough of its own requests have left it.
        const inWindow = times.filter((x) => x > last.t - WINDOW && x <= last.t);
        // (Or now, when the bucketed count refused a request the exact window would have admitted.)
        const exact = inWindow.length >= allowance ? inWindow[inWindow.length - allowance]! + WINDOW : last.t;
        expect(leaves).toBeGreaterThanOrEqual(exact);
        expect(leaves - exact).toBeLessThanOrEqual(WIDTH);
        expect(leaves - last.t).toBeLessThanOrEqual(WINDOW + WIDTH);
      }),
      { numRuns: 300 },
    );
  });

  it("worst case: a burst at the start of a bucket keeps counting until the whole bucket has left", () => {
    const allowance = 10;
    const burstAt = 10 * WIDTH; // the first millisecond of bucket 10
    const times = [...Array<number>(allowance).fill(burstAt), burstAt + WINDOW + 1];
    const r = replay(times, allowance).at(-1)!;
    // Exact: the burst left the window 1 ms ago, so the request fits. Bucketed: refused, one bucket early at most.
    expect(within(times, r.t, WINDOW)).toBe(1);
    expect(r.admitted).toBe(false);
    expect(nthLeavesAt(r.seen, r.current, 1, WINDOW).getTime()).toBe(11 * WIDTH + WINDOW);
    expect(RATE_LIMIT_BUCKETS).toBe(6);
  });
});
