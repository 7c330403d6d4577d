import request from "supertest";
import { Harness } from "../support/harness";
import { idTokenFor } from "../support/id-token";

const h = new Harness();
afterAll(() => h.close());

const tokens = new Map<string, Promise<string>>();
const bearer = async (uid: string) => {
  if (!tokens.has(uid)) tokens.set(uid, idTokenFor(uid));
  return `Bearer ${await tokens.get(uid)}`;
};
const keys = (uid: string) => ({
  create: async (b: unknown) =>
    request(h.app)
      .post("/v1/api-keys")
      .set("Authorization", await bearer(uid))
      .send(b as object),
  list: async () =>
    request(h.app)
      .get("/v1/api-keys")
      .set("Authorization", await bearer(uid)),
  revoke: async (id: string) =>
    request(h.app)
      .delete(`/v1/api-keys/${id}`)
      .set("Authorization", await bearer(uid)),
});
const accounts = (app: Harness["app"], key: string) => request(app).get("/v1/accounts").set("soku-api-key", key);

describe("API key management", () => {
  it("creates a key shown once, lists it without the secret, and the key works", async () => {
    const t = await h.tenant();
    const created = await keys(t.uid).create({ name: "CI deploys", mode: "test" });
    expect(created.status).toBe(201);
    const apiKey = created.body.apiKey as string;
    expect(apiKey).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ name: "CI deploys", mode: "test", status: "active", revokedAt: null });
    expect(created.headers.location).toBe(`/v1/api-keys/${created.body.id}`);

    const listed = await keys(t.uid).list();
    expect(listed.status).toBe(200);
    const mine = listed.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(mine).toMatchObject({ name: "CI deploys", mode: "test", status: "active", lastUsedAt: null });
    expect(mine.preview).toBe(`sk_test_${apiKey.slice(8, 10)}…${apiKey.slice(-2)}`);
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(apiKey.slice(8));
    expect(text).not.toMatch(/[0-9a-f]{64}/); // never the hash either
    expect(listed.body.data).toHaveLength(2); // the tenant's seeded key and this one

    expect((await accounts(h.app, apiKey)).status).toBe(200);
    const used = (await keys(t.uid).list()).body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(used.lastUsedAt).not.toBeNull();
  });

  it("defaults to a live key and validates the body", async () => {
    const t = await h.tenant();
    const live = await keys(t.uid).create({});
    expect(live.status).toBe(201);
    expect(live.body.apiKey).toMatch(/^sk_live_/);
    for (const bad of [{ name: "" }, { name: "x".repeat(101) }, { mode: "prod" }, { scopes: [] }]) {
      const res = await keys(t.uid).create(bad);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_error");
    }
    expect((await keys(t.uid).list()).body.data).toHaveLength(2);
  });

  it("refuses API keys on key routes and ID tokens on content routes (401)", async () => {
    const t = await h.tenant();
    const byKey = await request(h.app).get("/v1/api-keys").set("soku-api-key", t.key);
    expect(byKey.status).toBe(401);
    expect(byKey.body.error.message).toMatch(/ID token/);
    const byBearerKey = await request(h.app).post("/v1/api-keys").set("Authorization", `Bearer ${t.key}`).send({});
    expect(byBearerKey.status).toBe(401);
    const none = await request(h.app).get("/v1/api-keys");
    expect(none.status).toBe(401);
    const forged = await request(h.app).get("/v1/api-keys").set("Authorization", "Bearer not.a.token");
    expect(forged.status).toBe(401);
    const tokenOnContent = await request(h.app)
      .get("/v1/accounts")
      .set("Authorization", await bearer(t.uid));
    expect(tokenOnContent.status).toBe(401);
    expect(tokenOnContent.body.error.code).toBe("unauthorized");
  });

  it("revokes: the key stops working on this instance at once and on another within 30 s", async () => {
    const t = await h.tenant();
    const { apiKey, id } = (await keys(t.uid).create({ name: "rotate me", mode: "test" })).body as {
      apiKey: string;
      id: string;
    };
    // A second instance: its own stores and caches over the same Firestore, its own clock.
    // `other` shares this file's Firestore client (one per project), which afterAll closes.
    const other = new Harness();
    expect((await accounts(h.app, apiKey)).status).toBe(200);
    expect((await accounts(other.app, apiKey)).status).toBe(200); // now cached there

    const revoked = await keys(t.uid).revoke(id);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id, status: "revoked" });
    expect(revoked.body.revokedAt).not.toBeNull();

    const here = await accounts(h.app, apiKey);
    expect(here.status).toBe(401);
    expect(here.body.error.message).toBe("API key revoked");

    other.offsetMs = 30_000; // by then the other instance's cache entry has expired
    const there = await accounts(other.app, apiKey);
    expect(there.status).toBe(401);
    expect(there.body.error.message).toBe("API key revoked");

    expect((await keys(t.uid).revoke(id)).status).toBe(200); // idempotent
    expect((await keys(t.uid).list()).body.data.find((k: { id: string }) => k.id === id).status).toBe("revoked");
  });

  it("never lets one user see or revoke another user's keys", async () => {
    const a = await h.tenant();
    const b = await h.tenant();
    const { id, apiKey } = (await keys(a.uid).create({ name: "a's" })).body as { id: string; apiKey: string };
    expect((await keys(b.uid).list()).body.data.map((k: { id: string }) => k.id)).not.toContain(id);
    const res = await keys(b.uid).revoke(id);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    expect((await keys(a.uid).list()).body.data.find((k: { id: string }) => k.id === id).status).toBe("active");
    expect(apiKey).toMatch(/^sk_live_/);
  });
});
