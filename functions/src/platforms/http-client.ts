import type { Readable } from "node:stream";

/**
 * A small typed HTTP client over Node's fetch for the platform adapters. It never retries: a
 * retry of a call that may have published is the publisher's decision (after reconciling), and
 * the task queue already retries with backoff. Nothing large is ever held: media goes out as a
 * stream, and an answer is read only as far as an adapter can use it.
 */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: Record<string, string | undefined>;
  body?: Buffer | string | StreamBody;
  /** multipart/form-data; fetch writes the boundary. */
  multipart?: FormData;
  timeoutMs?: number;
}

/**
 * A body streamed from its source as it is sent, of a length known up front (platforms want
 * Content-Length on uploads). `open` is called again if the request has to be sent again (a
 * refreshed token), so it must start from the beginning each time.
 */
export interface StreamBody {
  length: number;
  open(): Readable;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** A JSON answer's text, or the start of any other answer (for error messages). */
  text: string;
  /** The body parsed as JSON, or null when it is not JSON (or too large to be an answer). */
  body: unknown;
}

/** No answer: connection refused or reset, DNS failure, or a timeout. The call may have happened. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "NetworkError";
  }
}

export type FetchLike = typeof fetch;

/** Platform answers are small JSON documents; anything larger is not one an adapter can use. */
export const JSON_ANSWER_LIMIT = 1024 * 1024;
/** What is kept of an answer that is not JSON: enough to explain an error. */
export const SNIPPET_LIMIT = 2048;

export function isStreamBody(body: HttpRequest["body"]): body is StreamBody {
  return typeof body === "object" && !Buffer.isBuffer(body);
}

export class HttpClient {
  constructor(private readonly options: { timeoutMs: number; fetch?: FetchLike } = { timeoutMs: 60_000 }) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...request.headers };
    let body: string | Buffer | FormData | undefined = request.multipart;
    let stream: Readable | undefined;
    if (request.json !== undefined) {
      headers["content-type"] ??= "application/json";
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(request.form)) if (v !== undefined) form.set(k, v);
      body = form.toString();
    } else if (isStreamBody(request.body)) {
      headers["content-length"] = String(request.body.length);
      stream = request.body.open();
    } else if (request.body !== undefined) {
      body = request.body;
    }
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const where = `${request.method} ${url.origin}${url.pathname}`;
    let response: Response;
    try {
      const init: RequestInit & { duplex?: "half" } = {
        method: request.method,
        headers,
        body: body ?? null,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      };
      if (stream) {
        // Node's fetch streams any async iterable of chunks, a Readable included, with duplex "half".
        init.body = stream;
        init.duplex = "half";
      }
      response = await (this.options.fetch ?? fetch)(url, init);
    } catch (error) {
      // The abort reason is a DOMException, which is not an Error instance on Node 20.
      const name = (error as { name?: unknown } | null)?.name;
      const timedOut = name === "TimeoutError" || name === "AbortError";
      stream?.destroy();
      throw new NetworkError(`${where}: ${timedOut ? `no answer within ${timeoutMs} ms` : String(error)}`, timedOut, {
        cause: error,
      });
    }
    const json = /json|javascript/i.test(response.headers.get("content-type") ?? "");
    let read: { bytes: Buffer; complete: boolean };
    try {
      read = await readBounded(response.body, json ? JSON_ANSWER_LIMIT : SNIPPET_LIMIT);
    } catch (error) {
      throw new NetworkError(`${where}: body lost: ${String(error)}`, false, { cause: error });
    }
    const text = read.bytes.toString("utf8");
    let parsed: unknown = null;
    if (read.complete && text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }
}

/**
 * Reads at most `limit` bytes of a body; the rest is cancelled unread rather than buffered (an
 * upload URL answering with a large page must not cost memory).
 */
async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<{ bytes: Buffer; complete: boolean }> {
  if (!body) return { bytes: Buffer.alloc(0), complete: true };
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks, size), complete: true };
    const chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      await reader.cancel().catch(() => undefined);
      return { bytes: Buffer.concat(chunks, limit), complete: false };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
}
