import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { HttpClient, JSON_ANSWER_LIMIT, NetworkError, SNIPPET_LIMIT } from "../../src/platforms/http-client";

let server: Server;
let base: string;
const seen: { method: string; url: string; type: string | undefined; length: string | undefined; body: string }[] = [];
/** Whether the last large answer was written out whole before its connection closed. */
let bigAnswer: Promise<{ finished: boolean }> = Promise.resolve({ finished: true });

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/refuse") return void res.writeHead(401, { "content-type": "application/json" }).end('{"no":1}');
    if (req.url === "/stall") return;
    void body(req).then((text) => {
      const length = req.headers["content-length"];
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        type: req.headers["content-type"],
        length,
        body: text,
      });
      if (req.url?.startsWith("/slow")) setTimeout(() => res.end("late"), 2_000);
      else if (req.url === "/page") {
        // 64 MB of a page that is not JSON: only its start may be read.
        res.writeHead(502, { "content-type": "text/html" });
        bigAnswer = new Promise((resolve) => res.once("close", () => resolve({ finished: res.writableFinished })));
        const chunk = Buffer.alloc(1024 * 1024, "<p>bad gateway</p>");
        let left = 64;
        const pump = () => {
          while (left > 0) {
            left -= 1;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        pump();
      } else if (req.url === "/huge.json") {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ pad: "x".repeat(JSON_ANSWER_LIMIT) }));
      } else if (req.url === "/untyped") res.writeHead(200).end('{"ok":1}');
      else res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("HttpClient", () => {
  const http = new HttpClient({ timeoutMs: 500 });

  it("sends JSON and form bodies with the query, and parses a JSON answer", async () => {
    const json = await http.send({
      method: "POST",
      url: `${base}/a`,
      query: { x: 1, skip: undefined },
      json: { t: "hé" },
    });
    expect(json).toMatchObject({ status: 201, body: { ok: true } });
    const form = await http.send({ method: "POST", url: `${base}/b`, form: { code: "a b&c", none: undefined } });
    expect(form.status).toBe(201);
    expect(seen.slice(-2)).toMatchObject([
      { method: "POST", url: "/a?x=1", type: "application/json", body: '{"t":"hé"}' },
      { method: "POST", url: "/b", type: "application/x-www-form-urlencoded", body: "code=a+b%26c" },
    ]);
  });

  it("streams a body with its declared length, opening it afresh for each send", async () => {
    let opened = 0;
    const stream = {
      length: 6,
      open: () => {
        opened += 1;
        return Readable.from([Buffer.from("abc"), Buffer.from("def")]);
      },
    };
    await http.send({ method: "PUT", url: `${base}/s1`, body: stream });
    await http.send({ method: "PUT", url: `${base}/s2`, body: stream });
    expect(opened).toBe(2);
    expect(seen.slice(-2)).toMatchObject([
      { url: "/s1", length: "6", body: "abcdef" },
      { url: "/s2", length: "6", body: "abcdef" },
    ]);
  });

  it("stops sending a stream the server answered before taking it, and times out a stalled one", async () => {
    let produced = 0;
    const endless = {
      length: 64 * 1024 * 1024,
      open: () =>
        Readable.from(
          (function* () {
            for (let i = 0; i < 1024; i += 1) {
              produced += 65536;
              yield Buffer.alloc(65536, 1);
            }
          })(),
        ),
    };
    const refused = await http.send({ method: "PUT", url: `${base}/refuse`, body: endless });
    expect(refused).toMatchObject({ status: 401, body: { no: 1 } });
    expect(produced).toBeLessThan(endless.length);
    await expect(http.send({ method: "PUT", url: `${base}/stall`, body: endless })).rejects.toMatchObject({
      name: "NetworkError",
      timedOut: true,
    });
  });

  it("keeps only the start of an answer that is not JSON, and stops reading the rest", async () => {
    const res = await http.send({ method: "GET", url: `${base}/page` });
    expect(res.status).toBe(502);
    expect(res.body).toBeNull();
    expect(res.text.length).toBeLessThanOrEqual(SNIPPET_LIMIT);
    expect(res.text).toContain("<p>bad gateway</p>");
    // The connection was dropped long before the 64 MB were sent: the rest was never read.
    expect(await bigAnswer).toEqual({ finished: false });
  });

  it("parses JSON answers up to a bound, and small untyped answers", async () => {
    const huge = await http.send({ method: "GET", url: `${base}/huge.json` });
    expect(huge.body).toBeNull();
    expect(huge.text.length).toBe(JSON_ANSWER_LIMIT);
    expect((await http.send({ method: "GET", url: `${base}/untyped` })).body).toEqual({ ok: 1 });
  });

  it("turns no answer into a NetworkError that says whether it timed out", async () => {
    await expect(http.send({ method: "GET", url: `${base}/slow` })).rejects.toMatchObject({
      name: "NetworkError",
      timedOut: true,
    });
    const refused = http.send({ method: "GET", url: "http://127.0.0.1:1/" });
    await expect(refused).rejects.toBeInstanceOf(NetworkError);
    await expect(refused).rejects.toMatchObject({ timedOut: false });
  });
});
