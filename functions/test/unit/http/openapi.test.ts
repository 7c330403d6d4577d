import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { patchSchema } from "../../../src/domain/post-edit";
import { createApp } from "../../../src/http/app";
import { openApiPath } from "../../../src/http/openapi/document";
import { DOCUMENTED_PATCH } from "../../../src/http/openapi/operations";
import { ROUTE_SCOPES } from "../../../src/http/route-scopes";
import { OPENAPI_FILE, serialized } from "../../../tools/openapi";
import { appRoutes } from "../../support/app-routes";

const TSX = require.resolve("tsx/cli");

/** The local stack's stand-ins for Cloud Storage (production serves these from Storage's own URLs). */
const LOCAL_ONLY = new Set(["get /media-files/*path", "put /media-uploads/*path", "delete /media-uploads/*path"]);
/** The browsable reference: a page rendered from the document, not an operation of the API. */
const REFERENCE_PAGE = "get /docs";

const validate = (file: string): { valid: boolean; version: string; errors: unknown } =>
  JSON.parse(
    execFileSync(process.execPath, [TSX, path.join(__dirname, "../../../tools/validate-openapi.ts"), file], {
      encoding: "utf8",
    }),
  ) as { valid: boolean; version: string; errors: unknown };

describe("openapi.json", () => {
  it("is current: npm run openapi writes what is committed", () => {
    expect(readFileSync(OPENAPI_FILE, "utf8")).toBe(serialized());
  });

  it("is a valid OpenAPI 3.1 document (and the validator refuses a broken one)", () => {
    expect(validate(OPENAPI_FILE)).toEqual({ valid: true, version: "3.1", errors: null });
    const broken = JSON.parse(serialized()) as { paths: Record<string, Record<string, { parameters: unknown[] }>> };
    broken.paths["/v1/posts"]!.post!.parameters.push({ name: "x", in: "body" });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "openapi-")), "broken.json");
    writeFileSync(file, JSON.stringify(broken));
    expect(validate(file).valid).toBe(false);
  });

  it("describes every route and method the app serves, and nothing it does not", () => {
    const app = createApp(() => {
      throw new Error("no request is made");
    });
    const served = appRoutes(app)
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !LOCAL_ONLY.has(r) && r !== REFERENCE_PAGE)
      .map((r) => {
        const [method, route] = r.split(" ");
        return `${method} ${openApiPath(route!)}`;
      })
      .sort();
    const doc = JSON.parse(serialized()) as { paths: Record<string, Record<string, unknown>> };
    const described = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .sort();
    expect(described).toEqual(served);
  });

  type Json = Record<string, unknown>;
  type Doc = Json & { paths: Record<string, Record<string, Json>>; components: { examples: Record<string, Json> } };

  it("gives every example that its schema accepts (bodies, answers and error envelopes)", () => {
    const doc = JSON.parse(serialized()) as Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: "openapi" });
    const failures: string[] = [];
    let checked = 0;
    const check = (where: string, value: unknown) => {
      checked++;
      const validate = ajv.compile({ $ref: `openapi#/${where}` });
      if (!validate(value)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    };
    const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const bodies: [string[], Json | undefined][] = [
          [["requestBody"], op.requestBody as Json | undefined],
          ...Object.entries((op.responses as Record<string, Json>) ?? {}).map(
            ([status, r]) => [["responses", status], r] as [string[], Json],
          ),
        ];
        for (const [at, holder] of bodies) {
          const media = (holder?.content as Record<string, Json> | undefined)?.["application/json"];
          if (!media) continue;
          const schemaAt = pointer("paths", path, method, ...at, "content", "application/json", "schema");
          if (media.example !== undefined) check(schemaAt, media.example);
          for (const example of Object.values((media.examples as Record<string, Json> | undefined) ?? {})) {
            const ref = String(example.$ref ?? "");
            const value = ref ? doc.components.examples[ref.split("/").pop()!]!.value : example.value;
            check(schemaAt, value);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });

  it("documents PATCH /v1/posts/{id}'s body with the fields patchSchema takes", () => {
    const keys = (o: { shape: Record<string, unknown> }) => Object.keys(o.shape).sort();
    expect(keys(DOCUMENTED_PATCH)).toEqual(keys(patchSchema));
    const content = (o: typeof patchSchema | typeof DOCUMENTED_PATCH) =>
      keys(
        (
          o.shape.post.unwrap() as unknown as { shape: { content: { unwrap(): { shape: Record<string, unknown> } } } }
        ).shape.content.unwrap(),
      );
    expect(content(DOCUMENTED_PATCH)).toEqual(content(patchSchema));
  });

  it("states each API-key operation's scope as ROUTE_SCOPES enforces it, for every entry of the table", () => {
    const doc = JSON.parse(serialized()) as Doc;
    const stated = Object.fromEntries(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => (op.security as Json[]).some((s) => "sokuApiKey" in s))
          .map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.security]),
      ),
    );
    const expected = Object.fromEntries(
      Object.entries(ROUTE_SCOPES).map(([route, { scope }]) => [
        route,
        [{ sokuApiKey: [scope] }, { bearerApiKey: [scope] }],
      ]),
    );
    expect(stated).toEqual(expected);
    const create = doc.paths["/v1/posts"]!.post!;
    expect(create["x-required-scopes-unless-draft"]).toEqual(["posts:publish"]);
    expect(create.description).toContain("`posts:publish` too unless");
    const forbidden = (create.responses as Record<string, Json>)["403"]!;
    expect(Object.keys((forbidden.content as Record<string, Json>)["application/json"]!.examples as Json)).toEqual([
      "forbidden",
      "insufficient_scope",
    ]);
  });
});
