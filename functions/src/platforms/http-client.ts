/**
 * A small typed HTTP client over Node's fetch for the platform adapters. It never retries: a
 * retry of a call that may have published is the publisher's decision (after reconciling), and
 * the task queue already retries with backoff.
 */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: Record<string, string | undefined>;
  body?: Buffer | string;
  /** multipart/form-data; fetch writes the boundary. */
  multipart?: FormData;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
  /** The body parsed as JSON, or null when it is not JSON. */
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

export class HttpClient {
  constructor(private readonly options: { timeoutMs: number; fetch?: FetchLike } = { timeoutMs: 60_000 }) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...request.headers };
    let body: string | Buffer | FormData | undefined = request.multipart ?? request.body;
    if (request.json !== undefined) {
      headers["content-type"] ??= "application/json";
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(request.form)) if (v !== undefined) form.set(k, v);
      body = form.toString();
    }
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
    } catch (error) {
      // The abort reason is a DOMException, which is not an Error instance on Node 20.
      const name = (error as { name?: unknown } | null)?.name;
      const timedOut = name === "TimeoutError" || name === "AbortError";
      throw new NetworkError(
        `${request.method} ${url.origin}${url.pathname}: ${timedOut ? `no answer within ${timeoutMs} ms` : String(error)}`,
        timedOut,
        { cause: error },
      );
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw new NetworkError(`${request.method} ${url.origin}${url.pathname}: body lost: ${String(error)}`, false, {
        cause: error,
      });
    }
    const text = bytes.toString("utf8");
    let parsed: unknown = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    return { status: response.status, headers: response.headers, text, bytes, body: parsed };
  }
}
