import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PublishError } from "../../src/domain/publish-error";
import { HttpClient, NetworkError } from "../../src/platforms/http-client";
import { HttpMediaSource } from "../../src/platforms/media-source";

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0xfe]);
let server: Server;
let base: string;
const seen: { method: string; url: string; type: string | undefined; body: string }[] = [];

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void body(req).then((text) => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", type: req.headers["content-type"], body: text });
      if (req.url?.startsWith("/slow")) setTimeout(() => res.end("late"), 2_000);
      else if (req.url === "/image.png") res.writeHead(200, { "content-type": "image/png" }).end(PNG);
      else if (req.url === "/gone.png") res.writeHead(404).end();
      else if (req.url === "/broken.png") res.writeHead(503).end();
      else res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

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
    expect(seen.slice(-2)).toEqual([
      { method: "POST", url: "/a?x=1", type: "application/json", body: '{"t":"hé"}' },
      { method: "POST", url: "/b", type: "application/x-www-form-urlencoded", body: "code=a+b%26c" },
    ]);
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

describe("HttpMediaSource", () => {
  const media = new HttpMediaSource(new HttpClient({ timeoutMs: 500 }), 64);

  it("loads bytes unchanged, with their type and size", async () => {
    const blob = await media.load(`${base}/image.png`);
    expect(blob).toMatchObject({ contentType: "image/png", size: PNG.length });
    expect(blob.slice(0, PNG.length).equals(PNG)).toBe(true);
  });

  it("refuses missing and oversized media for good, and retries a failing server", async () => {
    await expect(media.load(`${base}/gone.png`)).rejects.toMatchObject({ code: "rejected" });
    await expect(media.load(`${base}/broken.png`)).rejects.toMatchObject({ code: "transient" });
    const tiny = new HttpMediaSource(new HttpClient({ timeoutMs: 500 }), 4);
    await expect(tiny.load(`${base}/image.png`)).rejects.toBeInstanceOf(PublishError);
  });
});
