/**
 * The Templates API through the real app and the Firestore emulator: POST /v1/templates (and its
 * alias) renders into the caller's media (idempotent as POST /v1/media, limited to 20 a minute), a
 * post uses the result, and users keep their own template definitions. Nothing here looks at
 * pixels (the engine's own tests do): only at what the API answers and stores.
 */
import fc from "fast-check";
import request from "supertest";
import sharp from "sharp";
import { DEFAULT_RATE_LIMITS } from "../../src/config/rate-limits";
import { MAX_TEMPLATES } from "../../src/http/use-cases/template-definitions";
import { BUILT_IN_TEMPLATES } from "../../src/templates";
import { Harness } from "../support/harness";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

jest.setTimeout(60_000);

const h = new Harness({ projectId: `demo-templates-${Date.now()}`, rateLimits: RELAXED_RATE_LIMITS });
afterAll(() => h.close());

const BUILT_IN = Object.keys(BUILT_IN_TEMPLATES)[0] as string;

/** A small user template: a title on a coloured card. */
function quoteCard(slug: string) {
  return {
    slug,
    name: "Quote",
    parameters: {
      quote: { type: "text", default: "Ship it.", maxLength: 280 },
      accent: { type: "color", default: "#1d9bf0" },
    },
    background: "#101010",
    elements: [
      { type: "rect", box: { x: 0, y: 0.9, width: 1, height: 0.1 }, fill: { param: "accent" } },
      {
        type: "text",
        box: { x: 0.1, y: 0.1, width: 0.8, height: 0.7 },
        content: "“{{quote}}”",
        size: { min: 24, max: 80 },
        color: "#ffffff",
      },
    ],
  };
}

const as = (key: string) => ({
  render: (body: unknown, path = "/v1/templates", headers: Record<string, string> = {}) =>
    request(h.app)
      .post(path)
      .set("soku-api-key", key)
      .set(headers)
      .send(body as object),
  define: (body: unknown) =>
    request(h.app)
      .post("/v1/templates/definitions")
      .set("soku-api-key", key)
      .send(body as object),
  list: () => request(h.app).get("/v1/templates/definitions").set("soku-api-key", key),
  get: (slug: string) => request(h.app).get(`/v1/templates/definitions/${slug}`).set("soku-api-key", key),
  patch: (slug: string, body: unknown) =>
    request(h.app)
      .patch(`/v1/templates/definitions/${slug}`)
      .set("soku-api-key", key)
      .send(body as object),
  delete: (slug: string) => request(h.app).delete(`/v1/templates/definitions/${slug}`).set("soku-api-key", key),
});

const fieldOf = (res: request.Response) => (res.body as { error: { details: { field: string } } }).error.details.field;

describe("POST /v1/templates", () => {
  let key: string;
  beforeAll(async () => {
    key = (await h.tenant({ keys: [{ mode: "live" }] })).key;
  });

  it.each([
    [undefined, 1200, 630],
    ["1:1", 1080, 1080],
    ["4:5", 1080, 1350],
    ["9:16", 1080, 1920],
  ])("renders a built-in at aspect ratio %s into a stored PNG of %i × %i", async (aspectRatio, width, height) => {
    const res = await as(key).render({ templateSlug: BUILT_IN, ...(aspectRatio ? { aspectRatio } : {}) });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      mediaId: res.body.id,
      url: expect.stringMatching(/\.png$/),
      width,
      height,
      templateSlug: BUILT_IN,
      contentType: "image/png",
      expiresAt: expect.any(String),
      replayed: false,
    });
    expect(res.headers.location).toBe(`/v1/media/${res.body.id as string}`);
    // The stored file is the PNG itself, served like any media, and a media record says so.
    const file = await request(h.app)
      .get(new URL(res.body.url as string).pathname)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(await sharp(file.body as Buffer).metadata()).toMatchObject({ format: "png", width, height });
    const media = await request(h.app)
      .get(`/v1/media/${res.body.id as string}`)
      .set("soku-api-key", key);
    expect(media.body).toMatchObject({ id: res.body.id, contentType: "image/png", width, height });
    expect(media.body.expiresAt).toBe(res.body.expiresAt);
  });

  it("answers the alias POST /v1/media/render-og the same way", async () => {
    const res = await as(key).render({ templateSlug: BUILT_IN, aspectRatio: "1:1" }, "/v1/media/render-og", {
      "Idempotency-Key": `alias-${Date.now()}`,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ templateSlug: BUILT_IN, width: 1080, height: 1080, replayed: false });
  });

  it("renders tweetImage from Soku's fields or the card's own (text, name), and refuses both at once", async () => {
    const soku = await as(key).render({
      templateSlug: "tweetImage",
      config: { title: "Hello", author: "Grace", theme: "light" },
    });
    expect(soku.status).toBe(201);
    const own = await as(key).render({
      templateSlug: "tweetImage",
      config: { text: "Hello", name: "Grace", handle: "@g" },
    });
    expect(own.status).toBe(201);
    const both = await as(key).render({ templateSlug: "tweetImage", config: { title: "A", text: "B" } });
    expect(both.status).toBe(400);
    expect(both.body.error.details.issues).toEqual([
      expect.objectContaining({ field: "config.text", reason: "duplicate" }),
    ]);
  });

  it("is idempotent like POST /v1/media: a replay gets the same media, another body under the key a 409", async () => {
    const idem = { "Idempotency-Key": `render-${Date.now()}` };
    const body = { templateSlug: BUILT_IN, aspectRatio: "4:5" };
    const first = await as(key).render(body, "/v1/templates", idem);
    const again = await as(key).render(body, "/v1/templates", idem);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body).toEqual({ ...first.body, replayed: true });
    const other = await as(key).render({ ...body, aspectRatio: "9:16" }, "/v1/templates", idem);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("idempotency_conflict");
    // Without a key, the same body is the same request too.
    const derived = { templateSlug: BUILT_IN, aspectRatio: "9:16", config: {} };
    const a = await as(key).render(derived);
    const b = await as(key).render(derived);
    expect(b.body).toEqual({ ...a.body, replayed: true });
  });

  it.each([
    [{ templateSlug: "no-such-template" }, "templateSlug"],
    [{ templateSlug: "/ " }, "templateSlug"],
    [{ templateSlug: "a/b/c" }, "templateSlug"],
    [{ templateSlug: "__proto__" }, "templateSlug"],
    [{}, "templateSlug"],
    [{ templateSlug: BUILT_IN, aspectRatio: "16:9" }, "aspectRatio"],
    [{ templateSlug: BUILT_IN, aspectRatio: "1.91:1" }, "aspectRatio"],
    [{ templateSlug: BUILT_IN, colour: "red" }, "colour"],
    [{ templateSlug: BUILT_IN, config: "dark" }, "config"],
    [{ templateSlug: BUILT_IN, config: { noSuchParameter: "x" } }, "config.noSuchParameter"],
  ])("refuses %j with a 400 naming %s, storing nothing", async (body, field) => {
    const t = await h.tenant({ keys: [{ mode: "live" }] });
    const res = await as(t.key).render(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_error");
    expect(fieldOf(res)).toBe(field);
    const stored = await h.db.collection(`users/${t.uid}/media`).count().get();
    const claimed = await h.db.collection(`users/${t.uid}/mediaRequests`).count().get();
    expect([stored.data().count, claimed.data().count]).toEqual([0, 0]);
  });

  it("renders into media a post can use by mediaIds and by URL", async () => {
    const t = await h.tenant({ keys: [{ mode: "test" }] });
    const rendered = await as(t.key).render({ templateSlug: BUILT_IN, aspectRatio: "1:1" });
    expect(rendered.status).toBe(201);
    const byId = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({ post: { content: { text: "Our card", mediaIds: [rendered.body.mediaId], platform: ["threads"] } } });
    expect(byId.status).toBe(202);
    const byUrl = await request(h.app)
      .post("/v1/posts?dryRun=true")
      .set("soku-api-key", t.key)
      .send({ post: { content: { text: "Our card", imageUrls: [rendered.body.url], platform: ["threads"] } } });
    expect(byUrl.status).toBe(200);
    expect(byUrl.body.targets).toMatchObject([{ platform: "threads", outcome: "send" }]);
  });
});

describe("the 20 requests per 60 s endpoint limit", () => {
  const limited = new Harness({ projectId: `demo-templates-limit-${Date.now()}`, rateLimits: DEFAULT_RATE_LIMITS });
  afterAll(() => limited.close());

  it("refuses the 21st render of a minute with a 429 and Retry-After, counting the alias as the same endpoint", async () => {
    expect(DEFAULT_RATE_LIMITS.endpoints["POST /v1/templates"]).toBe(20);
    const { key } = await limited.tenant({ keys: [{ mode: "live" }] });
    const send = (path: string) =>
      request(limited.app).post(path).set("soku-api-key", key).send({ templateSlug: BUILT_IN, aspectRatio: "1:1" });
    for (let i = 0; i < 20; i += 1) {
      const res = await send(i % 2 === 0 ? "/v1/templates" : "/v1/media/render-og");
      expect([i, res.status]).toEqual([i, 201]);
    }
    for (const path of ["/v1/templates", "/v1/media/render-og"]) {
      const refused = await send(path);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
      expect(refused.body.error).toMatchObject({
        code: "rate_limit_exceeded",
        details: { scope: "endpoint:POST /v1/templates", limit: 20 },
      });
    }
    // Another endpoint is not affected.
    expect((await request(limited.app).get("/v1/templates/definitions").set("soku-api-key", key)).status).toBe(200);
  });
});

describe("/v1/templates/definitions", () => {
  it("creates, lists, reads, patches, renders and deletes a user's template", async () => {
    const { key } = await h.tenant({ keys: [{ mode: "live" }] });
    const api = as(key);
    const created = await api.define(quoteCard("quote"));
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe("/v1/templates/definitions/quote");
    expect(created.body).toMatchObject({ slug: "quote", builtIn: false, definition: { slug: "quote" } });
    // Defaults are filled in and kept.
    expect(created.body.definition.defaultRatio).toBe("1.91:1");

    const listed = await api.list();
    expect(listed.status).toBe(200);
    const slugs = (listed.body.data as { slug: string; builtIn: boolean }[]).map((d) => [d.slug, d.builtIn]);
    expect(slugs).toEqual([...Object.keys(BUILT_IN_TEMPLATES).map((s) => [s, true]), ["quote", false]]);
    expect((await api.get("quote")).body).toEqual(created.body);
    expect((await api.get(BUILT_IN)).body).toMatchObject({ slug: BUILT_IN, builtIn: true });

    const rendered = await api.render({ templateSlug: "quote", config: { quote: "Hello", accent: "#ff0000" } });
    expect(rendered.status).toBe(201);
    expect(rendered.body).toMatchObject({ templateSlug: "quote", width: 1200, height: 630 });
    const wrongType = await api.render({ templateSlug: "quote", config: { accent: "red" } });
    expect([wrongType.status, fieldOf(wrongType)]).toEqual([400, "config.accent"]);

    // A merge patch: objects merge, the rest of the definition stays, the result is checked whole.
    const patched = await api.patch("quote", { defaultRatio: "1:1", parameters: { accent: { default: "#00ff00" } } });
    expect(patched.status).toBe(200);
    expect(patched.body.definition).toMatchObject({
      defaultRatio: "1:1",
      parameters: { accent: { type: "color", default: "#00ff00" }, quote: { default: "Ship it." } },
    });
    // The same body renders anew after the change (the derived key covers the definition).
    const afterPatch = await api.render({ templateSlug: "quote", config: { quote: "Hello", accent: "#ff0000" } });
    expect(afterPatch.body).toMatchObject({ replayed: false, width: 1080, height: 1080 });
    expect(afterPatch.body.id).not.toBe(rendered.body.id);

    const invalid = await api.patch("quote", { parameters: { accent: { default: "green" } } });
    expect([invalid.status, fieldOf(invalid)]).toEqual([400, "parameters.accent.default"]);
    const renamed = await api.patch("quote", { slug: "other" });
    expect([renamed.status, fieldOf(renamed)]).toEqual([400, "slug"]);
    const emptied = await api.patch("quote", { elements: null });
    expect([emptied.status, fieldOf(emptied)]).toEqual([400, "elements"]);
    expect((await api.get("quote")).body.definition.parameters.accent.default).toBe("#00ff00");

    const deleted = await api.delete("quote");
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ slug: "quote", deleted: true });
    expect((await api.get("quote")).status).toBe(404);
    expect((await api.delete("quote")).status).toBe(404);
    expect((await api.patch("quote", { name: "x" })).status).toBe(404);
    const gone = await api.render({ templateSlug: "quote" });
    expect([gone.status, fieldOf(gone)]).toEqual([400, "templateSlug"]);
    // What was rendered from it stays: it is media.
    expect(
      (
        await request(h.app)
          .get(`/v1/media/${rendered.body.id as string}`)
          .set("soku-api-key", key)
      ).status,
    ).toBe(200);
  });

  it("refuses a built-in's slug (any case), a repeated slug, and an invalid definition", async () => {
    const { key } = await h.tenant({ keys: [{ mode: "live" }] });
    const api = as(key);
    for (const slug of [BUILT_IN, BUILT_IN.toUpperCase()]) {
      const res = await api.define(quoteCard(slug));
      expect([slug, res.status, res.body.error.code]).toEqual([slug, 409, "conflict"]);
    }
    expect((await api.define(quoteCard("mine"))).status).toBe(201);
    const again = await api.define(quoteCard("mine"));
    expect([again.status, again.body.error.code]).toEqual([409, "conflict"]);
    const unknownField = await api.define({ ...quoteCard("other"), colour: "red" });
    expect([unknownField.status, fieldOf(unknownField)]).toEqual([400, "colour"]);
    const badSlug = await api.define(quoteCard("1bad slug"));
    expect([badSlug.status, fieldOf(badSlug)]).toEqual([400, "slug"]);
    expect((await api.patch(BUILT_IN, { name: "mine now" })).status).toBe(409);
    expect((await api.delete(BUILT_IN)).status).toBe(409);
    // A path that could not be a slug names nothing.
    expect((await api.get("x".repeat(2000))).status).toBe(404);
  });

  it("keeps test and live templates apart", async () => {
    const t = await h.tenant({ keys: [{ mode: "live" }, { mode: "test" }] });
    const [live, test] = [as(t.keys[0] as string), as(t.keys[1] as string)];
    expect((await test.define(quoteCard("shared"))).status).toBe(201);
    expect((await live.get("shared")).status).toBe(404);
    expect((await live.render({ templateSlug: "shared" })).status).toBe(400);
    expect((await live.delete("shared")).status).toBe(404);
    // The same slug in the other world is another template.
    expect((await live.define(quoteCard("shared"))).status).toBe(201);
    expect((await test.get("shared")).status).toBe(200);
  });

  it(`allows at most ${MAX_TEMPLATES} templates per user`, async () => {
    const t = await h.tenant({ keys: [{ mode: "live" }] });
    const batch = h.db.batch();
    for (let i = 0; i < MAX_TEMPLATES; i += 1) {
      batch.set(h.db.doc(`users/${t.uid}/templates/live:t${i}`), { slug: `t${i}` });
    }
    await batch.commit();
    const res = await as(t.key).define(quoteCard("one-more"));
    expect([res.status, res.body.error.code, res.body.error.details.limit]).toEqual([409, "conflict", MAX_TEMPLATES]);
  });

  it("needs templates:read to read and templates:write to change; rendering needs media:write", async () => {
    const t = await h.tenant({ keys: [{ mode: "live", scopes: ["templates:read", "media:write"] }] });
    const api = as(t.key);
    expect((await api.list()).status).toBe(200);
    const refused = await api.define(quoteCard("nope"));
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.requiredScope).toBe("templates:write");
    expect((await api.render({ templateSlug: BUILT_IN })).status).toBe(201);
  });
});

describe("POST /v1/templates with random bodies (property)", () => {
  let key: string;
  beforeAll(async () => {
    key = (await h.tenant({ keys: [{ mode: "live" }] })).key;
  });

  const slugs = Object.keys(BUILT_IN_TEMPLATES);
  const keys = [...new Set(Object.values(BUILT_IN_TEMPLATES).flatMap((d) => Object.keys(d.parameters)))];
  const value = fc.oneof(
    fc.constantFrom(
      "",
      "</svg><script>x</script>",
      "مرحبا 中文 👩🏽‍💻",
      "#1d9bf0",
      "#12",
      "dark",
      "light",
      "x".repeat(3000),
    ),
    fc.constantFrom("http://127.0.0.1/avatar.png", "ftp://example.com/a.png", "data:image/png;base64,AAAA"),
    fc.string({ maxLength: 80 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  );
  const body = fc.record(
    {
      templateSlug: fc.oneof(fc.constantFrom(...slugs), fc.string({ maxLength: 20 }), fc.integer()),
      aspectRatio: fc.oneof(fc.constantFrom("1:1", "4:5", "9:16", "16:9", "1.91:1", ""), fc.integer()),
      config: fc.oneof(
        fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 12 })), value, { maxKeys: 4 }),
        value,
      ),
    },
    { requiredKeys: [] },
  );

  it("answers every body 201 with a stored PNG or 400 in the error envelope naming a field, never anything else", async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await as(key).render(b);
        if (res.status === 201) {
          expect(res.body).toMatchObject({ contentType: "image/png", templateSlug: b.templateSlug });
          return;
        }
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: "validation_error", type: "invalid_request_error" });
        expect(typeof fieldOf(res)).toBe("string");
      }),
      { numRuns: 40 },
    );
  });
});
