import { adapterSuite, olderPost } from "../../support/adapter-suite";
import { accountOf, liveTenant, publishLive } from "../../support/live-publish";

const { h, live } = adapterSuite("x");
const x = live.fakes.x;

const text = () => `Launch day ${Math.random().toString(36).slice(2)} https://example.com/launch`;

describe("X adapter against the fake X API", () => {
  it("posts text with POST /2/tweets and stores the id and permalink", async () => {
    const t = await liveTenant(h, live, "x");
    const body = text();
    const { run } = await publishLive(h, t, { text: body });
    const posts = x.postsOf(t.account);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ text: body, media: [] });
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[0]!.id, attempts: 1 });
    expect(run.permalink).toBe(`https://x.com/${t.account}_handle/status/${posts[0]!.id}`);
  });

  it("uploads images through initialize/append/finalize and attaches them", async () => {
    const t = await liveTenant(h, live, "x");
    const images = [live.media.media("a.jpg", 5 * 1024 * 1024), live.media.media("b.png", 3000)];
    const { run } = await publishLive(h, t, { text: text(), imageUrls: images });
    expect(run.status).toBe("succeeded");
    const [post] = x.postsOf(t.account);
    expect(post!.media).toHaveLength(2);
    const appends = x.requests.filter((r) => /\/append$/.test(r.path) && r.path.includes(post!.media[0]!));
    expect(appends).toHaveLength(2); // 5 MB in 4 MB chunks
  });

  it("waits for video processing in check tasks before posting", async () => {
    const t = await liveTenant(h, live, "x");
    x.processingPolls = 2;
    const { run } = await publishLive(h, t, { text: text(), videoUrl: live.media.media("clip.mp4", 100_000) });
    x.processingPolls = 1;
    expect(run).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(x.requests.filter((r) => r.method === "GET" && r.path === "/2/media/upload")).toHaveLength(2);
    expect(x.postsOf(t.account)[0]!.media).toHaveLength(1);
  });

  it("posts once when the answer to POST /2/tweets is lost, settling it from the timeline", async () => {
    const t = await liveTenant(h, live, "x");
    x.inject({ method: "POST", path: "/2/tweets", kind: "lose_answer" });
    const { run } = await publishLive(h, t, { text: text() });
    const posts = x.postsOf(t.account);
    expect(posts).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[0]!.id, attempts: 2 });
  });

  it("retries a 503 and honours a 429's x-rate-limit-reset", async () => {
    const t = await liveTenant(h, live, "x");
    x.inject({
      method: "POST",
      path: "/2/tweets",
      kind: "respond",
      status: 503,
      body: { title: "Service Unavailable" },
    });
    x.inject({ method: "POST", path: "/2/tweets", kind: "respond", ...rateLimited() });
    const { run } = await publishLive(h, t, { text: text() });
    expect(run).toMatchObject({ status: "succeeded", attempts: 3 });
    expect(x.postsOf(t.account)).toHaveLength(1);
  });

  it("fails a duplicate of a post made outside Postcast at once, with X's reason", async () => {
    const t = await liveTenant(h, live, "x");
    const body = text();
    x.publish({ accountId: t.account, kind: "post", text: body, media: [], details: {} });
    const { run } = await publishLive(h, t, { text: body });
    expect(run).toMatchObject({ status: "failed", attempts: 1, error: { code: "rejected" } });
    expect(run.error.message).toMatch(/duplicate/);
    expect(x.postsOf(t.account)).toHaveLength(1);
  });

  it("refreshes a rejected token with the rotating refresh token, then posts", async () => {
    const t = await liveTenant(h, live, "x");
    x.tokens.delete(t.grant.accessToken);
    const { run } = await publishLive(h, t, { text: text() });
    expect(run.status).toBe("succeeded");
    // The spent refresh token is single-use: using it again would revoke the family.
    expect(x.redeemRefresh(t.grant.refreshToken!, true)).toBeNull();
  });

  it("marks the account needs_reauth when the token and refresh token are revoked", async () => {
    const t = await liveTenant(h, live, "x");
    x.revoke(t.account);
    const { run } = await publishLive(h, t, { text: text() });
    expect(run).toMatchObject({ status: "failed", error: { code: "auth_expired" } });
    expect((await accountOf(h, t)).status).toBe("needs_reauth");
  });
});

describe("X reconciliation never takes another post for the run's", () => {
  const timelineReads = (account: string) =>
    x.requests.filter((r) => r.method === "GET" && r.path === `/2/users/${account}/tweets`).length;

  it("does not take an older identical post: X then refuses the repeat as a duplicate, so the run ends unknown", async () => {
    const t = await liveTenant(h, live, "x");
    const body = text();
    const old = olderPost(
      h,
      x,
      {
        accountId: t.account,
        kind: "post",
        text: body,
      },
      10,
    );
    x.inject({ method: "POST", path: "/2/tweets", kind: "drop" });
    const { run } = await publishLive(h, t, { text: body });
    expect(run).toMatchObject({ status: "unknown", platformPostId: null, error: { code: "outcome_unknown" } });
    expect(x.postsOf(t.account)).toEqual([old]);
  });

  it("does not take an earlier media-only post for a media-only post: the uploaded media ids are its identity", async () => {
    const t = await liveTenant(h, live, "x");
    // Inside the clock-skew allowance, so only the media can tell the two apart.
    const earlier = olderPost(
      h,
      x,
      {
        accountId: t.account,
        kind: "post",
        text: "",
        media: ["1999"],
      },
      0.5,
    );
    x.inject({ method: "POST", path: "/2/tweets", kind: "drop" });
    const { run } = await publishLive(h, t, { imageUrls: [live.media.media("a.jpg")] });
    const posts = x.postsOf(t.account);
    expect(posts).toHaveLength(2);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.id, attempts: 2 });
    expect(run.platformPostId).not.toBe(earlier.id);
  });

  it("does not take a post that differs only in its link (X returns both as t.co links)", async () => {
    const t = await liveTenant(h, live, "x");
    const tag = Math.random().toString(36).slice(2);
    const earlier = olderPost(
      h,
      x,
      {
        accountId: t.account,
        kind: "post",
        text: `Read this ${tag} https://news.example/one`,
      },
      0.5,
    );
    x.inject({ method: "POST", path: "/2/tweets", kind: "drop" });
    const { run } = await publishLive(h, t, { text: `Read this ${tag} https://news.example/two` });
    const posts = x.postsOf(t.account);
    expect(posts.map((p) => p.text)).toEqual([earlier.text, `Read this ${tag} https://news.example/two`]);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.id });
  });

  it("finds its own lost post with a link and media: t.co links expanded, the media link dropped, the media ids matched", async () => {
    const t = await liveTenant(h, live, "x");
    x.inject({ method: "POST", path: "/2/tweets", kind: "lose_answer" });
    const body = `Fish & chips <3 ${Math.random().toString(36).slice(2)} example.org/menu https://x.example/a?b=1&c=2`;
    const { run } = await publishLive(h, t, { text: body, imageUrls: [live.media.media("a.jpg")] });
    const posts = x.postsOf(t.account);
    expect(posts).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[0]!.id, attempts: 2 });
    expect(timelineReads(t.account)).toBe(1);
  });

  it("takes a 429 answer to POST /2/tweets as a refusal: published once, with no reconciliation read", async () => {
    const t = await liveTenant(h, live, "x");
    x.inject({ method: "POST", path: "/2/tweets", kind: "respond", ...rateLimited() });
    const { run } = await publishLive(h, t, { text: text() });
    expect(run).toMatchObject({ status: "succeeded", attempts: 2, pendingCommit: null });
    expect(x.postsOf(t.account)).toHaveLength(1);
    expect(timelineReads(t.account)).toBe(0);
  });
});

function rateLimited() {
  return {
    status: 429,
    headers: { "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(Math.ceil(Date.now() / 1000) + 30) },
    body: { title: "Too Many Requests", type: "https://api.x.com/2/problems/rate-limit-exceeded", status: 429 },
  };
}
