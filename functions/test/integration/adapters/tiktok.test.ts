import { adapterSuite, olderPost, uniqueText } from "../../support/adapter-suite";
import { accountOf, liveTenant, publishLive } from "../../support/live-publish";

const { h, live } = adapterSuite("tiktok");
const tt = live.fakes.tiktok;
afterEach(() => {
  tt.verifiedPrefixes = [];
  tt.audited = true;
  live.settings.tiktok.pullPrefixes = [];
  h.adapters = live.registry();
});

describe("TikTok adapter against the fake Content Posting API", () => {
  it("uploads a small video whole (FILE_UPLOAD) and polls status until PUBLISH_COMPLETE", async () => {
    const t = await liveTenant(h, live, "tiktok");
    const text = uniqueText("TikTok #fyp");
    const { run } = await publishLive(h, t, {
      text,
      videoUrl: live.media.media("v.mp4"),
      options: { privacyLevel: "FOLLOWER_OF_CREATOR", disableDuet: true },
    });
    const [post] = tt.postsOf(t.account);
    expect(post).toMatchObject({ kind: "video", text, details: { privacy: "FOLLOWER_OF_CREATOR" } });
    expect(run).toMatchObject({
      status: "succeeded",
      platformPostId: post!.id,
      permalink: `https://www.tiktok.com/@${t.account}_handle/video/${post!.id}`,
    });
  });

  it("uploads a large video in 10 MB chunks (the last one takes the rest)", async () => {
    const t = await liveTenant(h, live, "tiktok");
    const { run } = await publishLive(h, t, {
      text: uniqueText("big"),
      videoUrl: live.media.media("big.mp4", 25 * 1024 * 1024),
    });
    expect(run.status).toBe("succeeded");
    const publish = [...tt.publishes.values()].find((p) => p.accountId === t.account)!;
    expect({ chunks: publish.chunks, chunkSize: publish.chunkSize }).toEqual({
      chunks: 2,
      chunkSize: 10 * 1024 * 1024,
    });
  });

  it("pulls from a verified URL prefix, and posts photos by URL", async () => {
    const t = await liveTenant(h, live, "tiktok");
    tt.verifiedPrefixes = [live.media.url];
    live.settings.tiktok.pullPrefixes = [live.media.url];
    h.adapters = live.registry();
    const video = await publishLive(h, t, { text: uniqueText("pulled"), videoUrl: live.media.media("p.mp4") });
    expect(video.run.status).toBe("succeeded");
    const photos = await publishLive(h, t, {
      text: uniqueText("photos"),
      imageUrls: [live.media.media("a.jpg"), live.media.media("b.jpg")],
      options: { title: "Album" },
    });
    expect(photos.run.status).toBe("succeeded");
    expect(tt.postsOf(t.account).map((p) => p.kind)).toEqual(["video", "photo"]);
  });

  it("settles a lost answer to the last chunk from the publish_id's status: one post", async () => {
    const t = await liveTenant(h, live, "tiktok");
    tt.inject({ method: "PUT", path: "/upload/", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text: uniqueText("lost"), videoUrl: live.media.media("v.mp4") });
    expect(tt.postsOf(t.account)).toHaveLength(1);
    expect(run.status).toBe("succeeded");
  });

  it("ends unknown, never re-posting, when a pull init's answer is lost (TikTok cannot be asked)", async () => {
    const t = await liveTenant(h, live, "tiktok");
    live.settings.tiktok.pullPrefixes = [live.media.url];
    h.adapters = live.registry();
    tt.inject({ method: "POST", path: "/content/init/", kind: "drop" });
    const inits = () => tt.requests.filter((r) => r.path.endsWith("/content/init/")).length;
    const before = inits();
    const { run } = await publishLive(h, t, { text: uniqueText("photo"), imageUrls: [live.media.media("a.jpg")] });
    expect(run).toMatchObject({ status: "unknown", error: { code: "outcome_unknown" } });
    expect(run.error.message).toMatch(/no way to find a post/);
    expect(inits() - before).toBe(1);
  });

  it("refuses a privacy level the creator is not offered, and SELF_ONLY-only unaudited clients", async () => {
    const t = await liveTenant(h, live, "tiktok");
    tt.audited = false;
    const { run } = await publishLive(h, t, {
      text: uniqueText("private"),
      videoUrl: live.media.media("v.mp4"),
      options: { privacyLevel: "PUBLIC_TO_EVERYONE" },
    });
    expect(run).toMatchObject({ status: "failed", error: { code: "rejected" } });
    expect(run.error.message).toMatch(/SELF_ONLY/);
    const selfOnly = await publishLive(h, t, { text: uniqueText("self"), videoUrl: live.media.media("v.mp4") });
    expect(selfOnly.run.status).toBe("succeeded");
    expect(tt.postsOf(t.account)[0]!.details.privacy).toBe("SELF_ONLY");
  });

  it("retries a 429 and an internal_error", async () => {
    const t = await liveTenant(h, live, "tiktok");
    tt.inject({
      method: "POST",
      path: "/video/init/",
      kind: "respond",
      status: 500,
      body: { data: {}, error: { code: "internal_error", message: "", log_id: "l" } },
    });
    tt.inject({
      method: "POST",
      path: "/video/init/",
      kind: "respond",
      status: 429,
      body: { data: {}, error: { code: "rate_limit_exceeded", message: "", log_id: "l" } },
    });
    const { run } = await publishLive(h, t, { text: uniqueText("retry"), videoUrl: live.media.media("v.mp4") });
    expect(run).toMatchObject({ status: "succeeded", attempts: 3 });
  });

  it("refreshes with the rotating refresh token when the token is rejected, then needs a reconnect when revoked", async () => {
    const t = await liveTenant(h, live, "tiktok");
    tt.tokens.delete(t.grant.accessToken);
    const ok = await publishLive(h, t, { text: uniqueText("refresh"), videoUrl: live.media.media("v.mp4") });
    expect(ok.run.status).toBe("succeeded");
    expect(tt.redeemRefresh(t.grant.refreshToken!, true)).toBeNull();
    tt.revoke(t.account);
    const bad = await publishLive(h, t, { text: uniqueText("revoked"), videoUrl: live.media.media("v.mp4") });
    expect(bad.run).toMatchObject({ status: "failed", error: { code: "auth_expired" } });
    expect((await accountOf(h, t)).status).toBe("needs_reauth");
  });
});

describe("TikTok reconciliation never takes another post for the run's", () => {
  it("settles a lost last chunk by its own publish_id, never an older identical post", async () => {
    const t = await liveTenant(h, live, "tiktok");
    const text = uniqueText("same clip");
    const old = olderPost(h, tt, {
      accountId: t.account,
      kind: "video",
      text,
    });
    tt.inject({ method: "PUT", path: "/upload/", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text, videoUrl: live.media.media("v.mp4") });
    const posts = tt.postsOf(t.account);
    expect(posts).toHaveLength(2);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.id });
    expect(run.platformPostId).not.toBe(old.id);
  });
});
