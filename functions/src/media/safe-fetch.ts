import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { MediaRefusal } from "../domain/media-refusal";
import { isPublicAddress } from "./address-policy";

export interface SafeFetchOptions {
  /** Time to establish each connection. */
  connectTimeoutMs: number;
  /** Time for the whole transfer, redirects and body included. */
  totalTimeoutMs: number;
  maxRedirects: number;
  /**
   * Loopback origins that may be fetched (`http://127.0.0.1:9100`): the local stack's fake media
   * server, nothing else of the machine (config/media-settings.ts; never on a real project). `"any"`
   * is for tests and benchmarks, whose media servers take any free port.
   */
  loopbackOrigins: readonly string[] | "any";
}

export const SAFE_FETCH_DEFAULTS: SafeFetchOptions = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 15 * 60_000,
  maxRedirects: 5,
  loopbackOrigins: [],
};

export interface FetchedBody {
  /** The final URL after redirects. */
  url: string;
  response: IncomingMessage;
  /** Declared length, when the server gave one. */
  contentLength: number | null;
  /** Ends the transfer (and its timers) early. */
  abort: (reason: MediaRefusal) => void;
  /** Rejects with a MediaRefusal when the total time runs out during the body. */
  deadline: Promise<never>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GETs a caller's URL without ever reaching an internal address: only http(s); every address the
 * host resolves to is checked, and the connection goes to a checked address (so a DNS answer that
 * changes between check and connect cannot slip through); every redirect is checked the same way,
 * at most `maxRedirects`. The body is left as a stream for the caller to consume.
 */
export async function safeFetch(rawUrl: string, options: SafeFetchOptions = SAFE_FETCH_DEFAULTS): Promise<FetchedBody> {
  let url = parseUrl(rawUrl);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const refusal = new MediaRefusal(
        "timeout",
        `The media took longer than ${options.totalTimeoutMs / 1000} s to download.`,
      );
      controller.abort(refusal);
      reject(refusal);
    }, options.totalTimeoutMs);
  });
  deadline.catch(() => undefined);
  const stop = () => clearTimeout(timer);

  try {
    for (let hop = 0; ; hop += 1) {
      const response = await Promise.race([get(url, options, controller.signal), deadline]);
      if (REDIRECTS.has(response.statusCode ?? 0) && response.headers.location) {
        response.resume();
        if (hop >= options.maxRedirects) {
          throw new MediaRefusal("unreachable", `More than ${options.maxRedirects} redirects.`);
        }
        url = parseUrl(new URL(response.headers.location, url).toString());
        continue;
      }
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        response.resume();
        throw new MediaRefusal("http_error", `The media URL answered HTTP ${status}.`, { status });
      }
      const length = Number(response.headers["content-length"]);
      response.once("close", stop);
      return {
        url: url.toString(),
        response,
        contentLength: Number.isFinite(length) && length >= 0 ? length : null,
        abort: (reason) => {
          stop();
          response.destroy(reason);
        },
        deadline,
      };
    }
  } catch (error) {
    stop();
    throw error;
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MediaRefusal("unreachable", "The media URL is not a valid URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new MediaRefusal("unreachable", "Only http and https media URLs can be fetched.");
  }
  if (url.username || url.password) throw new MediaRefusal("unreachable", "Media URLs may not carry credentials.");
  return url;
}

/** Whether this hop may reach a loopback address: only when its origin is one allowed. */
function loopbackAllowed(url: URL, options: SafeFetchOptions): boolean {
  return options.loopbackOrigins === "any" || options.loopbackOrigins.includes(url.origin);
}

/** A DNS lookup that refuses the whole name when any of its addresses is internal. */
export function checkedLookup(options: { allowLoopback: boolean }): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { all: true, family: lookupOptions.family ?? 0 }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const blocked = addresses.find((a) => !isPublicAddress(a.address, options));
      if (blocked || addresses.length === 0) {
        return callback(blocked ? new BlockedAddressError(hostname) : new Error("no address"), "", 0);
      }
      const first = addresses[0]!;
      // LookupFunction declares only the one-address callback; with `all` set, net calls it with the list.
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

export class BlockedAddressError extends Error {
  constructor(readonly hostname: string) {
    super(`${hostname} resolves to an internal address`);
  }
}

function get(url: URL, options: SafeFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const policy = { allowLoopback: loopbackAllowed(url, options) };
  if (isIP(host) && !isPublicAddress(host, policy)) {
    return Promise.reject(new MediaRefusal("blocked_address", "The media URL points at an internal address."));
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, {
      lookup: checkedLookup(policy),
      signal,
      headers: { "user-agent": "Postcast/1.0 (+media fetch)" },
    });
    const connectTimer = setTimeout(() => {
      request.destroy(new MediaRefusal("timeout", `Could not connect within ${options.connectTimeoutMs / 1000} s.`));
    }, options.connectTimeoutMs);
    request.once("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once("connect", () => clearTimeout(connectTimer));
    });
    request.once("response", (response) => {
      clearTimeout(connectTimer);
      resolve(response);
    });
    request.once("error", (error: Error) => {
      clearTimeout(connectTimer);
      reject(asRefusal(error, signal));
    });
  });
}

function asRefusal(error: Error, signal: AbortSignal): MediaRefusal {
  if (error instanceof MediaRefusal) return error;
  if (signal.aborted && signal.reason instanceof MediaRefusal) return signal.reason;
  if (error instanceof BlockedAddressError) {
    return new MediaRefusal("blocked_address", "The media URL's host resolves to an internal address.");
  }
  return new MediaRefusal(
    "unreachable",
    `The media URL could not be reached (${(error as NodeJS.ErrnoException).code ?? error.message}).`,
  );
}
