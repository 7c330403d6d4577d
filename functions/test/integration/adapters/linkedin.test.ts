import { fromLittleText } from "../../../src/domain/little-text";
import { adapterSuite, olderPost, uniqueText } from "../../support/adapter-suite";
import { accountOf, liveTenant, publishLive } from "../../support/live-publish";

const { h, live } = adapterSuite("linkedin");
const li = live.fakes.linkedin;

describe("LinkedIn adapter against the fake LinkedIn REST API", () => {
  it("posts text in little text format, so reserved characters are not cut off", async () => {
    const t = await liveTenant(h, live, "linkedin");
    const text = `${uniqueText("Q3 (draft) [v2] <b> a*b_c ~ 100% @home | {x}")} #launch`;
    const { run } = await publishLive(h, t, { text, options: { visibility: "CONNECTIONS" } });
    const [post] = li.postsOf(t.account);
    expect(post!.text).toBe(text); // the fake cuts at the first unescaped reserved character
    expect(fromLittleText(String(post!.details.commentary))).toBe(text);
    expect(post!.details.visibility).toBe("CONNECTIONS");
    expect(run).toMatchObject({
      status: "succeeded",
      platformPostId: post!.id,
      permalink: `https://www.linkedin.com/feed/update/${post!.id}`,
    });
  });

  it("uploads images and posts them as a multiImage post", async () => {
    const t = await liveTenant(h, live, "linkedin");
    const { run } = await publishLive(h, t, {
      text: uniqueText("images"),
      imageUrls: [live.media.media("a.jpg"), live.media.media("b.png")],
    });
    expect(run.status).toBe("succeeded");
    expect(li.postsOf(t.account)[0]!.media).toEqual([
      expect.stringMatching(/^urn:li:image:/),
      expect.stringMatching(/^urn:li:image:/),
    ]);
  });

  it("uploads a video in 4 MB parts, finalizes with their ETags and waits until AVAILABLE", async () => {
    const t = await liveTenant(h, live, "linkedin");
    li.processingPolls = 2;
    const { run } = await publishLive(h, t, {
      text: uniqueText("video"),
      videoUrl: live.media.media("v.mp4", 9 * 1024 * 1024),
    });
    expect(run.status).toBe("succeeded");
    const [post] = li.postsOf(t.account);
    expect(post!.media).toEqual([expect.stringMatching(/^urn:li:video:/)]);
    expect(li.videoUploads.get(post!.media[0]!)!.parts.size).toBe(3);
  });

  it("settles a lost answer from the author's posts: one post", async () => {
    const t = await liveTenant(h, live, "linkedin");
    li.inject({ method: "POST", path: "/rest/posts", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text: uniqueText("lost") });
    expect(li.postsOf(t.account)).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: li.postsOf(t.account)[0]!.id, attempts: 2 });
  });

  it("recovers the original post from DUPLICATE_POST when the lookup missed it", async () => {
    const t = await liveTenant(h, live, "linkedin");
    li.inject({ method: "POST", path: "/rest/posts", kind: "lose_answer" });
    li.inject({ method: "GET", path: "/rest/posts", kind: "respond", status: 200, body: { elements: [] } });
    const { run } = await publishLive(h, t, { text: uniqueText("dup") });
    expect(li.postsOf(t.account)).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: li.postsOf(t.account)[0]!.id });
  });

  it("retries 503 and 429, and fails a 422 validation error at once", async () => {
    const t = await liveTenant(h, live, "linkedin");
    li.inject({
      method: "POST",
      path: "/rest/posts",
      kind: "respond",
      status: 503,
      body: { status: 503, message: "Service Unavailable" },
    });
    li.inject({
      method: "POST",
      path: "/rest/posts",
      kind: "respond",
      status: 429,
      headers: { "retry-after": "5" },
      body: { status: 429, message: "throttled" },
    });
    const ok = await publishLive(h, t, { text: uniqueText("retry") });
    expect(ok.run).toMatchObject({ status: "succeeded", attempts: 3 });
    li.inject({
      method: "POST",
      path: "/rest/posts",
      kind: "respond",
      status: 422,
      body: { status: 422, message: "FIELD_LENGTH_TOO_LONG" },
    });
    const bad = await publishLive(h, t, { text: uniqueText("bad") });
    expect(bad.run).toMatchObject({ status: "failed", attempts: 1, error: { code: "rejected" } });
  });

  it("refreshes with the partner refresh token near expiry, and needs a reconnect without one", async () => {
    const t = await liveTenant(h, live, "linkedin", { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const { run } = await publishLive(h, t, { text: uniqueText("refresh") });
    expect(run.status).toBe("succeeded");
    const u = await liveTenant(h, live, "linkedin", { refresh: false });
    li.revoke(u.account);
    const revoked = await publishLive(h, u, { text: uniqueText("revoked") });
    expect(revoked.run).toMatchObject({ status: "failed", error: { code: "auth_expired" } });
    expect((await accountOf(h, u)).status).toBe("needs_reauth");
  });
});

describe("LinkedIn reconciliation never takes another post for the run's", () => {
  it("does not take an older identical post, nor DUPLICATE_POST's pointer to it: the run fails as a duplicate", async () => {
    const t = await liveTenant(h, live, "linkedin");
    const text = uniqueText("Same update");
    const old = olderPost(h, li, {
      id: `urn:li:share:old${Date.now()}`,
      accountId: t.account,
      kind: "text",
      text,
      details: { commentary: text, visibility: "PUBLIC", content: null },
    });
    li.inject({ method: "POST", path: "/rest/posts", kind: "drop" });
    const { run } = await publishLive(h, t, { text });
    expect(run).toMatchObject({ status: "failed", platformPostId: null, error: { code: "rejected" } });
    expect(run.error.message).toContain(old.id);
    expect(li.postsOf(t.account)).toEqual([old]);
  });

  it("does not take a text post for an image post with the same commentary: the image URN is its identity", async () => {
    const t = await liveTenant(h, live, "linkedin");
    const text = uniqueText("Words");
    const earlier = li.publish({
      accountId: t.account,
      kind: "text",
      text,
      media: [],
      details: { commentary: text, visibility: "PUBLIC", content: null },
      createdAt: h.clock().getTime() - 30_000,
    });
    li.inject({ method: "POST", path: "/rest/posts", kind: "drop" });
    const { run } = await publishLive(h, t, { text, imageUrls: [live.media.media("a.jpg")] });
    const posts = li.postsOf(t.account);
    expect(posts).toHaveLength(2);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.id });
    expect(run.platformPostId).not.toBe(earlier.id);
  });
});
