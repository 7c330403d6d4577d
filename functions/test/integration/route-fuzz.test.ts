import http from "node:http";
import fc from "fast-check";
import request from "supertest";
import { Harness } from "../support/harness";
import { idTokenFor } from "../support/id-token";
import { RELAXED_RATE_LIMITS } from "../support/rate-limits";

/**
 * Every route and method of the API under random path segments, headers, query strings and bodies:
 * no input may produce a 5xx (docs/contract.md §4). Requests go over a real socket with the path exactly as
 * generated (percent-encoded, malformed or not), as a hostile client would send it.
 */
// A database of its own: its many anonymous requests (all from 127.0.0.1) must not use up the
// anonymous allowance other test files count in the shared emulator.
const h = new Harness({ projectId: `demo-route-fuzz-${Date.now()}`, rateLimits: RELAXED_RATE_LIMITS });
afterAll(() => h.close());

const ROUTES: [string, string][] = [
  ["POST", "/v1/posts"],
  ["GET", "/v1/posts"],
  ["GET", "/v1/posts/:id"],
  ["PATCH", "/v1/posts/:id"],
  ["DELETE", "/v1/posts/:id"],
  ["POST", "/v1/posts/:id/publish"],
  ["POST", "/v1/posts/:id/publish-now"],
  ["GET", "/v1/accounts"],
  ["DELETE", "/v1/accounts/:platform/:id"],
  ["POST", "/v1/media"],
  ["GET", "/v1/media/:id"],
  ["DELETE", "/v1/media/:id"],
  ["POST", "/v1/media/uploads"],
  ["GET", "/v1/media/uploads/:id"],
  ["POST", "/v1/media/uploads/:id/complete"],
  ["POST", "/v1/media/render-og"],
  ["POST", "/v1/templates"],
  ["POST", "/v1/templates/definitions"],
  ["GET", "/v1/templates/definitions"],
  ["GET", "/v1/templates/definitions/:id"],
  ["PATCH", "/v1/templates/definitions/:id"],
  ["DELETE", "/v1/templates/definitions/:id"],
  ["POST", "/v1/webhooks"],
  ["GET", "/v1/webhooks"],
  ["GET", "/v1/webhooks/:id"],
  ["PATCH", "/v1/webhooks/:id"],
  ["DELETE", "/v1/webhooks/:id"],
  ["POST", "/v1/webhooks/:id/rotate"],
  ["POST", "/v1/webhooks/:id/test"],
  ["GET", "/v1/webhooks/:id/deliveries"],
  ["GET", "/v1/events"],
  ["GET", "/v1/events/:id"],
  ["POST", "/v1/events/:id/redeliver"],
  ["POST", "/v1/api-keys"],
  ["GET", "/v1/api-keys"],
  ["DELETE", "/v1/api-keys/:id"],
  ["POST", "/v1/integrations/:platform/connect"],
  ["POST", "/v1/integrations/:platform/connections"],
  ["GET", "/v1/integrations/:platform/selections/:id"],
  ["POST", "/v1/integrations/:platform/selections/:id"],
  ["GET", "/oauth/:platform/callback"],
  ["GET", "/oauth/done"],
  ["GET", "/docs"],
  ["GET", "/docs/:id"],
  ["GET", "/docs/:id/:id"],
  ["GET", "/media-files/users/:id/media/:id/:id"],
  ["PUT", "/media-uploads/uploads/:id/:id/:id"],
  ["DELETE", "/media-uploads/uploads/:id/:id/:id"],
  ["GET", "/:id"],
  ["PUT", "/v1/:id"],
];

/** Segments as they go on the wire: already encoded, sometimes malformed on purpose. */
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40, unit: "grapheme" }).map(encodeURIComponent) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20, unit: "binary" }).map(encodeURIComponent) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "a%2Fb",
      "%2F",
      "..",
      ".",
      "%2E%2E",
      "..%2F..%2F",
      "__x__",
      "__name__",
      "%5F%5Fx%5F%5F",
      "%00",
      "%E0%A4%A",
      "%",
      "%zz",
      "%C0%AF",
      "%ED%A0%80",
      "x".repeat(1501),
      "%F0%9F%98%80".repeat(400),
      "",
      "x",
      "twitter",
      "facebook",
      "X",
      "u_1",
      "sk_test_x",
      "%20",
      "a;b",
      "*",
      "@",
      "%252F",
    ),
  },
);

const printable = fc.string({
  maxLength: 60,
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
const query = fc.option(
  fc
    .dictionary(
      fc.constantFrom("dryRun", "cursor", "limit", "status", "platform", "from", "to", "code", "state", "error", "x"),
      fc.oneof(segment, printable.map(encodeURIComponent)),
      { maxKeys: 4 },
    )
    .map((q) =>
      Object.entries(q)
        .map(([k, v]) => `${k}=${v}`)
        .join("&"),
    ),
  { nil: undefined },
);

type Auth = "key" | "liveKey" | "idToken" | "none" | "garbage";
const headers = fc.record(
  {
    contentType: fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "", "x/y;;"),
    idempotencyKey: printable,
    ifMatch: printable,
    requestId: fc.oneof(printable, fc.constantFrom("__x__", "..", "a".repeat(128), "a".repeat(129))),
    forwardedFor: fc.constantFrom("1.2.3.4", "::1", "999.1.1.1", "x, y, z", ""),
    contentRange: fc.constantFrom("bytes 0-3/*", "bytes */10", "bytes 5-1/4", "garbage"),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.anything().map((v) => JSON.stringify(v) ?? "null"),
  printable,
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.constantFrom(
    '{"post":{"content":{"text":"hi","platform":"threads"}}}',
    '{"url":"http://127.0.0.1:1/x.jpg"}',
    '{"contentType":"video/mp4","size":1000}',
    '{"accountIds":["a/b","__x__",".."]}',
    '{"returnTo":"https://dashboard.postcast.test/x"}',
    '{"code":"a/b"}',
    '{"name":"k","mode":"test"}',
    '{"post":{"content":{"text":"hi","platform":[{"platform":"x","accountId":"a/b"}]}}}',
    '{"post":{"content":{"text":"hi","platform":"threads","mediaIds":["a/b","__x__"]}}}',
    '{"templateSlug":"og-blog-post","aspectRatio":"9:16"}',
    '{"templateSlug":"og-blog-post","config":{"title":["x"],"__proto__":{"a":1}}}',
    '{"templateSlug":"a/b","config":null}',
    '{"slug":"fuzz","parameters":{"t":{"type":"text","default":"x"}},"elements":[{"type":"text","box":{"x":0,"y":0,"width":1,"height":1},"content":"{{t}}","size":{"min":8,"max":40},"color":"#fff"}]}',
    '{"elements":null,"parameters":{"t":{"default":null}},"__proto__":{"slug":"x"}}',
    "{",
  ),
);

const requestArb = fc.record({
  route: fc.constantFrom(...ROUTES),
  segments: fc.array(segment, { minLength: 4, maxLength: 4 }),
  query,
  auth: fc.constantFrom<Auth>("key", "key", "liveKey", "idToken", "idToken", "none", "garbage"),
  headers,
  body,
});

interface Sent {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function send(base: URL, method: string, path: string, head: Record<string, string>, payload?: string | Buffer) {
  // A body goes with its length, as every client sends it (Node sends a DELETE's body unframed otherwise).
  if (payload !== undefined) head["content-length"] = String(Buffer.byteLength(payload));
  return new Promise<Sent>((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers: head }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end(payload);
  });
}

describe("path ids that cannot name a document", () => {
  it.each([
    ["GET", "/v1/posts/a%2Fb"],
    ["PATCH", "/v1/posts/a%2Fb"],
    ["DELETE", "/v1/posts/..%2F..%2Fx"],
    ["POST", "/v1/posts/__x__/publish"],
    ["POST", "/v1/posts/__x__/publish-now"],
    ["GET", "/v1/media/a%2Fb"],
    ["DELETE", "/v1/media/%2E%2E"],
    ["GET", "/v1/media/uploads/a%2Fb"],
    ["POST", "/v1/media/uploads/a%2Fb/complete"],
    ["GET", `/v1/posts/${"x".repeat(1501)}`],
    ["GET", "/v1/templates/definitions/a%2Fb"],
    ["PATCH", `/v1/templates/definitions/${"x".repeat(1501)}`],
    ["DELETE", "/v1/templates/definitions/__x__"],
  ])("%s %.60s is a 404 in the API's envelope", async (method, path) => {
    const t = await h.tenant();
    const res = await request(h.app)[method.toLowerCase() as "get"](path).set("soku-api-key", t.key);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "not_found", requestId: res.headers["x-request-id"] });
  });
});

describe("every route under random input", () => {
  it("never answers 5xx, and every error in the API's envelope carries the request id", async () => {
    const base = new URL(await h.serve());
    const t = await h.tenant({ keys: [{ mode: "test" }, { mode: "live" }] });
    const idToken = await idTokenFor(t.uid);
    // Something real to aim at, so ids sometimes name a stored thing.
    const created = await request(h.app)
      .post("/v1/posts")
      .set("soku-api-key", t.key)
      .send({ post: { content: { text: "fuzz", platform: "threads" } }, scheduledTime: inAnHour() });
    expect(created.status).toBe(202);
    const realId = created.body.postSubmissionId as string;

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        let i = 0;
        const path =
          r.route[1].replace(/:(\w+)/g, () => {
            const s = r.segments[i++ % r.segments.length]!;
            return s === "x" ? realId : s;
          }) + (r.query ? `?${r.query}` : "");
        const head: Record<string, string> = {};
        if (r.auth === "key") head["soku-api-key"] = t.key;
        if (r.auth === "liveKey") head["soku-api-key"] = t.keys[1]!;
        if (r.auth === "idToken") head.authorization = `Bearer ${idToken}`;
        if (r.auth === "garbage") head.authorization = "Bearer sk_live_garbage";
        const o = r.headers;
        if (o.contentType) head["content-type"] = o.contentType;
        if (o.idempotencyKey !== undefined) head["idempotency-key"] = o.idempotencyKey;
        if (o.ifMatch !== undefined) head["if-match"] = o.ifMatch;
        if (o.requestId !== undefined) head["x-request-id"] = o.requestId;
        if (o.forwardedFor !== undefined) head["x-forwarded-for"] = o.forwardedFor;
        if (o.contentRange !== undefined) head["content-range"] = o.contentRange;
        const res = await send(base, r.route[0], path, head, r.body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect({ method: r.route[0], path, status: res.status }).toEqual({
          method: r.route[0],
          path,
          status: expect.any(Number) as number,
        });
        if (res.status >= 500) throw new Error(`${r.route[0]} ${path} answered ${res.status}: ${res.text}`);
        if (!res.headers["x-request-id"]) throw new Error(`no X-Request-ID: ${res.status} ${res.text}`);
        // Cloud Storage's upload protocol answers its own refusals in plain text (media-uploads).
        const storageProtocol =
          path.startsWith("/media-uploads/") && !String(res.headers["content-type"]).startsWith("application/json");
        if (res.status >= 400 && !storageProtocol) {
          const parsed = JSON.parse(res.text) as { error?: { code?: string; requestId?: string } };
          expect(parsed.error?.requestId).toBe(res.headers["x-request-id"]);
          expect(typeof parsed.error?.code).toBe("string");
        }
      }),
      { numRuns: 1500, seed: 20261130 },
    );
    const summary = [...statuses.entries()].sort(([a], [b]) => a - b);
    // The generators must get past authentication and reach the handlers, or the property says little.
    const count = (pred: (s: number) => boolean) => summary.filter(([s]) => pred(s)).reduce((n, [, c]) => n + c, 0);
    expect(count((s) => s < 300)).toBeGreaterThan(50);
    expect(count((s) => s === 404)).toBeGreaterThan(100);
    expect(count((s) => s === 400)).toBeGreaterThan(100);
    expect(count((s) => s >= 500)).toBe(0);
  }, 300_000);
});

function inAnHour(): string {
  return new Date(Date.now() + 3600_000).toISOString();
}
