/**
 * The TypeScript client against a real HTTP server on a loopback port: answers mapped to typed
 * errors, the upload helper's protocol, and cursor iteration.
 */
import {
  AuthenticationError,
  ConflictError,
  InsufficientScopeError,
  InvalidRequestError,
  NotFoundError,
  Postcast,
  PostcastError,
  ServerError,
} from "../../../../clients/typescript/src";
import { envelope, scriptedServer, type Reply } from "../../support/scripted-server";

const API_KEY = "sk_live_client_unit_secret_9876543210";

let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientAnswering(reply: Reply) {
  server = await scriptedServer(() => reply);
  return new Postcast({ apiKey: API_KEY, baseUrl: server.url, retries: 0 });
}

describe("errors", () => {
  it.each([
    ["validation_error", 400, InvalidRequestError, { field: "post.content.text", reason: "required", issues: [] }],
    ["missing_integrations", 400, InvalidRequestError, {}],
    ["unauthorized", 401, AuthenticationError, {}],
    ["forbidden", 403, AuthenticationError, {}],
    ["insufficient_scope", 403, InsufficientScopeError, { requiredScope: "posts:write" }],
    ["not_found", 404, NotFoundError, {}],
    ["conflict", 409, ConflictError, { status: "scheduled" }],
    ["idempotency_conflict", 409, ConflictError, {}],
    ["post_creation_failed", 500, ServerError, {}],
  ] as const)(
    "maps %s (%d) to %p with status, code, message, details and requestId",
    async (code, status, Class, details) => {
      const reply = envelope(code, status, `A ${code} answer.`, details);
      const client = await clientAnswering(reply);
      const error = await client.posts.get("p1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(PostcastError);
      expect(error).toMatchObject({
        status,
        code,
        message: `A ${code} answer.`,
        details,
        requestId: "req_test_1",
        type: reply.json.error.type,
        name: Class.name,
      });
    },
  );

  it("names the missing scope and lists validation issues", async () => {
    let client = await clientAnswering(
      envelope("insufficient_scope", 403, "This API key lacks the posts:publish scope this request needs.", {
        requiredScope: "posts:publish",
      }),
    );
    const scoped = (await client.posts.publishNow("p1").catch((e: unknown) => e)) as InsufficientScopeError;
    expect(scoped.scope).toBe("posts:publish");
    await server!.close();
    const issue = { field: "post.content.platform", reason: "required", message: "platform is required." };
    client = await clientAnswering(envelope("validation_error", 400, issue.message, { ...issue, issues: [issue] }));
    const invalid = (await client.posts
      .create({ post: { content: { text: "x", platform: [] } } })
      .catch((e: unknown) => e)) as InvalidRequestError;
    expect(invalid.issues).toEqual([issue]);
  });

  it("an answer that is not the envelope is unexpected_response, with the X-Request-ID header's id", async () => {
    const client = await clientAnswering({
      status: 502,
      text: "<html>Bad gateway</html>",
      headers: { "X-Request-ID": "req_proxy" },
    });
    const error = await client.webhooks.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, code: "unexpected_response", requestId: "req_proxy" });
  });

  it("never carries the API key", async () => {
    const client = await clientAnswering(envelope("unauthorized", 401, "Invalid API key."));
    const error = await client.accounts.list().catch((e: unknown) => e);
    const everything = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack} ${JSON.stringify(Object.entries(error as object))}`;
    expect(everything).not.toContain(API_KEY);
  });
});

describe("typed calls", () => {
  it("sends each method's request as the API expects it", async () => {
    server = await scriptedServer((req) => ({
      status: 200,
      json:
        req.method === "GET" && req.url.startsWith("/v1/posts?") ? { data: [], hasMore: false, nextCursor: null } : {},
    }));
    const client = new Postcast({ apiKey: API_KEY, baseUrl: `${server.url}/prefix/`, retries: 0 });
    await client.posts.update("p 1", { scheduledTime: "2030-01-01T00:00:00.000Z" }, { ifMatch: '"v3"' });
    await client.posts.publish("d1", { scheduledTime: null });
    await client.posts.cancel("p1");
    await client.posts.list({ status: "draft", limit: 5 });
    await client.posts.dryRun({ post: { content: { text: "x", platform: ["x"] } } });
    await client.webhooks.deliveries("we_1", { limit: 3 });
    const seen = server.seen.map((r) => ({
      line: `${r.method} ${r.url}`,
      body: r.body.toString(),
      ifMatch: r.headers["if-match"],
    }));
    expect(seen).toEqual([
      { line: "PATCH /prefix/v1/posts/p%201", body: '{"scheduledTime":"2030-01-01T00:00:00.000Z"}', ifMatch: '"v3"' },
      { line: "POST /prefix/v1/posts/d1/publish", body: '{"scheduledTime":null}', ifMatch: undefined },
      { line: "DELETE /prefix/v1/posts/p1", body: "", ifMatch: undefined },
      { line: "GET /prefix/v1/posts?status=draft&limit=5", body: "", ifMatch: undefined },
      {
        line: "POST /prefix/v1/posts?dryRun=true",
        body: '{"post":{"content":{"text":"x","platform":["x"]}}}',
        ifMatch: undefined,
      },
      { line: "GET /prefix/v1/webhooks/we_1/deliveries?limit=3", body: "", ifMatch: undefined },
    ]);
  });

  it("getWithETag answers the post and its ETag", async () => {
    server = await scriptedServer(() => ({
      status: 200,
      json: { postSubmissionId: "p1" },
      headers: { ETag: '"abc"' },
    }));
    const client = new Postcast({ apiKey: API_KEY, baseUrl: server.url });
    await expect(client.posts.getWithETag("p1")).resolves.toEqual({ post: { postSubmissionId: "p1" }, etag: '"abc"' });
  });
});

describe("iteration", () => {
  it("events.iterate follows `next` until a page is empty", async () => {
    const pages: Record<string, { data: { id: string }[]; next: string }> = {
      "": { data: [{ id: "e1" }, { id: "e2" }], next: "c2" },
      c2: { data: [{ id: "e3" }], next: "c3" },
      c3: { data: [], next: "c3" },
    };
    server = await scriptedServer((req) => {
      const after = new URL(req.url, "http://x").searchParams.get("after") ?? "";
      return { status: 200, json: pages[after] };
    });
    const client = new Postcast({ apiKey: API_KEY, baseUrl: server.url });
    const ids: string[] = [];
    for await (const event of client.events.iterate({ limit: 2, type: "post.published" })) ids.push(event.id);
    expect(ids).toEqual(["e1", "e2", "e3"]);
    expect(server.seen.map((r) => r.url)).toEqual([
      "/v1/events?limit=2&type=post.published",
      "/v1/events?limit=2&type=post.published&after=c2",
      "/v1/events?limit=2&type=post.published&after=c3",
    ]);
  });

  it("posts.iterate follows nextCursor while hasMore", async () => {
    server = await scriptedServer((req) =>
      new URL(req.url, "http://x").searchParams.get("cursor") === "k1"
        ? { status: 200, json: { data: [{ postSubmissionId: "b" }], hasMore: false, nextCursor: null } }
        : { status: 200, json: { data: [{ postSubmissionId: "a" }], hasMore: true, nextCursor: "k1" } },
    );
    const client = new Postcast({ apiKey: API_KEY, baseUrl: server.url });
    const ids: string[] = [];
    for await (const post of client.posts.iterate({ status: "completed" })) ids.push(post.postSubmissionId);
    expect(ids).toEqual(["a", "b"]);
  });
});

describe("media.upload", () => {
  it("opens a session, PUTs the bytes in 256 KiB-multiple chunks without the API key, and completes it", async () => {
    const size = 600_000;
    const bytes = Buffer.alloc(size, 7);
    const stored: Buffer[] = [];
    server = await scriptedServer((req) => {
      if (req.method === "POST" && req.url === "/v1/media/uploads") {
        const asked = JSON.parse(req.body.toString());
        return {
          status: 201,
          json: { id: "up1", state: "open", ...asked, uploadUrl: `${server!.url}/bytes/up1?token=t`, method: "PUT" },
        };
      }
      if (req.method === "PUT") {
        stored.push(req.body);
        const total = stored.reduce((n, b) => n + b.length, 0);
        return total < size ? { status: 308, headers: { Range: `bytes=0-${total - 1}` } } : { status: 200, json: {} };
      }
      if (req.method === "POST" && req.url === "/v1/media/uploads/up1/complete") {
        return { status: 201, json: { id: "up1", contentType: "video/mp4", size } };
      }
      return envelope("not_found", 404, "no");
    });
    const client = new Postcast({ apiKey: API_KEY, baseUrl: server.url });
    const media = await client.media.upload(new File([bytes], "clip.mp4", { type: "video/mp4" }), {
      chunkSize: 262_144,
    });
    expect(media).toEqual({ id: "up1", contentType: "video/mp4", size });
    const puts = server.seen.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.headers["content-range"])).toEqual([
      "bytes 0-262143/600000",
      "bytes 262144-524287/600000",
      "bytes 524288-599999/600000",
    ]);
    expect(puts.every((r) => r.url === "/bytes/up1?token=t" && r.headers.authorization === undefined)).toBe(true);
    expect(Buffer.concat(stored).equals(bytes)).toBe(true);
    expect(JSON.parse(server.seen[0]!.body.toString())).toEqual({
      contentType: "video/mp4",
      size,
      fileName: "clip.mp4",
    });
  });

  it("refuses a chunk answer that is not the protocol's with a typed error", async () => {
    server = await scriptedServer((req) =>
      req.method === "POST"
        ? { status: 201, json: { id: "up2", uploadUrl: `${server!.url}/bytes/up2`, method: "PUT" } }
        : { status: 400, text: "gap in Content-Range" },
    );
    const client = new Postcast({ apiKey: API_KEY, baseUrl: server.url });
    const error = await client.media.upload(Buffer.from("abc"), { contentType: "image/png" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostcastError);
    expect(error).toMatchObject({ status: 400, code: "unexpected_response" });
  });
});
