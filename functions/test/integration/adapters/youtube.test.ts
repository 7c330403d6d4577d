import { adapterSuite, olderPost, uniqueText } from "../../support/adapter-suite";
import { liveTenant, publishLive, runOf, submitLive } from "../../support/live-publish";

const { h, live } = adapterSuite("youtube");
const yt = live.fakes.youtube;
const MB = 1024 * 1024;

describe("YouTube adapter against the fake Data API (resumable videos.insert)", () => {
  it("uploads in 8 MiB chunks through a resumable session and waits for processing", async () => {
    const t = await liveTenant(h, live, "youtube");
    const { run } = await publishLive(h, t, {
      text: uniqueText("Description"),
      videoUrl: live.media.media("v.mp4", 20 * MB),
      options: {
        title: "Launch video",
        privacyStatus: "unlisted",
        tags: ["launch"],
        madeForKids: false,
        categoryId: "22",
      },
    });
    const [video] = yt.postsOf(t.account);
    expect(video).toMatchObject({ text: "Launch video" });
    expect(video!.details).toMatchObject({
      snippet: { title: "Launch video", tags: ["launch"], categoryId: "22" },
      status: { privacyStatus: "unlisted", selfDeclaredMadeForKids: false },
    });
    expect(run).toMatchObject({
      status: "succeeded",
      platformPostId: video!.id,
      permalink: `https://www.youtube.com/watch?v=${video!.id}`,
    });
  });

  it("resumes an interrupted upload where the session says it stopped (308 + Range)", async () => {
    const t = await liveTenant(h, live, "youtube");
    yt.inject({ method: "PUT", path: "/upload/youtube/v3/videos", kind: "drop", times: 1 });
    // The first PUT is the offset query; the drop hits it, then the second chunk is dropped too.
    const { run } = await publishLive(h, t, {
      text: uniqueText("resume"),
      videoUrl: live.media.media("v.mp4", 17 * MB),
    });
    expect(run.status).toBe("succeeded");
    expect(yt.postsOf(t.account)).toHaveLength(1);
    const session = [...yt.sessions.values()].filter((s) => s.accountId === t.account);
    expect(session).toHaveLength(1);
  });

  it("settles a lost answer to the last chunk by asking the session: one video", async () => {
    const t = await liveTenant(h, live, "youtube");
    yt.inject({ method: "PUT", path: "/upload/youtube/v3/videos", kind: "lose_answer", times: 1 });
    yt.inject({ method: "PUT", path: "/upload/youtube/v3/videos", kind: "lose_answer", times: 1 });
    const { run } = await publishLive(h, t, { text: uniqueText("lost"), videoUrl: live.media.media("v.mp4", 1 * MB) });
    expect(yt.postsOf(t.account)).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: yt.postsOf(t.account)[0]!.id });
  });

  it("waits for quotaExceeded until Pacific midnight instead of failing", async () => {
    const t = await liveTenant(h, live, "youtube");
    yt.insertQuota = 0;
    const id = await submitLive(h, t, { text: uniqueText("quota"), videoUrl: live.media.media("v.mp4") });
    await h.drain();
    expect(await runOf(h, id, "youtube")).toMatchObject({ status: "queued", error: { code: "rate_limited" } });
    yt.insertQuota = 1000;
    h.offsetMs += 25 * 3600_000;
    await h.drain({ ignoreSchedule: true });
    expect(await runOf(h, id, "youtube")).toMatchObject({ status: "succeeded" });
    expect(yt.postsOf(t.account)).toHaveLength(1);
  });

  it("fails an invalid title at once, and refreshes a rejected token without a new refresh token", async () => {
    const t = await liveTenant(h, live, "youtube");
    yt.inject({
      method: "POST",
      path: "/upload/youtube/v3/videos",
      kind: "respond",
      status: 400,
      body: { error: { code: 400, message: "invalid title", errors: [{ reason: "invalidTitle" }] } },
    });
    const bad = await publishLive(h, t, { text: uniqueText("bad"), videoUrl: live.media.media("v.mp4") });
    expect(bad.run).toMatchObject({ status: "failed", attempts: 1, error: { code: "rejected" } });
    yt.tokens.delete(t.grant.accessToken);
    const ok = await publishLive(h, t, { text: uniqueText("refresh"), videoUrl: live.media.media("v.mp4") });
    expect(ok.run.status).toBe("succeeded");
    // Google does not rotate: the same refresh token still works.
    expect(yt.redeemRefresh(t.grant.refreshToken!, false)).not.toBeNull();
  });
});

describe("YouTube reconciliation never takes another video for the run's", () => {
  it("settles a lost last chunk through its own session, never an older identical video", async () => {
    const t = await liveTenant(h, live, "youtube");
    const text = uniqueText("same video");
    const old = olderPost(h, yt, {
      accountId: t.account,
      kind: "video",
      text,
    });
    yt.inject({ method: "PUT", path: "/upload/youtube/v3/videos", kind: "lose_answer", times: 2 });
    const { run } = await publishLive(h, t, { text, videoUrl: live.media.media("v.mp4", MB) });
    const posts = yt.postsOf(t.account);
    expect(posts).toHaveLength(2);
    expect(run).toMatchObject({ status: "succeeded", platformPostId: posts[1]!.id });
    expect(run.platformPostId).not.toBe(old.id);
  });
});
