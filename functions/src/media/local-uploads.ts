import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseContentRange, type ContentRange } from "../domain/content-range";
import type { UploadTarget } from "./media-store";

/** What the local upload endpoint answers, in Cloud Storage's terms. */
export type UploadAnswer =
  | { status: 200; object: { name: string; size: number; contentType: string } }
  | { status: 308; stored: number }
  | { status: 400 | 404 | 410; message: string };

interface Session {
  size: number;
  contentType: string;
  expiresAt: string;
}

/**
 * The local stack's stand-in for Cloud Storage resumable sessions (the Storage emulator needs
 * Java). The session lives next to its object: `<path>.session.json`, the bytes so far in
 * `<path>.part`, renamed to `<path>` once all declared bytes arrived. Like Cloud Storage: chunks
 * may overlap what is stored (the overlap is skipped), a status query (`bytes *\/total`) answers
 * 308 with the stored Range, and nothing beyond the declared size is accepted.
 */
export class LocalUploads {
  /** One request at a time per session (one process serves the local stack). */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly file: (relative: string) => string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async open(target: UploadTarget): Promise<void> {
    const session: Session = {
      size: target.size,
      contentType: target.contentType,
      expiresAt: target.expiresAt.toISOString(),
    };
    await mkdir(path.dirname(this.file(target.path)), { recursive: true });
    await writeFile(`${this.file(target.path)}.part`, "");
    await writeFile(`${this.file(target.path)}.session.json`, JSON.stringify(session));
  }

  async cancel(relative: string): Promise<void> {
    await rm(`${this.file(relative)}.session.json`, { force: true });
    await rm(`${this.file(relative)}.part`, { force: true });
  }

  /** One PUT to the session URL: `contentRange` as sent (undefined: the whole file in one go). */
  receive(relative: string, contentRange: string | undefined, body: Readable): Promise<UploadAnswer> {
    const previous = this.locks.get(relative) ?? Promise.resolve();
    const next = previous.then(() => this.receiveNow(relative, contentRange, body));
    const settled = next.catch(() => undefined);
    this.locks.set(relative, settled);
    void settled.then(() => {
      if (this.locks.get(relative) === settled) this.locks.delete(relative);
    });
    return next;
  }

  private async receiveNow(relative: string, header: string | undefined, body: Readable): Promise<UploadAnswer> {
    const file = this.file(relative);
    const session = await this.session(file);
    if (!session) {
      body.resume();
      return { status: 404, message: "No such upload session." };
    }
    const done = await sizeOf(file);
    if (done !== null) {
      body.resume();
      return { status: 200, object: { name: relative, size: done, contentType: session.contentType } };
    }
    if (Date.parse(session.expiresAt) <= this.clock().getTime()) {
      body.resume();
      return { status: 410, message: "The upload session has expired." };
    }
    const range: ContentRange | null =
      header === undefined
        ? { kind: "chunk", first: 0, last: session.size - 1, total: session.size }
        : parseContentRange(header);
    const stored = (await sizeOf(`${file}.part`)) ?? 0;
    const refused = refusal(range, session.size, stored);
    if (refused) {
      body.resume();
      return { status: 400, message: refused };
    }
    if (range!.kind === "chunk") {
      const expected = range!.last - range!.first + 1;
      const received = await appendFrom(`${file}.part`, body, stored - range!.first, expected);
      if (received !== expected) {
        return { status: 400, message: `The body has ${received} bytes; Content-Range announced ${expected}.` };
      }
    } else body.resume();
    const now = (await sizeOf(`${file}.part`)) ?? 0;
    if (now < session.size) return { status: 308, stored: now };
    await rename(`${file}.part`, file);
    return { status: 200, object: { name: relative, size: now, contentType: session.contentType } };
  }

  private async session(file: string): Promise<Session | null> {
    try {
      return JSON.parse(await readFile(`${file}.session.json`, "utf8")) as Session;
    } catch {
      return null;
    }
  }
}

function refusal(range: ContentRange | null, size: number, stored: number): string | null {
  if (!range) return "Content-Range must be 'bytes first-last/total', 'bytes first-last/*' or 'bytes */total'.";
  if (range.total !== null && range.total !== size) {
    return `The session was opened for ${size} bytes; Content-Range says ${range.total}.`;
  }
  if (range.kind === "status") return null;
  if (range.last >= size) return `The session was opened for ${size} bytes; this chunk ends beyond them.`;
  if (range.first > stored)
    return `Only ${stored} bytes are stored; the next chunk must start at or before byte ${stored}.`;
  return null;
}

/** Appends the body to `file`, skipping its first `skip` bytes (already stored); returns the bytes received. */
async function appendFrom(file: string, body: Readable, skip: number, expected: number): Promise<number> {
  let seen = 0;
  const tail = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const from = Math.max(0, skip - seen);
      const to = Math.min(chunk.length, expected - seen);
      seen += chunk.length;
      callback(null, from < to ? chunk.subarray(from, to) : Buffer.alloc(0));
    },
  });
  await pipeline(body, tail, createWriteStream(file, { flags: "a" }));
  return seen;
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}
