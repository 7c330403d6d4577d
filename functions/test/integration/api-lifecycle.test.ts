import request from "supertest";
import { Harness } from "../support/harness";
import { postsApi } from "../support/posts-api";

const h = new Harness();
afterAll(() => h.close());

const xPrimary = { platform: "x", accountId: "x_primary" };
const inMinutes = (m: number) => new Date(h.clock().getTime() + m * 60_000).toISOString();
const body = (extra: Record<string, unknown> = {}, platform: unknown = [xPrimary, "threads"]) => ({
  post: { content: { text: `hello ${Math.random()}`, platform } },
  ...extra,
});

const api = (key: string) => postsApi(h.app, key);

async function created(key: string, b: unknown): Promise<string> {
  const res = await api(key).create(b);
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

async function runCount(id: string): Promise<number> {
  return (await h.db.collection(`postSubmissions/${id}/runs`).count().get()).data().count;
}

/** The run documents' statuses by run id, as a dashboard reading Firestore sees them. */
async function runStatuses(id: string): Promise<Record<string, string>> {
  const snap = await h.db.collection(`postSubmissions/${id}/runs`).get();
  return Object.fromEntries(snap.docs.map((d) => [d.id, d.get("status") as string]));
}

describe("GET /v1/posts", () => {
  it("lists the caller's posts newest first, in pages that never repeat or skip", async () => {
    const t = await h.tenant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await created(t.key, body()));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await api(t.key).list({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((p: { postSubmissionId: string }) => p.postSubmissionId));
      cursor = res.body.nextCursor as string | null;
      expect(res.body.hasMore).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it("filters by status, platform and creation time, and shows each run's status", async () => {
    const t = await h.tenant();
    const scheduled = await created(t.key, body({ scheduledTime: inMinutes(30) }, ["linkedin"]));
    const now = await created(t.key, body({}, [xPrimary, "threads"]));
    await h.drain();

    const byStatus = await api(t.key).list({ status: "scheduled" });
    expect(byStatus.body.data.map((p: { postSubmissionId: string }) => p.postSubmissionId)).toEqual([scheduled]);
    const several = await api(t.key).list({ status: "scheduled,completed" });
    expect(several.body.data).toHaveLength(2);

    const byPlatform = await api(t.key).list({ platform: "Twitter" });
    const [item] = byPlatform.body.data;
    expect(byPlatform.body.data).toHaveLength(1);
    expect(item.postSubmissionId).toBe(now);
    expect(item.status).toBe("completed");
    expect(item.runs.map((r: { runId: string; status: string }) => [r.runId, r.status])).toEqual([
      ["x", "succeeded"],
      ["threads", "succeeded"],
    ]);
    const pending = (await api(t.key).list({ platform: "linkedin" })).body.data[0];
    expect(pending.runs).toEqual([
      { runId: "linkedin", platform: "linkedin", accountId: "linkedin_main", status: "pending", warning: null },
    ]);

    const future = await api(t.key).list({ from: inMinutes(1) });
    expect(future.body.data).toEqual([]);
    const past = await api(t.key).list({ to: inMinutes(1), from: inMinutes(-5) });
    expect(past.body.data).toHaveLength(2);
  });

  it.each([
    [{ limit: 0 }, "limit"],
    [{ limit: 101 }, "limit"],
    [{ status: "bogus" }, "status"],
    [{ platform: "myspace" }, "platform"],
    [{ from: "2026-01-01T00:00:00" }, "from"],
    [{ cursor: "not-a-cursor" }, "cursor"],
    [{ sort: "asc" }, "sort"],
  ])("answers 400 for bad query %j", async (query, field) => {
    const t = await h.tenant();
    const res = await api(t.key).list(query);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "validation_error", details: { field } });
  });

  it("refuses a cursor replayed with other filters", async () => {
    const t = await h.tenant();
    for (let i = 0; i < 3; i++) await created(t.key, body());
    const first = await api(t.key).list({ limit: 1 });
    const res = await api(t.key).list({ limit: 1, cursor: first.body.nextCursor as string, status: "queued" });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("cursor");
  });
});

describe("DELETE /v1/posts/{id}", () => {
  it("cancels a scheduled post: nothing is published when its task arrives, and cancel is idempotent", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body({ scheduledTime: inMinutes(10) }));
    const res = await api(t.key).cancel(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      postSubmissionId: id,
      status: "canceled",
      summary: { total: 2, succeeded: 0, failed: 0, pending: 0, canceled: 2 },
    });
    expect(res.body.runs.map((r: { status: string }) => r.status)).toEqual(["canceled", "canceled"]);
    // Written with the cancel: a dashboard reading the runs from Firestore sees them canceled too.
    expect(await runStatuses(id)).toEqual({ x: "canceled", threads: "canceled" });
    h.offsetMs = 11 * 60_000; // its task is delivered at the scheduled time
    await h.drain().finally(() => (h.offsetMs = 0));
    expect(await runStatuses(id)).toEqual({ x: "canceled", threads: "canceled" });
    const got = (await api(t.key).get(id)).body;
    expect(got.status).toBe("canceled");
    expect(got.runs).toEqual([
      expect.objectContaining({ runId: "x", status: "canceled", attempts: 0, platformPostId: null, error: null }),
      expect.objectContaining({ runId: "threads", status: "canceled", attempts: 0, finishedAt: expect.any(String) }),
    ]);
    expect((await api(t.key).cancel(id)).status).toBe(200);
  });

  it("leaves a canceled run alone whatever task arrives for it: the orchestrator's, a publisher's, the sweeper's", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body({}, [xPrimary]));
    expect((await api(t.key).cancel(id)).status).toBe(200); // still queued: its orchestrator task is pending
    const before = (await h.db.doc(`postSubmissions/${id}/runs/x`).get()).data();
    expect(before).toMatchObject({ status: "canceled", attempts: 0, waiting: null });
    await h.drain();
    await h.handlers().publishX!({ postSubmissionId: id, runId: "x" }, { retryCount: 0 });
    await h.handlers().publishX!({ postSubmissionId: id, runId: "x", check: true }, { retryCount: 0 });
    h.offsetMs = 60 * 60_000;
    await h.sweep();
    await h.drain().finally(() => (h.offsetMs = 0));
    expect((await h.db.doc(`postSubmissions/${id}/runs/x`).get()).data()).toEqual(before);
    expect((await api(t.key).get(id)).body).toMatchObject({
      status: "canceled",
      summary: { succeeded: 0, failed: 0, pending: 0, canceled: 1 },
    });
  });

  it("keeps a target whose account was disconnected failed, and counts it so, when the rest is canceled", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body({ scheduledTime: inMinutes(10) }));
    // The disconnect flags the scheduled post's target: it is failed from then on.
    await h.submissions.flagTarget(
      id,
      "threads",
      { code: "account_disconnected", message: "The account was disconnected.", fatal: true },
      h.clock(),
    );
    const res = await api(t.key).cancel(id);
    expect(res.body.summary).toEqual({ total: 2, succeeded: 0, failed: 1, pending: 0, canceled: 1 });
    expect(res.body.runs).toEqual([
      expect.objectContaining({ runId: "x", status: "canceled" }),
      expect.objectContaining({
        runId: "threads",
        status: "failed",
        error: expect.objectContaining({ code: "account_disconnected" }),
      }),
    ]);
    expect(await runStatuses(id)).toEqual({ x: "canceled", threads: "failed" });
  });

  it("shows the targets of a post canceled before cancels wrote runs as canceled", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body({ scheduledTime: inMinutes(10) }));
    // What a cancel used to leave: the submission canceled, no runs, the summary zeroed.
    await h.db.doc(`postSubmissions/${id}`).update({
      status: "canceled",
      summary: { total: 2, succeeded: 0, failed: 0, pending: 0 },
    });
    const got = (await api(t.key).get(id)).body;
    expect(got.runs.map((r: { status: string }) => r.status)).toEqual(["canceled", "canceled"]);
    expect(got.summary).toEqual({ total: 2, succeeded: 0, failed: 0, pending: 0, canceled: 2 });
    expect(await runCount(id)).toBe(0);
  });

  it("answers 409 conflict once the post is dispatched", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body());
    await h.drain();
    const res = await api(t.key).cancel(id);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "conflict", details: { status: "completed" } });
  });

  it("either cancels or dispatches when cancel races the orchestrator, never both", async () => {
    const t = await h.tenant();
    for (let i = 0; i < 6; i++) {
      const id = await created(t.key, body({ scheduledTime: inMinutes(2) }));
      h.offsetMs = 3 * 60_000; // due: the orchestrator and the cancel race for it
      const [res] = await Promise.all([api(t.key).cancel(id), h.drain()]).finally(() => (h.offsetMs = 0));
      const runs = Object.values(await runStatuses(id));
      const status = ((await h.db.doc(`postSubmissions/${id}`).get()).get("status") as string) ?? "";
      if (res.status === 200) {
        expect(status).toBe("canceled");
        expect(runs).toEqual(["canceled", "canceled"]);
      } else {
        expect(res.status).toBe(409);
        expect(status).not.toBe("canceled");
        expect(runs).toHaveLength(2);
        expect(runs).not.toContain("canceled");
      }
    }
  });
});

describe("PATCH /v1/posts/{id}", () => {
  it("edits text, media and targets with create's validation, returning a new ETag", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body({ scheduledTime: inMinutes(10) }));
    const got = await api(t.key).get(id);
    const etag = got.headers.etag as string;
    expect(etag).toMatch(/^"\d+\.\d{9}"$/);

    const res = await api(t.key).patch(
      id,
      { post: { content: { text: "edited", imageUrls: ["https://example.com/a.png"], platform: ["linkedin"] } } },
      etag,
    );
    expect(res.status).toBe(200);
    expect(res.headers.etag).not.toBe(etag);
    expect(res.body.request.post.content).toMatchObject({
      text: "edited",
      mediaType: "image",
      platform: [{ platform: "linkedin" }],
    });
    expect(res.body.targets).toEqual([{ platform: "linkedin", accountId: "linkedin_main", runId: "linkedin" }]);
    expect(res.body.scheduledTime).toBe(got.body.scheduledTime);

    const bad = await api(t.key).patch(id, { post: { content: { mediaType: "video" } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_error");
    const unknown = await api(t.key).patch(id, { post: { content: { platform: ["myspace"] } } });
    expect(unknown.status).toBe(400);
    const missing = await api(t.key).patch(id, { post: { content: { platform: ["x"] } } });
    expect(missing.body.error.code).toBe("missing_account");
    expect((await api(t.key).get(id)).body.request.post.content.text).toBe("edited");
  });

  it("answers 409 to a stale If-Match, and exactly one of two racing PATCHes wins", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body({ scheduledTime: inMinutes(10) }));
    const etag = (await api(t.key).get(id)).headers.etag as string;
    const [a, b] = await Promise.all([
      api(t.key).patch(id, { post: { content: { text: "A" } } }, etag),
      api(t.key).patch(id, { post: { content: { text: "B" } } }, etag),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a : b;
    expect(loser.body.error).toMatchObject({ code: "conflict", details: { status: "stale" } });
    expect((await api(t.key).get(id)).body.request.post.content.text).toBe(winner.body.request.post.content.text);

    const byTime = await api(t.key).patch(id, { post: { content: { text: "C" } } }, winner.body.updatedAt as string);
    expect(byTime.status).toBe(200);
    const stale = await api(t.key).patch(id, { post: { content: { text: "D" } } }, winner.body.updatedAt as string);
    expect(stale.status).toBe(409);
  });

  it("moves the scheduled time: the old task does not publish, the new time publishes once", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body({ scheduledTime: inMinutes(5) }));
    const later = inMinutes(20);
    expect((await api(t.key).patch(id, { scheduledTime: later })).status).toBe(200);

    h.offsetMs = 6 * 60_000; // the old time passes: its task is delivered
    await h.drain();
    expect((await api(t.key).get(id)).body.status).toBe("scheduled");
    expect(await runCount(id)).toBe(0);

    h.offsetMs = 21 * 60_000;
    await h.drain();
    h.offsetMs = 0;
    const done = await api(t.key).get(id);
    expect(done.body.status).toBe("completed");
    expect(done.body.summary).toMatchObject({ total: 2, succeeded: 2 });
  });

  it("moves the time earlier: published at the new time; the old task later finds it done", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body({ scheduledTime: inMinutes(30) }));
    expect((await api(t.key).patch(id, { scheduledTime: inMinutes(3) })).status).toBe(200);
    h.offsetMs = 4 * 60_000;
    await h.drain();
    expect((await api(t.key).get(id)).body.status).toBe("completed");
    h.offsetMs = 31 * 60_000;
    await h.drain();
    h.offsetMs = 0;
    const runs = await h.db.collection(`postSubmissions/${id}/runs`).get();
    expect(runs.docs.map((d) => d.get("attempts") as number)).toEqual([1, 1]);
  });

  it("is refused once the orchestrator has taken the post", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body());
    await h.drain();
    const res = await api(t.key).patch(id, { post: { content: { text: "late" } } });
    expect(res.status).toBe(409);
    expect(["dispatched", "completed"]).toContain(res.body.error.details.status);
  });
});

describe("POST /v1/posts/{id}/publish-now", () => {
  it("publishes a scheduled post at once, and only a scheduled one", async () => {
    const t = await h.tenant();
    const id = await created(t.key, body({ scheduledTime: inMinutes(60) }));
    const res = await api(t.key).publishNow(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "queued", scheduledTime: null });
    await h.drain(); // without ignoring schedules: the post is due now
    expect((await api(t.key).get(id)).body.status).toBe("completed");
    expect((await api(t.key).publishNow(id)).status).toBe(409);
    h.offsetMs = 61 * 60_000; // the original task arrives: nothing happens twice
    await h.drain();
    h.offsetMs = 0;
    const runs = await h.db.collection(`postSubmissions/${id}/runs`).get();
    expect(runs.docs.map((d) => d.get("attempts") as number)).toEqual([1, 1]);
  });
});

describe("another user's posts", () => {
  it("are 404 to every route and untouched, and never listed", async () => {
    const owner = await h.tenant();
    const other = await h.tenant();
    const id = await created(owner.key, body({ scheduledTime: inMinutes(10) }));
    const before = (await h.db.doc(`postSubmissions/${id}`).get()).data();
    const o = api(other.key);
    for (const res of [
      await o.get(id),
      await o.cancel(id),
      await o.patch(id, { post: { content: { text: "hijack" } } }),
      await o.publishNow(id),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect((await o.list()).body.data).toEqual([]);
    expect((await h.db.doc(`postSubmissions/${id}`).get()).data()).toEqual(before);
  });
});

describe("GET /v1/accounts", () => {
  it("lists every connected account with what POST /v1/posts needs", async () => {
    const t = await h.tenant();
    const res = await request(h.app).get("/v1/accounts").set("soku-api-key", t.key);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(9);
    const x = res.body.data.filter((a: { platform: string }) => a.platform === "x");
    expect(x.map((a: { accountId: string; onlyAccount: boolean }) => [a.accountId, a.onlyAccount]).sort()).toEqual([
      ["x_brand", false],
      ["x_primary", false],
    ]);
    expect(res.body.data.find((a: { platform: string }) => a.platform === "threads")).toMatchObject({
      accountId: "threads_main",
      username: "threads_main",
      status: "active",
      onlyAccount: true,
    });
    const other = await h.tenant({ accounts: { tiktok: ["tt_only"] } });
    const theirs = await request(h.app).get("/v1/accounts").set("soku-api-key", other.key);
    expect(theirs.body.data.map((a: { accountId: string }) => a.accountId)).toEqual(["tt_only"]);
  });
});

describe("browser origins", () => {
  it("are refused on content routes with a 403 that says why, and no CORS headers", async () => {
    const t = await h.tenant();
    const res = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .set("Origin", "https://evil.example")
      .send(body());
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: "forbidden", details: { reason: "browser_origin" } });
    expect(res.body.error.message).toMatch(/server/);
    const preflight = await request(h.app)
      .options("/v1/posts")
      .set("Origin", "https://evil.example")
      .set("Access-Control-Request-Method", "POST");
    expect(preflight.status).toBe(403);
    for (const r of [res, preflight]) {
      expect(Object.keys(r.headers).filter((k) => k.startsWith("access-control-"))).toEqual([]);
    }
    expect(await h.countSubmissions(t.uid)).toBe(0);
  });
});
