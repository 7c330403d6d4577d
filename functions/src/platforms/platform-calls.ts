import type { Credentials } from "../domain/credentials";
import { PublishError } from "../domain/publish-error";
import { NetworkError, type HttpRequest, type HttpResponse } from "./http-client";
import type { PublishContext } from "./platform-adapter";

/**
 * Sends a request with the account's bearer token and, when the platform rejects the token, once
 * more with a refreshed one. A rejected token means nothing was done, so repeating it is safe.
 */
export async function sendWithToken(
  ctx: PublishContext,
  request: HttpRequest,
  rejected: (res: HttpResponse) => boolean = (res) => res.status === 401,
): Promise<HttpResponse> {
  const send = (c: Credentials) =>
    ctx.http.send({ ...request, headers: { ...request.headers, authorization: `Bearer ${c.accessToken}` } });
  const credentials = await ctx.auth.credentials();
  const res = await send(credentials);
  if (!rejected(res)) return res;
  return send(await ctx.auth.refreshAfterRejection(credentials));
}

/** Seconds to wait from a Retry-After header or an epoch-seconds reset header, if either is present. */
export function retryAfterSeconds(res: HttpResponse, now: Date, resetHeader?: string): number | undefined {
  const retryAfter = res.headers.get("retry-after");
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(1, Math.ceil((at - now.getTime()) / 1000));
  }
  const reset = resetHeader ? Number(res.headers.get(resetHeader)) : NaN;
  if (Number.isFinite(reset) && reset > 0) return Math.max(1, Math.ceil(reset - now.getTime() / 1000));
  return undefined;
}

/** The usual HTTP meaning of a failure, for answers a platform does not explain further. */
export function httpFailure(platform: string, res: HttpResponse, detail: string, now: Date): PublishError {
  const message = `${platform} answered HTTP ${res.status}: ${detail}`;
  if (res.status === 401) return new PublishError("auth_expired", message);
  if (res.status === 429) {
    const after = retryAfterSeconds(res, now);
    return new PublishError("rate_limited", message, after === undefined ? {} : { retryAfterSeconds: after });
  }
  if (res.status >= 500 || res.status === 408) return new PublishError("transient", message);
  return new PublishError("rejected", message);
}

/** The taxonomy for anything an adapter did not classify itself: no answer is a transient failure. */
export function classifyThrown(error: unknown): PublishError {
  if (error instanceof PublishError) return error;
  if (error instanceof NetworkError) return new PublishError("transient", error.message, { cause: error });
  return new PublishError("transient", error instanceof Error ? error.message : String(error), { cause: error });
}

/** The first string among `keys` of a JSON object, for reading platform answers defensively. */
export function field(body: unknown, ...path: (string | number)[]): unknown {
  let value: unknown = body;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

export function stringField(body: unknown, ...path: (string | number)[]): string | undefined {
  const value = field(body, ...path);
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}
