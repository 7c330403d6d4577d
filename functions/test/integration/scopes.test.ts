import { randomBytes } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import request from "supertest";
import { hashApiKey } from "../../src/domain/api-key";
import { SCOPES, type Scope } from "../../src/domain/scopes";
import { ROUTE_SCOPES, type ScopedRoute } from "../../src/http/route-scopes";
import { Harness } from "../support/harness";
import { idTokenFor } from "../support/id-token";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

// Every route several times per key: more than a minute's allowance.
const h = new Harness({ rateLimits: RELAXED_RATE_LIMITS });
afterAll(() => h.close());

const ROUTES = Object.keys(ROUTE_SCOPES) as ScopedRoute[];
const publishable = { post: { content: { text: `scoped ${Math.random()}`, platform: ["threads"] } } };

/** The route called as a caller of it would: a real body where one is read, a made-up id. */
function call(route: ScopedRoute, key: string, body?: object) {
  const [method, path] = route.split(" ") as [string, string];
  const url = path.replace(/\{(id|slug)\}/g, "no-such-id");
  const r = request(h.app)[method.toLowerCase() as "get" | "post" | "patch" | "delete"](url).set("soku-api-key", key);
  return method === "GET" || method === "DELETE" ? r : r.send(body ?? (route === "POST /v1/posts" ? publishable : {}));
}

async function keyWith(scopes: readonly Scope[] | undefined) {
  const t = await h.tenant({ keys: [{ mode: "test", ...(scopes ? { scopes: [...scopes] } : {}) }] });
  return t.key;
}

describe("scoped keys", () => {
  it("refuses each route without its scope (403 naming it) and lets it through with it", async () => {
    for (const route of ROUTES) {
      const needed: Scope = ROUTE_SCOPES[route].scope;
      const without = await call(route, await keyWith(SCOPES.filter((s) => s !== needed)));
      expect([route, without.status]).toEqual([route, 403]);
      expect(without.body.error).toMatchObject({
        code: "insufficient_scope",
        type: "authentication_error",
        details: { requiredScope: needed },
      });
      expect(without.body.error.message).toContain(needed);

      const only: Scope[] = route === "POST /v1/posts" ? [needed, "posts:publish"] : [needed];
      const withIt = await call(route, await keyWith(only));
      expect([route, withIt.status]).not.toEqual([route, 403]);
      expect(withIt.status).toBeLessThan(500);
    }
  });

  it("creating a post needs posts:publish too, unless it is a draft", async () => {
    const writer = await keyWith(["posts:write", "posts:read"]);
    const refused = await call("POST /v1/posts", writer);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details).toMatchObject({ requiredScope: "posts:publish" });
    const draft = await call("POST /v1/posts", writer, { ...publishable, draft: true });
    expect(draft.status).toBe(202);
    const id = draft.body.postSubmissionId as string;
    expect((await request(h.app).post(`/v1/posts/${id}/publish`).set("soku-api-key", writer)).status).toBe(403);
    expect((await request(h.app).get(`/v1/posts/${id}`).set("soku-api-key", writer)).body.status).toBe("draft");
  });

  it("grants every scope by default, to keys stored without a list (Soku's shape) too", async () => {
    const seeded = await keyWith(undefined);
    // Soku wrote {userId, name, createdAt, revokedAt} and nothing else.
    const soku = `sk_live_${randomBytes(24).toString("base64url")}`;
    await h.db
      .doc(`apiKeys/${hashApiKey(soku)}`)
      .set({ userId: (await h.tenant()).uid, name: "Soku", createdAt: Timestamp.now(), revokedAt: null });
    for (const key of [seeded, soku]) {
      for (const route of ROUTES) {
        const res = await call(route, key);
        expect([route, res.status]).not.toEqual([route, 403]);
        expect(res.status).toBeLessThan(500);
      }
    }
  });

  it("refuses a key whose stored scopes are malformed rather than granting everything", async () => {
    const t = await h.tenant();
    await h.db.doc(`apiKeys/${hashApiKey(t.key)}`).update({ scopes: "all" });
    const res = await call("GET /v1/posts", t.key);
    expect(res.status).toBe(401);
  });

  it("POST /v1/api-keys takes scopes (validated); the list shows each key's", async () => {
    const t = await h.tenant();
    const auth = `Bearer ${await idTokenFor(t.uid)}`;
    const create = (body: object) => request(h.app).post("/v1/api-keys").set("Authorization", auth).send(body);
    const reader = await create({ name: "dashboard", mode: "test", scopes: ["posts:read", "posts:read"] });
    expect(reader.status).toBe(201);
    expect(reader.body.scopes).toEqual(["posts:read"]);
    const all = await create({ mode: "test" });
    expect(all.body.scopes).toEqual([...SCOPES]);
    for (const bad of [{ scopes: [] }, { scopes: ["posts:admin"] }, { scopes: "posts:read" }]) {
      const res = await create(bad);
      expect(res.status).toBe(400);
      expect(res.body.error.details.field).toMatch(/^scopes/);
    }
    const listed = await request(h.app).get("/v1/api-keys").set("Authorization", auth);
    const byId = new Map(listed.body.data.map((k: { id: string; scopes: string[] }) => [k.id, k.scopes]));
    expect(byId.get(reader.body.id)).toEqual(["posts:read"]);
    expect(byId.get(all.body.id)).toEqual([...SCOPES]);

    const key = reader.body.apiKey as string;
    expect((await call("GET /v1/posts", key)).status).toBe(200);
    expect((await call("GET /v1/accounts", key)).body.error.details.requiredScope).toBe("accounts:read");
  });
});
