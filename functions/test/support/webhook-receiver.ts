import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
  /** When the request's body had arrived (ms since the epoch). */
  at: number;
}

/** What the receiver does with one request: answer `status` after `delayMs`, or never answer. */
export type Behaviour = { status: number; delayMs?: number } | { hang: true };

/**
 * A webhook receiver on 127.0.0.1 for tests: it records every request it gets and answers as
 * `behave` says (fail, time out, answer slowly), as a real receiver might.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  behave: (request: Received, n: number) => Behaviour = () => ({ status: 204 });
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const got = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        path: req.url ?? "/",
        at: Date.now(),
      };
      this.received.push(got);
      const behaviour = this.behave(got, this.received.length);
      if ("hang" in behaviour) return;
      const answer = () => res.writeHead(behaviour.status, { "content-type": "text/plain" }).end("x".repeat(3000));
      if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
      else answer();
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Listens on `port` (any free one by default); rejects when it is taken. */
  async start(port = 0): Promise<void> {
    this.server.listen(port, "127.0.0.1");
    await Promise.race([
      once(this.server, "listening"),
      once(this.server, "error").then(([error]) => Promise.reject(error as Error)),
    ]);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Received events of a type, parsed. */
  events(type?: string): { id: string; type: string; data: Record<string, unknown>; headers: IncomingHttpHeaders }[] {
    return this.received
      .map((r) => ({
        ...(JSON.parse(r.body) as { id: string; type: string; data: Record<string, unknown> }),
        headers: r.headers,
      }))
      .filter((e) => type === undefined || e.type === type);
  }
}
