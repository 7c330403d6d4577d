import type { Platform } from "../../src/domain/platforms";
import type { FakePlatform } from "../../fakes/kit/fake-platform";
import { Harness } from "./harness";
import { LivePlatforms } from "./live-platforms";
import { RELAXED_RATE_LIMITS } from "./rate-limits";

/**
 * A harness whose live adapters and connect flow talk to freshly started fakes, served on a port
 * so the fakes can fetch the media Postcast rehosts; the clock and the fakes' consent are reset
 * after each test.
 */
export function liveSuite(options: ConstructorParameters<typeof Harness>[0] = {}) {
  const h = new Harness(options);
  const live = new LivePlatforms();
  beforeAll(async () => {
    await live.start();
    await h.serve();
    h.adapters = live.registry();
    h.platformSettings = (p) => live.settings[p];
    live.followClock(h.clock);
  });
  afterAll(async () => {
    await live.stop();
    await h.close();
  });
  afterEach(() => {
    h.offsetMs = 0;
    for (const fake of Object.values(live.fakes)) fake.consent = "approve";
  });
  return { h, live };
}

/** liveSuite for one platform's adapter tests; its faults are cleared after each test. */
export function adapterSuite(platform: Platform) {
  const { h, live } = liveSuite({ rateLimits: RELAXED_RATE_LIMITS });
  afterEach(() => {
    live.fakes[platform].clearFaults();
    live.fakes[platform].processingPolls = 1;
    live.fakes[platform].listingLagMs = 0;
    // A failed test must not leave its tasks for the next one to run.
    h.tasks.pending.length = 0;
  });
  return { h, live };
}

export const uniqueText = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;

/**
 * A post the account made `minutesAgo` (by the harness's clock), outside Postcast, with whatever
 * text and media a test gives it: what reconciliation must never take for a run's own post.
 */
export function olderPost(
  h: Harness,
  fake: FakePlatform,
  post: Omit<Parameters<FakePlatform["publish"]>[0], "createdAt" | "media" | "details"> & {
    media?: string[];
    details?: Record<string, unknown>;
  },
  minutesAgo = 10,
) {
  return fake.publish({ media: [], details: {}, ...post, createdAt: h.clock().getTime() - minutesAgo * 60_000 });
}
