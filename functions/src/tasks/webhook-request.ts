import http from "node:http";
import https from "node:https";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isPublicAddress } from "../media/address-policy";
import { BlockedAddressError, checkedLookup } from "../media/safe-fetch";

/** What the receiver's answer was, as a delivery attempt records it. */
export interface WebhookAnswer {
  /** Null when no answer came (refused address, connection error, timeout). */
  status: number | null;
  /** The first KB of the answer's body. */
  body: string | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookRequestOptions {
  timeoutMs: number;
  /** Loopback origins that may be reached: the local listener on demo projects, `any` in tests. */
  loopbackOrigins: readonly string[] | "any";
}

export const WEBHOOK_TIMEOUT_MS = 15_000;
const KEPT_BODY_BYTES = 1024;

/** Why a URL may not be a webhook endpoint, or null when it may (the address is checked again per delivery). */
export function endpointUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "The url is not a valid URL.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "The url must be http or https.";
  if (url.username || url.password) return "The url may not carry credentials.";
  return null;
}

function loopbackAllowed(url: URL, options: WebhookRequestOptions): boolean {
  return options.loopbackOrigins === "any" || options.loopbackOrigins.includes(url.origin);
}

/**
 * POSTs one delivery with media's address policy (media/safe-fetch.ts): every address the host
 * resolves to must be public, and the connection goes to a checked one; redirects are not followed
 * (a 3xx is an answer, and not a 2xx). The whole exchange has `timeoutMs`; of the answer's body only
 * the first KB is read.
 */
export async function postWebhook(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  options: WebhookRequestOptions,
): Promise<WebhookAnswer> {
  const started = Date.now();
  const answer = (status: number | null, text: string | null, error: string | null): WebhookAnswer => ({
    status,
    body: text,
    error,
    durationMs: Date.now() - started,
  });
  const problem = endpointUrlProblem(rawUrl);
  if (problem) return answer(null, null, problem);
  const url = new URL(rawUrl);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const policy = { allowLoopback: loopbackAllowed(url, options) };
  if (isIP(host) && !isPublicAddress(host, policy)) return answer(null, null, "The url points at an internal address.");

  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: WebhookAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request(url, {
      method: "POST",
      lookup: checkedLookup(policy),
      headers: {
        ...headers,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "user-agent": "Postcast-Webhooks/1.0",
      },
    });
    const timer = setTimeout(() => {
      finish(answer(null, null, `No answer within ${options.timeoutMs / 1000} s.`));
      request.destroy();
    }, options.timeoutMs);
    request.once("response", (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        const text = Buffer.concat(chunks).subarray(0, KEPT_BODY_BYTES).toString("utf8");
        const status = response.statusCode ?? 0;
        finish(answer(status, text, status >= 200 && status < 300 ? null : `HTTP ${status}`));
        response.destroy();
      };
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        kept += chunk.length;
        if (kept >= KEPT_BODY_BYTES) done();
      });
      response.once("end", done);
      response.once("error", done);
    });
    request.once("error", (error: Error) => {
      const message =
        error instanceof BlockedAddressError
          ? "The url's host resolves to an internal address."
          : `The url could not be reached (${(error as NodeJS.ErrnoException).code ?? error.message}).`;
      finish(answer(null, null, message));
    });
    request.end(body);
  });
}

/**
 * The address check of an endpoint URL when it is registered: a host that resolves to any internal
 * address (or does not resolve) is refused. Delivery checks again on every connection, since a
 * name's addresses can change.
 */
export async function endpointAddressProblem(raw: string, options: WebhookRequestOptions): Promise<string | null> {
  const problem = endpointUrlProblem(raw);
  if (problem) return problem;
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const policy = { allowLoopback: loopbackAllowed(url, options) };
  if (isIP(host)) return isPublicAddress(host, policy) ? null : "The url points at an internal address.";
  try {
    const addresses = await lookup(host, { all: true });
    if (addresses.length === 0) return "The url's host does not resolve.";
    return addresses.every((a) => isPublicAddress(a.address, policy))
      ? null
      : "The url's host resolves to an internal address.";
  } catch {
    return "The url's host does not resolve.";
  }
}
