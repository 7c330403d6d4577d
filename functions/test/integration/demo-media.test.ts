/**
 * The demo video the fakes' media server offers (`/media/<name>.mp4?seconds=6`, what the banner
 * and the README post) fits every platform's rules once probed; the short clip does not, which is
 * why the 6-second one exists. Checked the way a user would: stored with POST /v1/media, then a
 * dry run to all eight platforms.
 */
import request from "supertest";
import { MediaServer } from "../../fakes/kit/media-server";
import { DEMO_TARGETS_ALL_PLATFORMS } from "../../dev/seed";
import { Harness } from "../support/harness";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
const media = new MediaServer();
beforeAll(() => media.start());
afterAll(async () => {
  await media.stop();
  await h.close();
});

interface Target {
  platform: string;
  outcome: string;
  violations: { rule: string }[];
}

async function dryRunEverywhere(url: string) {
  const t = await h.tenant();
  const stored = await request(h.app).post("/v1/media").set("soku-api-key", t.key).send({ url });
  expect(stored.status).toBe(201);
  const dry = await request(h.app)
    .post("/v1/posts?dryRun=true")
    .set("soku-api-key", t.key)
    .send({ post: { content: { text: "demo", mediaIds: [stored.body.id], platform: DEMO_TARGETS_ALL_PLATFORMS } } });
  expect(dry.status).toBe(200);
  return { media: stored.body as Record<string, unknown>, dry: dry.body as { valid: boolean; targets: Target[] } };
}

describe("the fakes' demo videos against every platform's rules", () => {
  it("the 6-second 9:16 H.264/AAC video is sent to all eight platforms as it is", async () => {
    const { media: facts, dry } = await dryRunEverywhere(media.videoThatFits("demo.mp4"));
    expect(facts).toMatchObject({ contentType: "video/mp4", width: 360, height: 640, durationSeconds: 6 });
    expect(dry.targets.map((t) => [t.platform, t.outcome, t.violations])).toEqual(
      ["x", "threads", "linkedin", "instagram", "facebook", "tiktok", "youtube", "snapchat"].map((p) => [
        p,
        "send",
        [],
      ]),
    );
    expect(dry.valid).toBe(true);
  });

  it("the 2-second clip is refused where platforms want longer videos (LinkedIn, Instagram, Snapchat)", async () => {
    const { dry } = await dryRunEverywhere(media.media("short.mp4"));
    const rejected = dry.targets.filter((t) => t.outcome === "rejected");
    expect(rejected.map((t) => [t.platform, t.violations.map((v) => v.rule)])).toEqual([
      ["linkedin", ["video_duration"]],
      ["instagram", ["video_duration"]],
      ["snapchat", ["video_duration"]],
    ]);
  });
});
