import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Browser } from "playwright-core";
import request from "supertest";
import { REFERENCE_CSP, REFERENCE_DIR } from "../../src/http/routes/docs-routes";
import { buildReference } from "../../tools/reference";
import { Harness } from "../support/harness";
import {
  checkReference,
  describeInChromium,
  documentOperations,
  launchChromium,
  NO_FINDINGS,
  renderReference,
  type OpenApiPaths,
} from "../support/reference-page";

/**
 * GET /docs: the browsable reference, built as `npm run build` builds it, served by the app, and
 * rendered in headless Chromium, where every operation of the served document must show.
 */
const h = new Harness();
beforeAll(() => {
  buildReference(REFERENCE_DIR);
});
afterAll(() => h.close());

describe("GET /docs", () => {
  it("answers the page without credentials, cacheable, unlimited, under a CSP of its own origin only", async () => {
    const res = await request(h.app).get("/docs").expect(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    expect(res.headers.etag).toBeTruthy();
    expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
    expect(res.headers["content-security-policy"]).toBe(REFERENCE_CSP);
    expect(REFERENCE_CSP).toContain("script-src 'self';");
    expect(REFERENCE_CSP).not.toMatch(/unsafe|https?:|\*/);
    // Asked for as /docs the page names its directory; as /docs/ it is in it already.
    expect(res.text).toContain('<base href="docs/" />');
    const inDirectory = await request(h.app).get("/docs/").expect(200);
    expect(inDirectory.text).not.toContain("<base");
    // Nothing inline for the CSP to refuse: every script has a src, no element an event handler.
    expect(res.text).toContain("<script src=");
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|\son\w+=/);
  });

  it("serves the page's files beside it, and the same document as GET /v1/openapi.json", async () => {
    const script = await request(h.app).get("/docs/swagger-ui-bundle.js").expect(200);
    expect(script.headers["content-type"]).toMatch(/^(text|application)\/javascript/);
    expect(script.headers["cache-control"]).toBe("public, max-age=300");
    expect(script.headers["content-security-policy"]).toBe(REFERENCE_CSP);
    expect(script.headers["x-ratelimit-limit"]).toBeUndefined();
    await request(h.app)
      .get("/docs/swagger-ui.css")
      .expect(200)
      .expect("content-type", /^text\/css/);
    await request(h.app).get("/docs/reference.js").expect(200);
    const served = await request(h.app).get("/docs/openapi.json").expect(200);
    const live = await request(h.app).get("/v1/openapi.json").expect(200);
    expect(served.body).toEqual(live.body);
  });

  it("answers other methods, unknown files and escapes 404 like any unknown route", async () => {
    for (const [method, path] of [
      ["post", "/docs"],
      ["put", "/docs/openapi.json"],
      ["delete", "/docs/index.html"],
      ["get", "/docs/nothing.js"],
      ["get", "/docs/.index.html.1"],
      ["get", "/docs/..%2f..%2fpackage.json"],
      ["get", "/docs/%2e%2e/%2e%2e/package.json"],
    ] as const) {
      const res = await request(h.app)[method](path).expect(404);
      expect({ path, code: res.body.error.code }).toEqual({ path, code: "not_found" });
    }
  });
});

const inChromium = describeInChromium("the /docs tests");

inChromium("/docs in Chromium", () => {
  // Served under the path prefix the Functions emulator's URL has, as the local stack serves it.
  const PREFIX = "/demo-postcast/us-central1/api";
  let browser: Browser;
  let server: Server;
  let origin: string;
  let doc: OpenApiPaths;

  beforeAll(async () => {
    const outer = express();
    outer.use(PREFIX, (req, res) => h.app(req, res));
    server = outer.listen(0, "127.0.0.1");
    await once(server, "listening");
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    doc = (await (await fetch(`${origin}${PREFIX}/docs/openapi.json`)).json()) as OpenApiPaths;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it.each(["docs", "docs/"])("shows every operation of the document at %s, loading only from the API", async (at) => {
    const dir = `${origin}${PREFIX}/docs/`;
    expect(await checkReference(browser, `${origin}${PREFIX}/${at}`, doc, { dir })).toEqual(NO_FINDINGS);
    expect(documentOperations(doc).length).toBeGreaterThanOrEqual(30);
  });

  it("finds the operation missing when the page is given a document without it", async () => {
    const [path, ops] = Object.entries(doc.paths).find(([, o]) => Object.keys(o).length > 1)!;
    const method = Object.keys(ops)[0]!;
    const lacking = structuredClone(doc);
    delete lacking.paths[path]![method];
    const findings = await checkReference(browser, `${origin}${PREFIX}/docs`, doc, {
      dir: `${origin}${PREFIX}/docs/`,
      prepare: (page) => page.route("**/docs/openapi.json", (route) => route.fulfill({ json: lacking })),
    });
    expect(findings).toEqual({ ...NO_FINDINGS, missing: [`${method.toUpperCase()} ${path}`] });
  });

  it("says so when the document cannot be loaded", async () => {
    await expect(
      renderReference(browser, `${origin}${PREFIX}/docs`, (page) =>
        page.route("**/docs/openapi.json", (route) => route.fulfill({ status: 404, body: "" })),
      ),
    ).rejects.toThrow(/could not render/);
  });
});
