import { randomUUID } from "node:crypto";
import request from "supertest";
import { PLATFORMS, type Platform } from "../../src/domain/platforms";
import type { PlatformAdapter } from "../../src/platforms/platform-adapter";
import type { AdapterRegistry } from "../../src/platforms/registry";
import { seededRandom } from "../../fakes/kit/seeded-random";
import { Harness } from "../support/harness";
import type { QueuedTask } from "../support/inline-tasks";
import { LivePlatforms } from "../support/live-platforms";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

/**
 * At least 1,000 live publishes through every adapter and fake while the fakes fail at random
 * (5xx, throttling, dropped connections, answers lost after the platform acted), tasks are
 * delivered twice and concurrently, and the publisher "crashes" between the platform's success and
 * our write. Afterwards: exactly one platform post per succeeded target, none for failed ones, at
 * most one for `unknown` ones (each with its reason), and every submission final.
 */
const TENANTS = 25;
const POSTS_PER_TENANT = 5;
const SEED = Number(process.env.FAULT_SEED ?? 20261123);
const random = seededRandom(SEED);

const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
const live = new LivePlatforms();
const stats = { deliveries: 0, duplicated: 0, crashes: 0, handlerErrors: 0 };

/** Wraps the live adapters so a published result is lost, now and then, before we record it. */
function crashing(inner: AdapterRegistry, rate: number): AdapterRegistry {
  return {
    forRun(platform, mode) {
      const adapter = inner.forRun(platform, mode);
      const crash = async <T extends { kind: string }>(result: Promise<T>): Promise<T> => {
        const value = await result;
        if (value.kind === "published" && random() < rate) {
          stats.crashes += 1;
          throw new Error("simulated crash between the platform's success and our write");
        }
        return value;
      };
      const wrapped: PlatformAdapter = {
        platform: adapter.platform,
        step: (ctx) => crash(adapter.step(ctx)),
        reconcile: (ctx) => crash(adapter.reconcile(ctx)),
        refresh: (c, http) => adapter.refresh(c, http),
        classifyError: (e) => adapter.classifyError(e),
      };
      return wrapped;
    },
  };
}

/** Cloud Tasks at its worst: every due task at once, some twice, in concurrent batches, failures redelivered. */
async function deliverChaotically(): Promise<void> {
  const handlers = h.handlers();
  for (let round = 0; h.tasks.pending.length > 0; round += 1) {
    if (round > 500) throw new Error("tasks never settled");
    const batch = h.tasks.pending.splice(0, h.tasks.pending.length);
    const deliveries: QueuedTask[] = [];
    for (const task of batch) {
      deliveries.push(task);
      if (random() < 0.2) {
        stats.duplicated += 1;
        deliveries.push(task);
      }
    }
    for (let i = 0; i < deliveries.length; i += 48) {
      await Promise.all(
        deliveries.slice(i, i + 48).map(async (task) => {
          stats.deliveries += 1;
          try {
            await handlers[task.fn]!(task.payload, { retryCount: task.retryCount });
          } catch {
            stats.handlerErrors += 1;
            if (task.retryCount < 9) h.tasks.pending.push({ ...task, retryCount: task.retryCount + 1 });
          }
        }),
      );
    }
  }
}

beforeAll(async () => {
  await live.start();
  // The fakes fetch the copies Postcast rehosts at orchestration from the harness's app.
  await h.serve();
  h.adapters = crashing(live.registry(), 0.05);
  // Later rounds move Postcast's clock by hours: the platforms' clocks move with it.
  live.followClock(h.clock);
  h.caps = Object.fromEntries(PLATFORMS.map((p) => [p, null])) as Harness["caps"] & object;
  live.fakes.youtube.insertQuota = 100_000;
  live.fakes.tiktok.dailyCap = 100_000;
  live.fakes.instagram.quota = 100_000;
  live.fakes.threads.quota = 100_000;
  for (const fake of Object.values(live.fakes)) {
    fake.processingPolls = 0;
    fake.setChaos({
      seed: SEED + fake.platform.length,
      rate: 0.12,
      kinds: ["transient", "drop", "lose_answer", "rate_limited"],
      spare: /oauth|token/,
    });
  }
});
afterAll(async () => {
  await live.stop();
  await h.close();
});

it(
  "publishes ≥ 1,000 targets exactly once under random faults, duplicate deliveries and crashes",
  async () => {
    const submissions: { id: string; uid: string; text: string; accounts: Record<Platform, string> }[] = [];
    for (let n = 0; n < TENANTS; n += 1) {
      const tag = randomUUID().slice(0, 6);
      const accounts = Object.fromEntries(PLATFORMS.map((p) => [p, `${p}_${tag}`])) as Record<Platform, string>;
      const t = await h.tenant({
        keys: [{ mode: "live" }],
        accounts: Object.fromEntries(PLATFORMS.map((p) => [p, [accounts[p]]])),
      });
      await Promise.all(
        PLATFORMS.map((p) =>
          live.connect(
            h,
            t.uid,
            p,
            accounts[p],
            p === "facebook" ? { ttlSeconds: null, refresh: false, expiresAt: null } : {},
          ),
        ),
      );
      for (let k = 0; k < POSTS_PER_TENANT; k += 1) {
        const text = `Fault run ${tag}-${k} ${randomUUID().slice(0, 8)}`;
        const res = await request(h.app)
          .post("/v1/posts")
          .set("soku-api-key", t.key)
          .send({
            post: {
              content: {
                text,
                videoUrl: live.media.media(`clip-${k}.mp4`, 64 * 1024),
                platform: PLATFORMS.map((p) => ({ platform: p, accountId: accounts[p] })),
              },
            },
          });
        expect(res.status).toBe(202);
        submissions.push({ id: res.body.postSubmissionId, uid: t.uid, text, accounts });
      }
    }

    await deliverChaotically();
    // What is left waits for a later time (a platform's reset): deliver it as that time comes.
    for (let i = 0; i < 20 && h.tasks.pending.length > 0; i += 1) {
      h.offsetMs += 3600_000;
      await deliverChaotically();
    }

    const tally = { publishes: 0, succeeded: 0, failed: 0, unknown: 0, platformPosts: 0, duplicates: 0, lost: 0 };
    const byStatus: Record<string, number> = {};
    for (const s of submissions) {
      const sub = (await h.db.doc(`postSubmissions/${s.id}`).get()).data()!;
      byStatus[sub.status] = (byStatus[sub.status] ?? 0) + 1;
      expect(["completed", "partially_failed", "failed"]).toContain(sub.status);
      const runs = await h.db.collection(`postSubmissions/${s.id}/runs`).get();
      expect(runs.size).toBe(PLATFORMS.length);
      for (const doc of runs.docs) {
        const run = doc.data();
        const platform = run.platform as Platform;
        const posts = live.fakes[platform]
          .postsOf(s.accounts[platform])
          .filter((p) => p.text === s.text || p.text.startsWith(s.text));
        tally.publishes += 1;
        tally.platformPosts += posts.length;
        if (run.status === "succeeded") {
          tally.succeeded += 1;
          if (posts.length !== 1) tally.duplicates += posts.length > 1 ? 1 : 0;
          if (posts.length === 0) tally.lost += 1;
          expect({ platform, posts: posts.length }).toEqual({ platform, posts: 1 });
        } else if (run.status === "failed") {
          tally.failed += 1;
          expect({ platform, posts: posts.length, error: typeof run.error?.message }).toEqual({
            platform,
            posts: 0,
            error: "string",
          });
        } else {
          tally.unknown += 1;
          expect(run.status).toBe("unknown");
          expect(run.error.message.length).toBeGreaterThan(10);
          expect(posts.length).toBeLessThanOrEqual(1);
        }
      }
    }
    const platformRequests = Object.fromEntries(Object.entries(live.fakes).map(([p, f]) => [p, f.requests.length]));
    console.log(JSON.stringify({ seed: SEED, ...tally, submissions: byStatus, ...stats, platformRequests }, null, 1));
    expect(tally.publishes).toBeGreaterThanOrEqual(1000);
    expect(tally.duplicates).toBe(0);
    expect(stats.crashes).toBeGreaterThan(0);
    expect(stats.duplicated).toBeGreaterThan(0);
  },
  30 * 60_000,
);
