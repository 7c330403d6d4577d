import { adapterSuite, olderPost, uniqueText } from "../../support/adapter-suite";
import { accountOf, liveTenant, publishedMedia, publishLive, vanishedMedia } from "../../support/live-publish";

const { h, live } = adapterSuite("facebook");
const fb = live.fakes.facebook;
const pageToken = { ttlSeconds: null, refresh: false, expiresAt: null };

describe("Facebook Pages adapter against the fake Graph API", () => {
  it("posts text with a link to the Page feed", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    const text = uniqueText("FB text");
    const { run } = await publishLive(h, t, { text, options: { link: "https://example.com/post" } });
    const [post] = fb.postsOf(t.account);
    expect(post).toMatchObject({ kind: "link", text, details: { link: "https://example.com/post" } });
    expect(run).toMatchObject({
      status: "succeeded",
      platformPostId: post!.id,
      permalink: `https://www.facebook.com/${post!.id}`,
    });
  });

  it("posts one photo through /photos", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    const { run } = await publishLive(h, t, { text: uniqueText("photo"), imageUrls: [live.media.media("a.jpg")] });
    expect(fb.postsOf(t.account)[0]).toMatchObject({ kind: "photo" });
    expect(run.platformPostId).toBe(fb.postsOf(t.account)[0]!.id);
  });

  it("posts several photos as unpublished photos attached to one feed post", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    const images = [live.media.media("a.jpg"), live.media.media("b.jpg"), live.media.media("c.png")];
    const { id, run } = await publishLive(h, t, { text: uniqueText("album"), imageUrls: images });
    expect(run.status).toBe("succeeded");
    const copies = await publishedMedia(h, id);
    expect(copies).toHaveLength(3);
    expect(fb.postsOf(t.account)).toEqual([expect.objectContaining({ kind: "multi_photo", media: copies })]);
  });

  it("posts a video by file_url and waits until it is ready", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    fb.processingPolls = 2;
    const { run } = await publishLive(h, t, {
      text: uniqueText("video"),
      videoUrl: live.media.media("v.mp4"),
      options: { title: "Demo" },
    });
    const [post] = fb.postsOf(t.account);
    expect(post).toMatchObject({ kind: "video", details: { title: "Demo" } });
    expect(run).toMatchObject({ status: "succeeded", platformPostId: post!.id, attempts: 1 });
  });

  it("settles a lost feed answer from the Page's feed, and code 506 never makes a second post", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    fb.inject({ method: "POST", path: "/feed", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text: uniqueText("lost") });
    expect(fb.postsOf(t.account)).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("fails a duplicate (506) at once and a photo the Page cannot fetch (324)", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    const text = uniqueText("dup");
    fb.publish({ accountId: t.account, kind: "status", text, media: [], details: {} });
    const dup = await publishLive(h, t, { text });
    expect(dup.run).toMatchObject({ status: "failed", attempts: 1, error: { code: "rejected" } });
    expect(dup.run.error.message).toMatch(/506/);
    const bad = await publishLive(h, t, {
      text: uniqueText("bad"),
      imageUrls: [await vanishedMedia(h, t, live, "x.jpg")],
    });
    expect(bad.run).toMatchObject({ status: "failed", error: { code: "rejected" } });
  });

  it("needs a reconnect when the Page token is invalidated (no refresh grant exists)", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    fb.revoke(t.account);
    const { run } = await publishLive(h, t, { text: uniqueText("revoked") });
    expect(run).toMatchObject({ status: "failed", error: { code: "auth_expired" } });
    expect((await accountOf(h, t)).status).toBe("needs_reauth");
  });
});

describe("Facebook reconciliation never takes another post for the run's", () => {
  it("does not take an older video with the same description: the retry posts its own", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    const text = uniqueText("same video");
    const old = olderPost(
      h,
      fb,
      {
        accountId: t.account,
        kind: "video",
        text,
      },
      10,
    );
    fb.inject({ method: "POST", path: "/videos", kind: "drop" });
    const { run } = await publishLive(h, t, { text, videoUrl: live.media.media("v.mp4") });
    const posts = fb.postsOf(t.account);
    expect(posts).toHaveLength(2);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.id });
    expect(run.platformPostId).not.toBe(old.id);
  });

  it("does not take an earlier album without text for its own: the photo ids it uploaded are its identity", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    // Inside the clock-skew allowance, so only the photos can tell the two apart.
    const earlier = olderPost(
      h,
      fb,
      {
        accountId: t.account,
        kind: "multi_photo",
        text: "",
        media: ["https://cdn.example/1.jpg", "https://cdn.example/2.jpg"],
        details: { link: null, photoIds: ["901", "902"] },
      },
      0.5,
    );
    fb.inject({ method: "POST", path: "/feed", kind: "drop" });
    const { run } = await publishLive(h, t, { imageUrls: [live.media.media("a.jpg"), live.media.media("b.jpg")] });
    const posts = fb.postsOf(t.account);
    expect(posts).toHaveLength(2);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.id, attempts: 2 });
    expect(run.platformPostId).not.toBe(earlier.id);
  });

  it("settles a lost album answer by the photo ids it uploaded", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    fb.inject({ method: "POST", path: "/feed", kind: "lose_answer" });
    const images = [live.media.media("a.jpg"), live.media.media("b.jpg")];
    const { run } = await publishLive(h, t, { imageUrls: images });
    const posts = fb.postsOf(t.account);
    expect(posts).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[0]!.id, attempts: 2 });
  });

  it("ends unknown when a lost answer belongs to a photo without text: nothing identifies it", async () => {
    const t = await liveTenant(h, live, "facebook", pageToken);
    fb.inject({ method: "POST", path: "/photos", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { imageUrls: [live.media.media("a.jpg")] });
    expect(run).toMatchObject({ status: "unknown", platformPostId: null, error: { code: "outcome_unknown" } });
    expect(run.error.message).toMatch(/no text and nothing that identifies its media/);
    expect(fb.postsOf(t.account)).toHaveLength(1);
  });
});
