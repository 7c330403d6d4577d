/**
 * The TypeScript client's templates methods against a real HTTP server on a loopback port: each
 * sends the route, method and body the OpenAPI document describes, and a render retried after a
 * 500 carries the same Idempotency-Key (so it stores one image, not two).
 */
import { InvalidRequestError, Postcast } from "../../../../clients/typescript/src";
import { envelope, scriptedServer, type Reply } from "../../support/scripted-server";

const API_KEY = "sk_test_client_unit_secret_0123456789";
const fast = { minRetryDelayMs: 5, maxRetryDelayMs: 20 };
const RENDERED = {
  id: "m1",
  mediaId: "m1",
  url: "https://media.example.test/m1.png",
  width: 1080,
  height: 1080,
  templateSlug: "og-blog-post",
  contentType: "image/png",
  expiresAt: "2026-12-30T09:00:00.000Z",
  replayed: false,
};
const VIEW = { slug: "quote", builtIn: false, definition: {}, createdAt: null, updatedAt: null };

let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(script: (i: number) => Reply) {
  server = await scriptedServer((_, i) => script(i));
  return { client: new Postcast({ apiKey: API_KEY, baseUrl: server.url, ...fast }), seen: server.seen };
}

describe("postcast.templates", () => {
  it("render() POSTs Soku's body to /v1/templates, reusing one Idempotency-Key across retries", async () => {
    const { client, seen } = await clientFor((i) =>
      i === 0 ? envelope("internal_error", 500, "lost") : { status: 201, json: RENDERED },
    );
    const input = { templateSlug: "og-blog-post", config: { title: "Hi" }, aspectRatio: "1:1" as const };
    await expect(client.templates.render(input)).resolves.toEqual(RENDERED);
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /v1/templates", "POST /v1/templates"]);
    expect(JSON.parse(seen[0]!.body.toString("utf8"))).toEqual(input);
    const keys = seen.map((r) => r.headers["idempotency-key"]);
    expect(keys[0]).toEqual(expect.any(String));
    expect(keys[1]).toBe(keys[0]);
  });

  it("render() throws the API's 400 naming the field", async () => {
    const { client } = await clientFor(() =>
      envelope("validation_error", 400, "No template 'nope'.", { field: "templateSlug", reason: "unknown_template" }),
    );
    const error: unknown = await client.templates.render({ templateSlug: "nope" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).details).toMatchObject({ field: "templateSlug" });
  });

  it("definitions: create, list, get, update (merge patch) and delete hit their routes", async () => {
    const { client, seen } = await clientFor((i) =>
      i === 1
        ? { status: 200, json: { data: [VIEW] } }
        : i === 4
          ? { status: 200, json: { slug: "quote", deleted: true } }
          : { status: i === 0 ? 201 : 200, json: VIEW },
    );
    const d = client.templates.definitions;
    const definition = {
      slug: "quote",
      parameters: { quote: { type: "text" as const, default: "Hi" } },
      elements: [
        {
          type: "text" as const,
          box: { x: 0, y: 0, width: 1, height: 1 },
          content: "{{quote}}",
          size: { min: 20, max: 60 },
          color: "#ffffff",
        },
      ],
    };
    await expect(d.create(definition)).resolves.toEqual(VIEW);
    await expect(d.list()).resolves.toEqual({ data: [VIEW] });
    await expect(d.get("quote")).resolves.toEqual(VIEW);
    await expect(d.update("quote", { name: null })).resolves.toEqual(VIEW);
    await expect(d.delete("quote")).resolves.toEqual({ slug: "quote", deleted: true });
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /v1/templates/definitions",
      "GET /v1/templates/definitions",
      "GET /v1/templates/definitions/quote",
      "PATCH /v1/templates/definitions/quote",
      "DELETE /v1/templates/definitions/quote",
    ]);
    expect(JSON.parse(seen[0]!.body.toString("utf8"))).toEqual(definition);
    expect(JSON.parse(seen[3]!.body.toString("utf8"))).toEqual({ name: null });
  });
});
