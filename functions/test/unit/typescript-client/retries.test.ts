/**
 * The TypeScript client's retries against a real HTTP server on a loopback port: what is retried,
 * how long it waits, and that a retried POST carries the same Idempotency-Key every time.
 */
import {
  Postcast,
  RateLimitedError,
  ServerError,
  NetworkError,
  type RetryInfo,
} from "../../../../clients/typescript/src";
import { envelope, scriptedServer, type Reply } from "../../support/scripted-server";

const API_KEY = "sk_test_client_unit_secret_0123456789";
const POST = { post: { content: { text: "hello", platform: ["x"] } } };
const ACCEPTED: Reply = { status: 202, json: { postSubmissionId: "p1", replayed: false } };
const fast = { minRetryDelayMs: 5, maxRetryDelayMs: 20 };

let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(script: Parameters<typeof scriptedServer>[0]) {
  server = await scriptedServer(script);
  return server;
}

describe("retries", () => {
  it("retries a GET after a 503 and a 500, then answers its body", async () => {
    const s = await serve((_, i) =>
      i === 0
        ? envelope("internal_error", 503, "down")
        : i === 1
          ? envelope("internal_error", 500, "oops")
          : { status: 200, json: { data: [] } },
    );
    const retries: RetryInfo[] = [];
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast, onRetry: (r) => retries.push(r) });
    await expect(client.accounts.list()).resolves.toEqual({ data: [] });
    expect(s.seen.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill("GET /v1/accounts"));
    expect(retries.map((r) => [r.attempt, r.status])).toEqual([
      [1, 503],
      [2, 500],
    ]);
    expect(s.seen[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("reuses one generated Idempotency-Key on every retry of POST /v1/posts, and a new one per call", async () => {
    // Attempts 0-2: the first call (two 500s, then accepted); 3-4: the second (one 500).
    const s = await serve((_, i) => (i < 2 || i === 3 ? envelope("internal_error", 500, "lost") : ACCEPTED));
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast });
    await expect(client.posts.create(POST)).resolves.toEqual({ postSubmissionId: "p1", replayed: false });
    await client.posts.create(POST);
    const keys = s.seen.map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(5);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys.slice(0, 3)).toEqual([keys[0], keys[0], keys[0]]);
    expect(keys[3]).not.toBe(keys[0]);
    expect(keys[4]).toBe(keys[3]);
    // The same body each time, too.
    expect(new Set(s.seen.map((r) => r.body.toString())).size).toBe(1);
    expect(JSON.parse(s.seen[0]!.body.toString())).toEqual(POST);
  });

  it("sends the caller's Idempotency-Key on POST /v1/media and on each retry after a dropped connection", async () => {
    const s = await serve((_, i) => (i === 0 ? "drop" : { status: 201, json: { id: "m1", replayed: false } }));
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast });
    await client.media.create({ url: "https://cdn.example.com/a.png" }, { idempotencyKey: "media-key-1" });
    expect(s.seen.map((r) => r.headers["idempotency-key"])).toEqual(["media-key-1", "media-key-1"]);
  });

  it("never retries a POST without an Idempotency-Key (it could act twice)", async () => {
    const s = await serve(() => envelope("internal_error", 503, "down"));
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast });
    const error = await client.webhooks.rotate("we_1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]!.headers["idempotency-key"]).toBeUndefined();
  });

  it("waits Retry-After on a 429 before retrying", async () => {
    const s = await serve((_, i) =>
      i === 0
        ? { ...envelope("rate_limit_exceeded", 429, "Too many", { retryAfter: 1 }), headers: { "Retry-After": "1" } }
        : ACCEPTED,
    );
    const retries: RetryInfo[] = [];
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast, onRetry: (r) => retries.push(r) });
    await client.posts.create(POST);
    expect(s.seen).toHaveLength(2);
    expect(s.seen[1]!.at - s.seen[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(retries[0]).toMatchObject({ attempt: 1, status: 429, method: "POST" });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(s.seen[1]!.headers["idempotency-key"]).toBe(s.seen[0]!.headers["idempotency-key"]);
  });

  it("waits Retry-After on a 503 too, given as an HTTP date", async () => {
    const s = await serve((_, i) =>
      i === 0
        ? {
            ...envelope("internal_error", 503, "busy"),
            headers: { "Retry-After": new Date(Date.now() + 2000).toUTCString() },
          }
        : { status: 200, json: { data: [] } },
    );
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast });
    await client.webhooks.list();
    // An HTTP date has whole seconds: at least one full second after the 503.
    expect(s.seen[1]!.at - s.seen[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("answers a 429 at once, as RateLimitedError with retryAfter, when Retry-After is beyond maxRetryAfterSeconds", async () => {
    const s = await serve(() => ({
      ...envelope("rate_limit_exceeded", 429, "Too many POST /v1/posts requests", {
        retryAfter: 45,
        scope: "endpoint:POST /v1/posts",
      }),
      headers: { "Retry-After": "45", "X-Request-ID": "req_rl" },
    }));
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast, maxRetryAfterSeconds: 10 });
    const error = await client.posts.create(POST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, code: "rate_limit_exceeded", retryAfter: 45, requestId: "req_test_1" });
    expect(s.seen).toHaveLength(1);
  });

  it("gives up after `retries` retries and throws the last answer's error", async () => {
    const s = await serve(() => envelope("internal_error", 500, "still down"));
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast, retries: 4 });
    const error = await client.posts.get("p1").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500, code: "internal_error", message: "still down" });
    expect(s.seen).toHaveLength(5);
  });

  it("with retries: 0 sends once", async () => {
    const s = await serve(() => envelope("internal_error", 500, "down"));
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, retries: 0 });
    await expect(client.posts.create(POST)).rejects.toBeInstanceOf(ServerError);
    expect(s.seen).toHaveLength(1);
  });

  it("backs off exponentially with jitter between attempts", async () => {
    const s = await serve(() => envelope("internal_error", 502, "bad gateway"));
    const retries: RetryInfo[] = [];
    const client = new Postcast({
      apiKey: API_KEY,
      baseUrl: s.url,
      retries: 3,
      minRetryDelayMs: 40,
      maxRetryDelayMs: 100,
      onRetry: (r) => retries.push(r),
    });
    await expect(client.events.get("evt_1")).rejects.toBeInstanceOf(ServerError);
    const delays = retries.map((r) => r.delayMs);
    // Steps 40, 80, 100 (capped), each between half and all of its step.
    expect(delays[0]).toBeGreaterThanOrEqual(20);
    expect(delays[0]).toBeLessThanOrEqual(40);
    expect(delays[1]).toBeGreaterThanOrEqual(40);
    expect(delays[1]).toBeLessThanOrEqual(80);
    expect(delays[2]).toBeGreaterThanOrEqual(50);
    expect(delays[2]).toBeLessThanOrEqual(100);
    for (let i = 1; i < s.seen.length; i++) {
      expect(s.seen[i]!.at - s.seen[i - 1]!.at).toBeGreaterThanOrEqual(delays[i - 1]! - 5);
    }
  });

  it("throws NetworkError (status 0, no key in it) when no attempt got an answer", async () => {
    const s = await serve(() => "drop");
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast, retries: 2 });
    const error = await client.accounts.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ status: 0, code: "network_error" });
    expect(s.seen).toHaveLength(3);
    expect(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`).not.toContain(API_KEY);
  });

  it("stops waiting when the caller's signal aborts", async () => {
    const s = await serve(() => ({
      ...envelope("rate_limit_exceeded", 429, "Too many"),
      headers: { "Retry-After": "30" },
    }));
    const client = new Postcast({ apiKey: API_KEY, baseUrl: s.url, ...fast });
    const controller = new AbortController();
    const pending = client.api.GET("/v1/accounts", { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(s.seen).toHaveLength(1);
  });
});
