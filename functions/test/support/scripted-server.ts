import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  at: number;
}

/** One answer: a status, headers and a JSON body, or `"drop"` to close the connection without answering. */
export type Reply = { status: number; headers?: Record<string, string>; json?: unknown; text?: string } | "drop";

type Script = (req: Seen, index: number) => Reply;

/**
 * A real HTTP server on a loopback port (a free one unless `port` is given) for the client's tests: each request is recorded and
 * answered by `script` (given the request and how many came before it). Nothing of fetch is mocked.
 */
export async function scriptedServer(script: Script, port = 0) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: Seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      seen.push(entry);
      const reply = script(entry, seen.length - 1);
      if (reply === "drop") {
        req.socket.destroy();
        return;
      }
      const payload = reply.json === undefined ? (reply.text ?? "") : JSON.stringify(reply.json);
      res.writeHead(reply.status, {
        ...(reply.json === undefined ? {} : { "Content-Type": "application/json" }),
        ...reply.headers,
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The API's error envelope, as errors.ts's handler writes it. */
export function envelope(code: string, status: number, message: string, details: Record<string, unknown> = {}) {
  const type =
    status === 401 || status === 403 ? "authentication_error" : status >= 500 ? "api_error" : "invalid_request_error";
  return {
    status,
    headers: { "X-Request-ID": "req_test_1" },
    json: { error: { type, code, message, timestamp: new Date().toISOString(), requestId: "req_test_1", details } },
  };
}
