import request from "supertest";
import { Harness } from "../support/harness";
import { WebhookReceiver } from "../support/webhook-receiver";

const h = new Harness();
const receiver = new WebhookReceiver();
beforeAll(() => receiver.start());
afterAll(async () => {
  await receiver.stop();
  await h.close();
});

async function submit(key: string, platform: unknown) {
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", key)
    .send({
      post: { content: { text: `fanout ${Math.random()}`, videoUrl: "https://cdn.example.com/clip.mp4", platform } },
    });
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

const subDoc = (id: string) => h.db.doc(`postSubmissions/${id}`).get();
const get = async (key: string, id: string) => {
  const res = await request(h.app).get(`/v1/posts/${id}`).set("soku-api-key", key);
  expect(res.status).toBe(200);
  return res.body as { status: string; summary: Record<string, number> };
};

/** Delivers only the orchestration and the publish tasks of the platforms named. */
function drainOnly(fns: string[]) {
  const all = h.handlers() as Record<string, unknown>;
  const some = Object.fromEntries(Object.entries(all).filter(([fn]) => fns.includes(fn)));
  return h.tasks.drain(some, { now: h.clock });
}

const eventsOf = async (uid: string, type: string) =>
  (await h.db.collection(`users/${uid}/events`).where("type", "==", type).get()).docs;

describe("fan-out without a hot submission document", () => {
  it("leaves the submission alone while runs finish, answers their live count, then settles once", async () => {
    const t = await h.tenant();
    const id = await submit(t.key, [{ platform: "x", accountId: "x_primary" }, "threads"]);
    await drainOnly(["orchestratePost", "publishX"]);
    const dispatched = await subDoc(id);
    expect(dispatched.get("status")).toBe("dispatched");
    // The finished run did not write the submission: its summary is still the orchestration's.
    expect(dispatched.get("summary")).toEqual({ total: 2, succeeded: 0, failed: 0, pending: 2, canceled: 0 });
    // The API answers as before: the count comes from the runs.
    const mid = await get(t.key, id);
    expect(mid.summary).toEqual({ total: 2, succeeded: 1, failed: 0, pending: 1, canceled: 0 });
    const listed = await request(h.app).get("/v1/posts").set("soku-api-key", t.key);
    const item = (listed.body.data as { postSubmissionId: string; summary: unknown }[]).find(
      (p) => p.postSubmissionId === id,
    );
    expect(item?.summary).toEqual(mid.summary);

    await h.drain();
    const done = await subDoc(id);
    expect(done.get("status")).toBe("completed");
    expect(done.get("summary")).toEqual({ total: 2, succeeded: 2, failed: 0, pending: 0, canceled: 0 });
    expect((await get(t.key, id)).summary).toEqual(done.get("summary"));
    const completed = (await eventsOf(t.uid, "post.completed")).filter((e) => e.get("data.postId") === id);
    expect(completed).toHaveLength(1);
    expect(await eventsOf(t.uid, "post.published")).toHaveLength(2);
  });

  it("the sweeper settles a post whose last publisher died between its run's commit and the settling", async () => {
    const t = await h.tenant();
    const id = await submit(t.key, ["threads", "linkedin"]);
    await drainOnly(["orchestratePost"]);
    // Both runs end as a publisher would leave them had it died right after its commit.
    for (const runId of ["threads", "linkedin"]) {
      await h.db.doc(`postSubmissions/${id}/runs/${runId}`).update({ status: "succeeded", leaseId: null });
    }
    h.tasks.pending.length = 0;
    h.offsetMs = 5 * 60_000;
    try {
      const counts = await h.sweep();
      expect(counts.settled).toBe(1);
      await h.sweep();
    } finally {
      h.offsetMs = 0;
    }
    const doc = await subDoc(id);
    expect(doc.get("status")).toBe("completed");
    expect(doc.get("summary")).toMatchObject({ succeeded: 2, pending: 0 });
    const completed = (await eventsOf(t.uid, "post.completed")).filter((e) => e.get("data.postId") === id);
    expect(completed).toHaveLength(1);
  });

  it("records a world's events already relayed when it has no webhook endpoint, and relays them when it has", async () => {
    const quiet = await h.tenant();
    const before = h.tasks.delivered.length;
    await submit(quiet.key, ["threads"]);
    await h.drain();
    const relays = h.tasks.delivered
      .slice(before)
      .filter((task) => task.fn === "relayEvent" && (task.payload as { userId: string }).userId === quiet.uid);
    expect(relays).toHaveLength(0);
    const published = await eventsOf(quiet.uid, "post.published");
    expect(published).toHaveLength(1);
    expect(published[0]?.get("relayed")).toBe(true);
    expect((await eventsOf(quiet.uid, "post.completed"))[0]?.get("relayed")).toBe(true);

    const heard = await h.tenant();
    h.webhookRequest = { timeoutMs: 15_000, loopbackOrigins: "any" };
    const hook = await request(h.app).post("/v1/webhooks").set("soku-api-key", heard.key).send({ url: receiver.url });
    expect(hook.status).toBe(201);
    const from = h.tasks.delivered.length;
    await submit(heard.key, ["threads"]);
    await h.drain();
    const relayed = h.tasks.delivered
      .slice(from)
      .filter((task) => task.fn === "relayEvent" && (task.payload as { userId: string }).userId === heard.uid);
    expect(relayed).toHaveLength(2);
    expect((await eventsOf(heard.uid, "post.published"))[0]?.get("relayed")).toBe(true);
    expect(receiver.received.map((r) => JSON.parse(r.body).type as string).sort()).toEqual([
      "post.completed",
      "post.published",
    ]);
  });
});
