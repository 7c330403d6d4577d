import { readFileSync } from "node:fs";
import request from "supertest";
import { Harness } from "../support/harness";
import { conformance } from "../support/openapi-conformance";
import { OPENAPI_FILE } from "../../tools/openapi";

/** GET /v1/openapi.json: the committed document, to anyone, cacheable, and never counted by the limiter. */
const h = new Harness();
afterAll(() => h.close());

describe("GET /v1/openapi.json", () => {
  it("answers the committed document without credentials, cacheable", async () => {
    const res = await request(h.app).get("/v1/openapi.json").expect(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    expect(res.headers.etag).toBeTruthy();
    expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
    expect(res.body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, "utf8")));
    await request(h.app).get("/v1/openapi.json").set("If-None-Match", res.headers.etag!).expect(304);
  });

  it("is the only method there: others are 404 like any unknown route", async () => {
    const res = await request(h.app).post("/v1/openapi.json").expect(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("has its answers checked against the document like every other", () => {
    expect(conformance.routes).toContain("get /v1/openapi.json");
  });
});
