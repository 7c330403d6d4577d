import { adapterSuite, olderPost, uniqueText } from "../../support/adapter-suite";
import { accountOf, liveTenant, publishLive } from "../../support/live-publish";

const { h, live } = adapterSuite("snapchat");
const snap = live.fakes.snapchat;

describe("Snapchat adapter against the fake Public Profile API", () => {
  it.each([
    [
      "spotlight",
      () => ({ text: uniqueText("Spotlight #snap"), videoUrl: live.media.media("v.mp4", 40 * 1024 * 1024) }),
      "spotlights",
    ],
    ["story", () => ({ imageUrls: [live.media.media("a.jpg")] }), "stories"],
    [
      "saved story",
      () => ({
        text: uniqueText("Saved"),
        imageUrls: [live.media.media("a.jpg")],
        options: { type: "saved_story", title: "Our launch" },
      }),
      "saved_stories",
    ],
  ])("uploads encrypted media in parts and posts a %s", async (_kind, content, edge) => {
    const t = await liveTenant(h, live, "snapchat");
    const { run } = await publishLive(h, t, content());
    const [post] = snap.postsOf(t.account);
    expect(post).toMatchObject({ kind: edge });
    expect(run).toMatchObject({ status: "succeeded", platformPostId: post!.id });
    expect(snap.media.get(post!.media[0]!)!.ready).toBe(true);
  });

  it("settles a lost answer by finding the media's post on the profile: one post", async () => {
    const t = await liveTenant(h, live, "snapchat");
    snap.inject({ method: "POST", path: "/spotlights", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text: uniqueText("lost"), videoUrl: live.media.media("v.mp4") });
    expect(snap.postsOf(t.account)).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: snap.postsOf(t.account)[0]!.id });
  });

  it("retries 503, refreshes a rejected token, and needs a reconnect when revoked", async () => {
    const t = await liveTenant(h, live, "snapchat");
    snap.inject({
      method: "POST",
      path: "/stories",
      kind: "respond",
      status: 503,
      body: { request_status: "ERROR", debug_message: "busy" },
    });
    snap.tokens.delete(t.grant.accessToken);
    const ok = await publishLive(h, t, { imageUrls: [live.media.media("a.jpg")] });
    expect(ok.run).toMatchObject({ status: "succeeded", attempts: 2 });
    snap.revoke(t.account);
    const bad = await publishLive(h, t, { imageUrls: [live.media.media("b.jpg")] });
    expect(bad.run).toMatchObject({ status: "failed", error: { code: "auth_expired" } });
    expect((await accountOf(h, t)).status).toBe("needs_reauth");
  });
});

describe("Snapchat reconciliation never takes another post for the run's", () => {
  it("settles a lost answer by its own media_id, never an older identical Spotlight", async () => {
    const t = await liveTenant(h, live, "snapchat");
    const text = uniqueText("same spotlight");
    const old = olderPost(h, snap, {
      accountId: t.account,
      kind: "spotlights",
      text,
      media: ["m_old"],
      details: { media_id: "m_old" },
    });
    snap.inject({ method: "POST", path: "/spotlights", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text, videoUrl: live.media.media("v.mp4") });
    const posts = snap.postsOf(t.account);
    expect(posts).toHaveLength(2);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.id });
    expect(run.platformPostId).not.toBe(old.id);
  });
});
