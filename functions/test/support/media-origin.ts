import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import sharp from "sharp";

const FIXTURES = path.join(__dirname, "..", "fixtures", "media");

/**
 * A caller's web server, for media ingestion tests: real images and videos, redirects (to
 * anywhere, internal addresses included), HTTP errors, slow and endless answers, and bodies of any
 * size streamed without being held in memory. Counts the requests each path received.
 */
export class MediaOrigin {
  readonly hits = new Map<string, number>();
  private server: Server | null = null;
  /** Bytes a test made (damaged files, bombs), under `/served/{name}`. */
  private readonly served = new Map<string, Buffer>();
  url = "";

  /** Serves `bytes` (as application/octet-stream: the bytes decide) and returns their URL. */
  serve(name: string, bytes: Buffer): string {
    this.served.set(name, bytes);
    return `${this.url}/served/${encodeURIComponent(name)}`;
  }

  forget(name: string): void {
    this.served.delete(name);
  }

  async start(): Promise<string> {
    const app = express();
    const files: Record<string, { type: string; body: Buffer }> = {
      "clip.mp4": { type: "video/mp4", body: readFileSync(path.join(FIXTURES, "clip.mp4")) },
      "clip.mov": { type: "video/quicktime", body: readFileSync(path.join(FIXTURES, "clip.mov")) },
      "clip.webm": { type: "video/webm", body: readFileSync(path.join(FIXTURES, "clip.webm")) },
      "clip.mkv": { type: "video/x-matroska", body: readFileSync(path.join(FIXTURES, "clip.mkv")) },
    };
    const canvas = (alpha: boolean) =>
      sharp({
        create: { width: 640, height: 480, channels: alpha ? 4 : 3, background: { r: 200, g: 40, b: 40, alpha: 0.5 } },
      });
    files["photo.jpg"] = { type: "image/jpeg", body: await canvas(false).jpeg().toBuffer() };
    files["logo.png"] = { type: "image/png", body: await canvas(true).png().toBuffer() };
    files["anim.gif"] = { type: "image/gif", body: await canvas(false).gif().toBuffer() };
    files["photo.webp"] = { type: "image/webp", body: await canvas(false).webp().toBuffer() };

    app.use((req, _res, next) => {
      this.hits.set(req.path, (this.hits.get(req.path) ?? 0) + 1);
      next();
    });
    app.get("/files/:name", (req, res) => {
      const file = files[req.params.name];
      if (!file) return void res.status(404).send("not found");
      // The declared type is deliberately wrong when asked: the bytes decide.
      res.type(String(req.query.as ?? file.type)).send(file.body);
    });
    app.get("/served/:name", (req, res) => {
      const body = this.served.get(req.params.name);
      if (!body) return void res.status(404).send("not found");
      res.type("application/octet-stream").send(body);
    });
    app.get("/redirect", (req, res) => res.redirect(302, String(req.query.to)));
    app.get("/hops/:n", (req, res) => {
      const n = Number(req.params.n);
      res.redirect(302, n <= 0 ? "/files/photo.jpg" : `/hops/${n - 1}`);
    });
    app.get("/status/:code", (req, res) => res.status(Number(req.params.code)).send("nope"));
    app.get("/page.html", (_req, res) => res.type("image/jpeg").send("<!doctype html><html><body>hi</body></html>"));
    app.get("/document.pdf", (_req, res) =>
      res.type("application/pdf").send(Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n")),
    );
    app.get("/slow", () => undefined);
    // `bytes` of a type's signature followed by filler, streamed; `length=no` sends no Content-Length.
    app.get("/big/:kind", (req, res) => {
      const bytes = Number(req.query.bytes);
      const head =
        req.params.kind === "image"
          ? Buffer.from([0xff, 0xd8, 0xff, 0xe0])
          : Buffer.from("000000206674797069736f6d0000020069736f6d69736f32617663316d703431", "hex");
      res.status(200).type("application/octet-stream");
      if (req.query.length !== "no") res.setHeader("content-length", String(bytes));
      const chunk = Buffer.alloc(1024 * 1024, 0);
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          const piece = sent === 0 ? Buffer.concat([head, chunk.subarray(head.length)]) : chunk;
          const size = Math.min(piece.length, bytes - sent);
          sent += size;
          if (!res.write(piece.subarray(0, size))) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, "127.0.0.1", () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this.url;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
