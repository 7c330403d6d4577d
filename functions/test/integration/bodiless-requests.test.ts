/**
 * POSTs that carry nothing (publish-now, an upload's completion, a connect without options) stay
 * bodiless whatever transfer headers they gained on the way: the Functions emulator forwards a
 * body-less curl with `Transfer-Encoding: chunked`, and Cloud Functions' framework pre-reads an
 * empty `rawBody`. Both servings are tried: the app reading the stream itself, and the app behind
 * the body parsers functions-framework-nodejs installs (src/server.ts: json, text, urlencoded,
 * then raw for every type, each keeping `rawBody`).
 */
import { once } from "node:events";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Request } from "express";
import request from "supertest";
import { Harness } from "../support/harness";
import { idToken } from "../support/connect-flow";

const h = new Harness();
h.platformSettings = (platform) => ({
  apiUrl: "http://127.0.0.1:9",
  authUrl: "http://127.0.0.1:9",
  consentUrl: `https://${platform}.example`,
  clientId: `client-${platform}`,
  clientSecret: () => "unused",
});

let direct: string;
let framework: Server;
let behindFramework: string;

beforeAll(async () => {
  direct = await h.serve();
  const keep = (req: Request, _res: unknown, buf: Buffer) => {
    (req as Request & { rawBody?: Buffer }).rawBody = buf;
  };
  const limit = "1024mb";
  const app = express();
  app.use(express.json({ type: "application/cloudevents+json", limit, verify: keep }));
  app.use(express.json({ limit, verify: keep }));
  app.use(express.text({ limit, verify: keep }));
  app.use(express.urlencoded({ extended: true, limit, verify: keep }));
  app.use(express.raw({ type: "*/*", limit, verify: keep }));
  app.use(h.app);
  framework = app.listen(0, "127.0.0.1");
  await once(framework, "listening");
  behindFramework = `http://127.0.0.1:${(framework.address() as AddressInfo).port}`;
});
afterAll(async () => {
  framework?.closeAllConnections();
  await new Promise((resolve) => framework?.close(resolve));
  await h.close();
});

interface Sent {
  status: number;
  body: { error?: { code?: string }; status?: string; authorizeUrl?: string };
}

/** A request exactly as given: `chunked` sends the body (or nothing) in chunks, with no length. */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  options: { chunked?: boolean; body?: string } = {},
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, {
      method,
      headers: {
        ...headers,
        ...(options.chunked
          ? { "transfer-encoding": "chunked" }
          : { "content-length": String(Buffer.byteLength(options.body ?? "")) }),
      },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Sent["body"] }));
    });
    req.end(options.body);
  });
}

async function scheduledPost(key: string): Promise<string> {
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", key)
    .send({
      post: { content: { text: `later ${Math.random()}`, platform: [{ platform: "x", accountId: "x_primary" }] } },
      scheduledTime: new Date(Date.now() + 3600_000).toISOString(),
    });
  expect(res.status).toBe(202);
  return res.body.postSubmissionId as string;
}

const servings = [
  ["read by the app", () => direct],
  ["pre-read by the functions framework", () => behindFramework],
] as const;

describe.each(servings)("a POST without content, %s", (_serving, base) => {
  it.each([
    ["chunked, no Content-Type", { chunked: true }, {}],
    ["chunked, Content-Type: application/json", { chunked: true }, { "content-type": "application/json" }],
    ["Content-Length: 0, Content-Type: text/plain", {}, { "content-type": "text/plain" }],
  ])("publishes a scheduled post now (%s)", async (_case, options, type) => {
    const t = await h.tenant();
    const id = await scheduledPost(t.key);
    const res = await send(base(), "POST", `/v1/posts/${id}/publish-now`, { "soku-api-key": t.key, ...type }, options);
    expect({ status: res.status, postStatus: res.body.status }).toEqual({ status: 200, postStatus: "queued" });
  });

  it("completes an upload session (here: not fully uploaded yet, so 409, never 415)", async () => {
    const t = await h.tenant();
    const opened = await request(h.app)
      .post("/v1/media/uploads")
      .set("soku-api-key", t.key)
      .send({ contentType: "video/mp4", size: 1000 });
    expect(opened.status).toBe(201);
    const res = await send(
      base(),
      "POST",
      `/v1/media/uploads/${opened.body.id}/complete`,
      { "soku-api-key": t.key },
      {
        chunked: true,
      },
    );
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code: "conflict" });
  });

  it("starts a connection with nothing, and with {}", async () => {
    const t = await h.tenant();
    const authorization = `Bearer ${await idToken(t.uid)}`;
    const bare = await send(base(), "POST", "/v1/integrations/x/connect", { authorization }, { chunked: true });
    const empty = await send(
      base(),
      "POST",
      "/v1/integrations/x/connect",
      { authorization, "content-type": "application/json" },
      { chunked: true, body: "{}" },
    );
    for (const res of [bare, empty]) {
      expect(res.status).toBe(200);
      expect(res.body.authorizeUrl).toMatch(/^https:\/\/x\.example\//);
    }
  });

  it("still refuses content that is not JSON, however it is framed", async () => {
    const t = await h.tenant();
    const id = await scheduledPost(t.key);
    for (const options of [{ chunked: true, body: "hello" }, { body: "hello" }]) {
      const res = await send(base(), "POST", `/v1/posts/${id}/publish-now`, { "soku-api-key": t.key }, options);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({
        status: 415,
        code: "unsupported_media_type",
      });
    }
  });
});
