import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";

const TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  mov: "video/quicktime",
};

/**
 * Serves deterministic media for the fakes to pull and the adapters to upload:
 * `/media/<name>.<ext>?bytes=N` answers N bytes of the type the extension names; `/missing/…`
 * answers 404. (Real bytes and probing come with the media issue.)
 */
export class MediaServer {
  private server: Server | null = null;
  url = "";

  async start(port = 0, host = "127.0.0.1"): Promise<string> {
    const app = express();
    app.get("/media/:file", (req, res) => {
      const ext = req.params.file.split(".").pop() ?? "";
      const bytes = Math.min(Number(req.query.bytes ?? 2048) || 2048, 64 * 1024 * 1024);
      const body = Buffer.alloc(bytes);
      for (let i = 0; i < bytes; i += 1) body[i] = (i * 31 + 7) & 0xff;
      res.type(TYPES[ext] ?? "application/octet-stream").send(body);
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(port, host, () => resolve());
    });
    this.url = `http://${host}:${(this.server!.address() as AddressInfo).port}`;
    return this.url;
  }

  media(name: string, bytes?: number): string {
    return `${this.url}/media/${name}${bytes ? `?bytes=${bytes}` : ""}`;
  }

  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
