import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { pipeline, type Readable } from "node:stream";

/**
 * A small typed HTTP client for the platform adapters. It never retries: a retry of a call that
 * may have published is the publisher's decision (after reconciling), and the task queue already
 * retries with backoff. Nothing large is ever held: media goes out as a stream, and an answer is
 * read only as far as an adapter can use it.
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

/**
 * Node's fetch for calls, Node's http for streamed uploads: fetch clones a request whose redirects
 * are not errors, teeing its body, and the branch never sent keeps every byte of the upload in
 * memory until the request ends (and redirects cannot be errors here: YouTube answers chunks with
 * 308). It also copies each chunk. http.request writes the stream as the socket takes it.
 */
export class HttpClient {
  constructor(private readonly options: { timeoutMs: number; fetch?: FetchLike } = { timeoutMs: 60_000 }) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...request.headers };
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const where = `${request.method} ${url.origin}${url.pathname}`;
    let body: string | Buffer | FormData | undefined = request.multipart;
    if (request.json !== undefined) {
      headers["content-type"] ??= "application/json";
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(request.form)) if (v !== undefined) form.set(k, v);
      body = form.toString();
    } else if (isStreamBody(request.body)) {
      return streamed(url, request.method, headers, request.body, timeoutMs, where);
    } else if (request.body !== undefined) {
      body = request.body;
    }
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: request.method,
        headers,
        body: body ?? null,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
    } catch (error) {
      // The abort reason is a DOMException, which is not an Error instance on Node 20.
      const name = (error as { name?: unknown } | null)?.name;
      const timedOut = name === "TimeoutError" || name === "AbortError";
      throw new NetworkError(`${where}: ${timedOut ? `no answer within ${timeoutMs} ms` : String(error)}`, timedOut, {
        cause: error,
      });
    }
    return answer(response.status, response.headers, response.body, where);
  }
}

/** Sends a streamed body with http.request, as the socket takes it, and reads the answer as `send` does. */
function streamed(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: StreamBody,
  timeoutMs: number,
  where: string,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const source = body.open();
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, {
      method,
      headers: { ...headers, "content-length": String(body.length) },
    });
    let settled = false;
    const stop = () => {
      clearTimeout(timer);
      settled = true;
      source.destroy();
    };
    const fail = (error: unknown, timedOut: boolean) => {
      if (settled) return;
      stop();
      req.destroy();
      reject(
        new NetworkError(`${where}: ${timedOut ? `no answer within ${timeoutMs} ms` : String(error)}`, timedOut, {
          cause: error,
        }),
      );
    };
    const timer = setTimeout(() => fail(new Error("timeout"), true), timeoutMs);
    req.once("error", (error) => fail(error, false));
    req.once("response", (res: IncomingMessage) => {
      answer(res.statusCode ?? 0, headersOf(res), res, where).then(
        (response) => {
          if (settled) return;
          // An answer before the whole body went (a refusal): the rest is not sent.
          if (!req.writableFinished) req.destroy();
          stop();
          resolve(response);
        },
        (error: unknown) => fail(error, false),
      );
    });
    pipeline(source, req, (error) => {
      if (error) fail(error, false);
    });
  });
}

function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  return headers;
}

/** The answer as adapters see it: a JSON body parsed (bounded), anything else as a short snippet. */
async function answer(
  status: number,
  headers: Headers,
  body: AsyncIterable<Uint8Array> | null,
  where: string,
): Promise<HttpResponse> {
  const json = /json|javascript/i.test(headers.get("content-type") ?? "");
  let read: { bytes: Buffer; complete: boolean };
  try {
    read = await readBounded(body, json ? JSON_ANSWER_LIMIT : SNIPPET_LIMIT);
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
  return { status, headers, text, body: parsed };
}

/**
 * Reads at most `limit` bytes of a body; the rest is cancelled unread rather than buffered (an
 * upload URL answering with a large page must not cost memory).
 */
async function readBounded(
  body: AsyncIterable<Uint8Array> | null,
  limit: number,
): Promise<{ bytes: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream (fetch's) or destroys it (http's).
  for await (const value of body ?? []) {
    const chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      return { bytes: Buffer.concat(chunks, limit), complete: false };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks, size), complete: true };
}
