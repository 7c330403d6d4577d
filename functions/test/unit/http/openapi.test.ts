import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createApp } from "../../../src/http/app";
import { openApiPath } from "../../../src/http/openapi/document";
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
});
