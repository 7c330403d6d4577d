import { adapterSuite, olderPost, uniqueText } from "../../support/adapter-suite";
import { liveTenant, publishedMedia, publishLive, runOf, submitLive, vanishedMedia } from "../../support/live-publish";

const { h, live } = adapterSuite("instagram");
const ig = live.fakes.instagram;

describe("Instagram adapter against the fake Instagram Graph API", () => {
  it("publishes an image through container → status_code FINISHED → media_publish", async () => {
    const t = await liveTenant(h, live, "instagram");
    const text = uniqueText("IG image #launch");
    const { run } = await publishLive(h, t, {
      text,
      imageUrls: [live.media.media("a.jpg")],
      options: { altText: "a cat" },
    });
    const [post] = ig.postsOf(t.account);
    expect(post).toMatchObject({ kind: "IMAGE", text });
    expect(post!.details).toMatchObject({ alt_text: "a cat" });
    expect(run).toMatchObject({
      status: "succeeded",
      platformPostId: post!.id,
      permalink: `https://www.instagram.com/p/${post!.id}`,
    });
  });

  it("publishes a carousel of item containers", async () => {
    const t = await liveTenant(h, live, "instagram");
    const images = [1, 2, 3].map((i) => live.media.media(`c${i}.jpg`));
    const { id, run } = await publishLive(h, t, { text: uniqueText("carousel"), imageUrls: images });
    expect(run.status).toBe("succeeded");
    // Instagram pulled Postcast's copies, in the post's order.
    const copies = await publishedMedia(h, id);
    expect(copies).toHaveLength(3);
    for (const url of copies) expect(url.startsWith(`${h.publicUrl}/media-files/users/${t.uid}/media/rh_`)).toBe(true);
    expect(ig.postsOf(t.account)[0]).toMatchObject({ kind: "CAROUSEL", media: copies });
  });

  it("publishes a trial reel with share_to_feed and trial_params", async () => {
    const t = await liveTenant(h, live, "instagram");
    ig.processingPolls = 3;
    const { run } = await publishLive(h, t, {
      text: uniqueText("reel"),
      videoUrl: live.media.media("r.mp4"),
      options: { trialReel: true, trialGraduation: "SS_PERFORMANCE", shareToFeed: false },
    });
    expect(run.status).toBe("succeeded");
    expect(ig.postsOf(t.account)[0]!.details).toMatchObject({
      media_type: "REELS",
      share_to_feed: "false",
      trial_params: JSON.stringify({ graduation_strategy: "SS_PERFORMANCE" }),
    });
  });

  it("waits for the rolling window when content_publishing_limit is used up, then publishes", async () => {
    const t = await liveTenant(h, live, "instagram");
    ig.processingPolls = 0;
    ig.quota = 0;
    const id = await submitLive(h, t, { text: uniqueText("quota"), imageUrls: [live.media.media("a.jpg")] });
    await h.drain();
    const waiting = await runOf(h, id, "instagram");
    expect(waiting).toMatchObject({ status: "queued", error: { code: "rate_limited" } });
    expect(waiting.error.message).toMatch(/0 of its 0 posts/);
    expect(ig.postsOf(t.account)).toHaveLength(0);
    ig.quota = 50;
    h.offsetMs += 3601_000;
    await h.drain();
    h.offsetMs = 0;
    expect(await runOf(h, id, "instagram")).toMatchObject({ status: "succeeded" });
    expect(ig.postsOf(t.account)).toHaveLength(1);
  });

  it("settles a lost media_publish answer through the container: one post", async () => {
    const t = await liveTenant(h, live, "instagram");
    ig.inject({ method: "POST", path: "/media_publish", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text: uniqueText("lost"), imageUrls: [live.media.media("a.jpg")] });
    expect(ig.postsOf(t.account)).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: ig.postsOf(t.account)[0]!.id });
  });

  it("retries when the media cannot be fetched yet, failing after five attempts with the container's error", async () => {
    const t = await liveTenant(h, live, "instagram");
    const { run } = await publishLive(h, t, {
      text: uniqueText("404"),
      imageUrls: [await vanishedMedia(h, t, live, "a.jpg")],
    });
    expect(run).toMatchObject({ status: "failed", attempts: 5, error: { code: "transient" } });
    expect(run.error.message).toMatch(/2207052/);
  });
});

describe("Instagram reconciliation never takes another post for the run's", () => {
  it("keeps the container's id rather than take an older identical post while its own is not listed yet", async () => {
    const t = await liveTenant(h, live, "instagram");
    const text = uniqueText("same caption");
    const old = olderPost(h, ig, {
      accountId: t.account,
      kind: "IMAGE",
      text,
      media: ["https://cdn.example/old.jpg"],
    });
    ig.listingLagMs = 60_000;
    ig.inject({ method: "POST", path: "/media_publish", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text, imageUrls: [live.media.media("a.jpg")] });
    const posts = ig.postsOf(t.account);
    expect(posts).toHaveLength(2);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.details.container });
    expect(run.platformPostId).not.toBe(old.id);
  });
});
