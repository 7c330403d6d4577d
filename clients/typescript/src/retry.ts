import { retryAfterSeconds } from "./errors";

export interface RetryOptions {
  /** Retries after the first attempt (so `retries + 1` attempts at most). Default 2; 0 disables retrying. */
  retries?: number;
  /** The first backoff; each retry doubles it, up to maxRetryDelayMs, with jitter. Default 500 ms. */
  minRetryDelayMs?: number;
  /** Default 8000 ms. */
  maxRetryDelayMs?: number;
  /**
   * The longest `Retry-After` (on 429 or 503) the client waits for before retrying. A longer one is
   * answered to the caller at once (RateLimitedError.retryAfter says how long). Default 60 s: the
   * API's rate-limit window, which its Retry-After never exceeds.
   */
  maxRetryAfterSeconds?: number;
  /** Called before each retry's wait, e.g. to log it. */
  onRetry?: (retry: RetryInfo) => void;
}

export interface RetryInfo {
  /** The attempt that failed (1 is the first). */
  attempt: number;
  method: string;
  url: string;
  /** The answer's status, or null after a network error. */
  status: number | null;
  /** How long the client waits before the next attempt. */
  delayMs: number;
}

type Fetch = (request: Request) => Promise<Response>;

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * A request may be sent again when doing so cannot act twice: an idempotent method, or a POST or
 * PATCH carrying an Idempotency-Key (the API answers a repeat with the first answer).
 */
export function mayRetry(request: Request): boolean {
  return IDEMPOTENT_METHODS.has(request.method) || request.headers.has("idempotency-key");
}

const retriableStatus = (status: number) => status === 429 || status >= 500;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A fetch that retries network errors, 429 and 5xx answers of requests that may be retried, with
 * exponential backoff and jitter, and waits exactly `Retry-After` when a 429 or 503 gives one.
 * Every attempt sends a clone of the same Request, so its headers (the Idempotency-Key above all)
 * are the same on each. A short loop rather than a retry library: the decision needs the answer's
 * status and headers, which promise-retry helpers (built around thrown errors) do not see.
 */
export function retryingFetch(fetchImpl: Fetch, options: RetryOptions = {}): Fetch {
  const retries = Math.max(0, Math.floor(options.retries ?? 2));
  const minDelay = options.minRetryDelayMs ?? 500;
  const maxDelay = options.maxRetryDelayMs ?? 8000;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 60;

  const backoff = (attempt: number) => {
    const ceiling = Math.min(maxDelay, minDelay * 2 ** (attempt - 1));
    // "Equal jitter": never less than half the step, so retries still spread out under load.
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  };

  return async (request) => {
    const retriable = retries > 0 && mayRetry(request);
    for (let attempt = 1; ; attempt++) {
      const last = !retriable || attempt > retries;
      let response: Response;
      try {
        response = await fetchImpl(last ? request : request.clone());
      } catch (error) {
        if (last || request.signal.aborted) throw error;
        const delayMs = backoff(attempt);
        options.onRetry?.({ attempt, method: request.method, url: request.url, status: null, delayMs });
        await sleep(delayMs, request.signal);
        continue;
      }
      if (last || !retriableStatus(response.status)) return response;
      let delayMs = backoff(attempt);
      if (response.status === 429 || response.status === 503) {
        const after = retryAfterSeconds(response.headers.get("retry-after"));
        if (after !== null) {
          if (after > maxRetryAfter) return response;
          // A little over the exact time: the window has room again once the second has passed.
          delayMs = after * 1000 + Math.round(Math.random() * 250);
        }
      }
      // The answer is dropped: free its connection.
      await response.body?.cancel().catch(() => undefined);
      options.onRetry?.({ attempt, method: request.method, url: request.url, status: response.status, delayMs });
      await sleep(delayMs, request.signal);
    }
  };
}
