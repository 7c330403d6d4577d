import { Harness } from "../support/harness";
import { postsApi } from "../support/posts-api";

const h = new Harness();
afterAll(() => h.close());

const inMinutes = (m: number) => new Date(h.clock().getTime() + m * 60_000).toISOString();
const draftBody = (extra: Record<string, unknown> = {}, platform: unknown = ["threads", "linkedin"]) => ({
  post: { content: { text: `draft ${Math.random()}`, platform } },
  draft: true,
  ...extra,
});

const api = (key: string) => postsApi(h.app, key);

async function drafted(key: string, b: unknown = draftBody()): Promise<string> {
  const res = await api(key).create(b);
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

async function runCount(id: string): Promise<number> {
  return (await h.db.collection(`postSubmissions/${id}/runs`).count().get()).data().count;
}

async function eventTypes(key: string): Promise<string[]> {
  const res = await api(key).events();
  expect(res.status).toBe(200);
  return (res.body.data as { type: string }[]).map((e) => e.type);
}

describe("drafts", () => {
  it("stores a draft: validated, listed under status=draft, with no targets, runs, task or event", async () => {
    const t = await h.tenant();
    const planned = inMinutes(120);
    const id = await drafted(t.key, draftBody({ scheduledTime: planned }));
    const got = await api(t.key).get(id);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: "draft", targets: [], runs: [], scheduledTime: planned });
    expect(got.body.summary).toMatchObject({ total: 0, pending: 0 });
    await h.drain({ ignoreSchedule: true });
    expect((await api(t.key).get(id)).body.status).toBe("draft");
    expect(await runCount(id)).toBe(0);
    expect(await eventTypes(t.key)).toEqual([]);

    const drafts = await api(t.key).list({ status: "draft" });
    expect(drafts.body.data.map((p: { postSubmissionId: string }) => p.postSubmissionId)).toEqual([id]);
    expect((await api(t.key).list({ status: "draft", platform: "linkedin" })).body.data).toHaveLength(1);
    expect((await api(t.key).list({ status: "scheduled" })).body.data).toHaveLength(0);
  });

  it("validates a draft's content as a post's, but not its accounts (they may be connected later)", async () => {
    const t = await h.tenant({ accounts: {} });
    // No account at all: a post is refused, a draft is kept.
    expect((await api(t.key).create({ ...draftBody(), draft: false })).body.error.code).toBe("missing_integrations");
    await drafted(t.key);
    const tooLong = await api(t.key).create(draftBody({}, ["x"]));
    expect(tooLong.status).toBe(202); // short text: fine
    const bad = await api(t.key).create({
      post: { content: { text: "y".repeat(281), platform: ["x"] } },
      draft: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_error");
    const badFlag = await api(t.key).create({ ...draftBody(), draft: "yes" });
    expect(badFlag.status).toBe(400);
    expect(badFlag.body.error.details.field).toBe("draft");
  });

  it("edits a draft (still a draft, nothing scheduled) and publishes it now: it then publishes once", async () => {
    const t = await h.tenant();
    const id = await drafted(t.key);
    const edited = await api(t.key).patch(id, { post: { content: { text: "edited draft" } } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: "draft", request: { post: { content: { text: "edited draft" } } } });
    expect(edited.body.targets).toEqual([]);

    const published = await api(t.key).publish(id);
    expect(published.status).toBe(200);
    expect(published.body.status).toBe("queued");
    expect(published.body.targets.map((x: { platform: string }) => x.platform)).toEqual(["threads", "linkedin"]);
    await h.drain();
    const done = await api(t.key).get(id);
    expect(done.body).toMatchObject({ status: "completed", summary: { total: 2, succeeded: 2 } });
    // Published at once: no post.scheduled, as for a post created without a time.
    expect(await eventTypes(t.key)).not.toContain("post.scheduled");

    // A repeat answers as the first publish did (200, the post), and sends nothing again.
    const again = await api(t.key).publish(id, {});
    expect(again.status).toBe(200);
    expect(again.body.postSubmissionId).toBe(id);
    await h.drain();
    expect(await runCount(id)).toBe(2);
    expect((await api(t.key).get(id)).body.summary).toMatchObject({ total: 2, succeeded: 2 });
    // Asking for something else than the first publish did is a conflict.
    const later = await api(t.key).publish(id, { scheduledTime: inMinutes(30) });
    expect(later.status).toBe(409);
    expect(later.body.error).toMatchObject({ code: "conflict", details: { status: "completed" } });
  });

  it("schedules a draft at the publish's time (post.scheduled then, once), or at its own", async () => {
    const t = await h.tenant();
    const id = await drafted(t.key);
    expect(await eventTypes(t.key)).toEqual([]);
    const at = inMinutes(45);
    const first = await api(t.key).publish(id, { scheduledTime: at });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: "scheduled", scheduledTime: at });
    const again = await api(t.key).publish(id, { scheduledTime: at });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "scheduled", scheduledTime: at });
    expect(await eventTypes(t.key)).toEqual(["post.scheduled"]);
    await h.drain();
    expect((await api(t.key).get(id)).body.status).toBe("scheduled"); // not before its time

    const planned = inMinutes(90);
    const own = await drafted(t.key, draftBody({ scheduledTime: planned }));
    const ownPublished = await api(t.key).publish(own);
    expect(ownPublished.body).toMatchObject({ status: "scheduled", scheduledTime: planned });
    // null publishes at once whatever the draft's own time.
    const nowToo = await drafted(t.key, draftBody({ scheduledTime: inMinutes(90) }));
    expect((await api(t.key).publish(nowToo, { scheduledTime: null })).body.status).toBe("queued");
  });

  it("checks the time and the accounts at publish: a refused publish leaves the draft as it was", async () => {
    const t = await h.tenant();
    const id = await drafted(t.key, draftBody({}, ["threads"]));
    const soon = await api(t.key).publish(id, { scheduledTime: inMinutes(0.5) });
    expect(soon.status).toBe(400);
    expect(soon.body.error.details).toMatchObject({ field: "scheduledTime", reason: "too_soon" });
    const extra = await api(t.key).publish(id, { scheduledTime: inMinutes(5), when: "now" });
    expect(extra.status).toBe(400);

    // Its account disconnected (as the dashboard leaves it): the publish is refused, nothing is sent.
    await h.db.doc(`users/${t.uid}/integrations/threads/accounts/threads_main`).update({ status: "disconnected" });
    const refused = await api(t.key).publish(id);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: "missing_integrations",
      details: { missingPlatforms: ["threads"] },
    });
    const still = await api(t.key).get(id);
    expect(still.body).toMatchObject({ status: "draft", targets: [] });
    expect(await runCount(id)).toBe(0);

    // Reconnected: the same draft publishes.
    await h.db.doc(`users/${t.uid}/integrations/threads/accounts/threads_main`).update({ status: "active" });
    expect((await api(t.key).publish(id)).body.status).toBe("queued");
  });

  it("deletes a draft like a scheduled post (canceled, no event); only drafts are published here", async () => {
    const t = await h.tenant();
    const id = await drafted(t.key);
    const removed = await api(t.key).cancel(id);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ status: "canceled", runs: [] });
    expect((await api(t.key).cancel(id)).status).toBe(200);
    expect((await api(t.key).publish(id)).status).toBe(409);
    expect((await api(t.key).patch(id, { post: { content: { text: "late" } } })).status).toBe(409);
    expect(await eventTypes(t.key)).toEqual([]);

    const scheduled = await api(t.key).create({ ...draftBody({ scheduledTime: inMinutes(30) }), draft: false });
    const sid = scheduled.body.postSubmissionId as string;
    const notDraft = await api(t.key).publish(sid);
    expect(notDraft.status).toBe(409);
    expect(notDraft.body.error.details).toEqual({ status: "scheduled" });
    expect((await api(t.key).get(sid)).body.status).toBe("scheduled");
  });

  it("plans again when the draft is edited during its publish, and answers 409 if it never holds still", async () => {
    const t = await h.tenant();
    const lifecycle = h.deps.lifecycle;
    const original = lifecycle.publishDraft.bind(lifecycle);
    let edits = 0;
    // A concurrent editor, through the API, between the publish's read and its commit.
    const editFirst = (times: number) =>
      jest.spyOn(lifecycle, "publishDraft").mockImplementation(async (...args) => {
        if (edits < times) {
          edits++;
          const edited = await api(t.key).patch(args[0], { post: { content: { text: `edit ${edits}` } } });
          expect(edited.status).toBe(200);
        }
        return original(...args);
      });

    const id = await drafted(t.key);
    const once = editFirst(1);
    const published = await api(t.key).publish(id);
    once.mockRestore();
    expect(published.status).toBe(200);
    // The edit made under the first attempt is what was published.
    expect(published.body).toMatchObject({ status: "queued", request: { post: { content: { text: "edit 1" } } } });

    edits = 0;
    const restless = await drafted(t.key);
    const always = editFirst(Number.POSITIVE_INFINITY);
    const refused = await api(t.key).publish(restless);
    always.mockRestore();
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "conflict", details: { status: "stale" } });
    expect(refused.body.error.message).not.toMatch(/If-Match/);
    expect(edits).toBe(3);
    expect((await api(t.key).get(restless)).body).toMatchObject({ status: "draft", targets: [] });
  });

  it("answers 404 for another user's draft and a key of the other mode", async () => {
    const t = await h.tenant({ keys: [{ mode: "test" }, { mode: "live" }] });
    const other = await h.tenant();
    const id = await drafted(t.keys[0]!);
    expect((await api(other.key).publish(id)).status).toBe(404);
    expect((await api(t.keys[1]!).publish(id)).status).toBe(404);
    expect((await api(t.keys[0]!).get(id)).body.status).toBe("draft");
  });
});
