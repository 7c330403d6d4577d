import request from "supertest";
import { Harness } from "../support/harness";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
afterAll(() => h.close());

const textPost = () => ({ post: { content: { text: `log ${Math.random()}`, platform: [{ platform: "threads" }] } } });

function post(key: string, requestId?: string) {
  const req = request(h.app).post("/v1/posts").set("soku-api-key", key);
  if (requestId !== undefined) req.set("X-Request-ID", requestId);
  return req.send(textPost());
}

async function logsOf(uid: string, requestId: string) {
  const snap = await h.db.collection(`users/${uid}/apiRequests`).where("requestId", "==", requestId).get();
  return snap.docs;
}

describe("request logs are keyed by Postcast, not by the caller", () => {
  it("keeps two entries for two requests sent with the same X-Request-ID", async () => {
    const t = await h.tenant();
    const first = await post(t.key, "reused-id");
    const second = await post(t.key, "reused-id");
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.headers["x-request-id"]).toBe("reused-id");
    expect(second.headers["x-request-id"]).toBe("reused-id");
    const entries = await logsOf(t.uid, "reused-id");
    expect(entries).toHaveLength(2);
    expect(new Set(entries.map((d) => d.id)).size).toBe(2);
    expect(entries.map((d) => d.get("postSubmissionId") as string).sort()).toEqual(
      [first.body.postSubmissionId, second.body.postSubmissionId].sort(),
    );
    // The same for reads, which write their entry after the answer is computed.
    const reads = await Promise.all(
      [1, 2, 3].map(() => request(h.app).get("/v1/accounts").set("soku-api-key", t.key).set("X-Request-ID", "again")),
    );
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await logsOf(t.uid, "again")).toHaveLength(3);
  });

  it("names the entry after the X-Request-ID it generated when the caller sent none", async () => {
    const t = await h.tenant();
    const res = await post(t.key);
    expect(res.status).toBe(202);
    const id = res.headers["x-request-id"] as string;
    expect(id).toMatch(/^req_[0-9a-f]{24}$/);
    const doc = await h.db.doc(`users/${t.uid}/apiRequests/${id}`).get();
    expect(doc.data()).toMatchObject({ requestId: id, status: 202, postSubmissionId: res.body.postSubmissionId });
  });

  // Each is a well-formed X-Request-ID (docs/contract.md §4) that Firestore refuses as a document id
  // (`__x__`, `..`) or that is as long as allowed.
  it.each([["__x__"], [".."], ["."], ["__name__"], ["a".repeat(128)]])(
    "answers a committed action normally with X-Request-ID %s, and logs it",
    async (odd) => {
      const t = await h.tenant();
      const created = await post(t.key, odd);
      expect(created.status).toBe(202);
      expect(created.headers["x-request-id"]).toBe(odd);
      const id = created.body.postSubmissionId as string;
      const canceled = await request(h.app)
        .delete(`/v1/posts/${id}`)
        .set("soku-api-key", t.key)
        .set("X-Request-ID", odd);
      // Canceling after dispatch is refused; either way the answer is the API's, never a 5xx.
      expect([200, 409]).toContain(canceled.status);
      const read = await request(h.app).get(`/v1/posts/${id}`).set("soku-api-key", t.key).set("X-Request-ID", odd);
      expect(read.status).toBe(200);
      const entries = await logsOf(t.uid, odd);
      expect(entries.map((d) => d.get("method") as string).sort()).toEqual(["DELETE", "GET", "POST"]);
    },
  );

  it("a log entry that cannot be written does not turn a committed action into a 5xx", async () => {
    const t = await h.tenant();
    const created = await post(t.key);
    const id = created.body.postSubmissionId as string;
    const store = h.deps.apiRequests;
    const record = store.record.bind(store);
    store.record = () => Promise.reject(new Error("Firestore unavailable (simulated)"));
    try {
      const canceled = await request(h.app).delete(`/v1/posts/${id}`).set("soku-api-key", t.key);
      expect(canceled.status).toBe(200);
      expect(canceled.body.status).toBe("canceled");
      const refused = await request(h.app).get("/v1/posts/no-such-post").set("soku-api-key", t.key);
      expect(refused.status).toBe(404);
    } finally {
      store.record = record;
    }
    expect((await h.db.doc(`postSubmissions/${id}`).get()).get("status")).toBe("canceled");
  });
});
