import type { Platform } from "../../src/domain/platforms";
import { Harness } from "./harness";
import { LivePlatforms } from "./live-platforms";
import { RELAXED_RATE_LIMITS } from "./rate-limits";

/** A harness whose live adapters talk to freshly started fakes; faults are cleared after each test. */
export function adapterSuite(platform: Platform) {
  const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
  const live = new LivePlatforms();
  beforeAll(async () => {
    await live.start();
    h.adapters = live.registry();
  });
  afterAll(async () => {
    await live.stop();
    await h.close();
  });
  afterEach(() => {
    live.fakes[platform].clearFaults();
    live.fakes[platform].processingPolls = 1;
    // A failed test must not leave its tasks for the next one to run.
    h.tasks.pending.length = 0;
    h.offsetMs = 0;
  });
  return { h, live };
}

export const uniqueText = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;
