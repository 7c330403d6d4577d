import { adapterSuite, olderPost, uniqueText } from "../../support/adapter-suite";
import { accountOf, liveTenant, publishLive } from "../../support/live-publish";

const { h, live } = adapterSuite("threads");
const threads = live.fakes.threads;

describe("Threads adapter against the fake Threads API", () => {
  it.each([
    [
      "text",
      () => ({
        text: uniqueText("Threads text"),
        options: { replyControl: "accounts_you_follow", topicTag: "launch" },
      }),
      "TEXT",
      0,
    ],
    ["image", () => ({ text: uniqueText("Threads image"), imageUrls: [live.media.media("a.jpg")] }), "IMAGE", 1],
    [
      "carousel",
      () => ({
        text: uniqueText("Threads carousel"),
        imageUrls: [live.media.media("a.jpg"), live.media.media("b.png")],
      }),
      "CAROUSEL",
      2,
    ],
    ["video", () => ({ text: uniqueText("Threads video"), videoUrl: live.media.media("v.mp4") }), "VIDEO", 1],
  ])("publishes a %s post through container → FINISHED → threads_publish", async (_kind, content, type, media) => {
    const t = await liveTenant(h, live, "threads");
    const c = content();
    const { run } = await publishLive(h, t, c);
    const posts = threads.postsOf(t.account);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ kind: type, text: c.text });
    expect(posts[0]!.media).toHaveLength(media);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[0]!.id, attempts: 1 });
    expect(run.permalink).toBe(`https://www.threads.net/t/${posts[0]!.id}`);
  });

  it("settles a lost threads_publish answer from the container's PUBLISHED status: one post", async () => {
    const t = await liveTenant(h, live, "threads");
    threads.inject({ method: "POST", path: "/threads_publish", kind: "lose_answer" });
    const c = { text: uniqueText("lost answer") };
    const { run } = await publishLive(h, t, c);
    const posts = threads.postsOf(t.account);
    expect(posts).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[0]!.id });
    expect(threads.requests.filter((r) => r.path === `/v1.0/${t.account}/threads_publish`)).toHaveLength(1);
  });

  it("retries a Graph 'unexpected error' (code 2) and a rate limit (code 4)", async () => {
    const t = await liveTenant(h, live, "threads");
    threads.inject({
      method: "POST",
      path: "/threads_publish",
      kind: "respond",
      status: 500,
      body: { error: { message: "unexpected", code: 2 } },
    });
    threads.inject({
      method: "POST",
      path: "/threads_publish",
      kind: "respond",
      status: 400,
      body: { error: { message: "Application request limit reached", code: 4 } },
    });
    const { run } = await publishLive(h, t, { text: uniqueText("retry") });
    expect(run).toMatchObject({ status: "succeeded" });
    expect(threads.postsOf(t.account)).toHaveLength(1);
    expect(threads.requests.filter((r) => r.path === `/v1.0/${t.account}/threads_publish`)).toHaveLength(3);
  });

  it("fails a post whose media Meta cannot fetch, with the container's error", async () => {
    const t = await liveTenant(h, live, "threads");
    threads.inject({
      method: "POST",
      path: "/threads",
      kind: "respond",
      status: 400,
      body: { error: { message: "Param image_url is not a valid URL", code: 100 } },
    });
    const { run } = await publishLive(h, t, { text: uniqueText("bad"), imageUrls: [live.media.media("a.jpg")] });
    expect(run).toMatchObject({ status: "failed", error: { code: "rejected" } });
    expect(run.error.message).toMatch(/image_url/);
  });

  it("refreshes a long-lived token (≥ 24 h old) near expiry with th_refresh_token", async () => {
    const t = await liveTenant(h, live, "threads", { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const grant = threads.tokens.get(t.grant.accessToken)!;
    grant.issuedAt -= 48 * 3600_000;
    const { run } = await publishLive(h, t, { text: uniqueText("refresh") });
    expect(run.status).toBe("succeeded");
    expect(threads.tokens.has(t.grant.accessToken)).toBe(false); // replaced by the refreshed token
  });

  it("marks the account needs_reauth on code 190 when the token cannot be refreshed", async () => {
    const t = await liveTenant(h, live, "threads");
    threads.revoke(t.account);
    const { run } = await publishLive(h, t, { text: uniqueText("revoked") });
    expect(run).toMatchObject({ status: "failed", error: { code: "auth_expired" } });
    expect((await accountOf(h, t)).status).toBe("needs_reauth");
  });
});

describe("Threads reconciliation never takes another post for the run's", () => {
  it("keeps the container's id rather than take an older identical post while its own is not listed yet", async () => {
    const t = await liveTenant(h, live, "threads");
    const text = uniqueText("same thread");
    const old = olderPost(h, threads, {
      accountId: t.account,
      kind: "TEXT",
      text,
      details: { media_type: "TEXT" },
    });
    threads.listingLagMs = 60_000;
    threads.inject({ method: "POST", path: "/threads_publish", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text });
    const posts = threads.postsOf(t.account);
    expect(posts).toHaveLength(2);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.details.container });
    expect(run.platformPostId).not.toBe(old.id);
  });

  it("finds its own post among identical ones by its time and media type", async () => {
    const t = await liveTenant(h, live, "threads");
    const text = uniqueText("same words");
    threads.publish({ accountId: t.account, kind: "TEXT", text, media: [], details: { media_type: "TEXT" } });
    threads.inject({ method: "POST", path: "/threads_publish", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text, imageUrls: [live.media.media("a.jpg")] });
    const posts = threads.postsOf(t.account);
    expect(posts.map((p) => p.kind)).toEqual(["TEXT", "IMAGE"]);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.id });
  });
});
