/**
 * The flags of `npm run webhooks:listen` (webhook-listener.ts), read into options or refused with
 * a message saying what to type instead: where to listen, the signing secrets, how to print, and
 * the fault to answer with so that retries can be watched.
 */
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 9200;

/** What a delivery chosen to fail is answered: a status, nothing at all (the sender times out), or 204 (late, with --slow). */
export type FaultAnswer = { kind: "status"; status: number } | { kind: "timeout" } | { kind: "ok" };

export interface FaultPlan {
  answer: FaultAnswer;
  /** Waited before answering a chosen delivery (`--slow`). */
  delayMs: number;
  /** Only the first N deliveries of each event are chosen (`--first`); null: all of them. */
  first: number | null;
  /** Each delivery is chosen with this probability (`--fail-rate`); null: every one. */
  rate: number | null;
  /** How the plan was asked for, to print it back. */
  described: string;
}

export interface ListenerOptions {
  host: string;
  port: number;
  /** One verifier per secret: a signature made with any of them is valid (rotation keeps two for a while). */
  verifiers: Webhook[];
  json: boolean;
  fault: FaultPlan | null;
}

export class UsageError extends Error {}

export const USAGE = `usage: npm run webhooks:listen -- [--secret whsec_…]… [options]

Receives webhooks on http://127.0.0.1:9200, verifies each delivery's Standard Webhooks signature
(webhook-id, webhook-timestamp, webhook-signature), prints it and answers 204; a bad signature is
answered 401 and a delivery of an event already acknowledged 204 again ("duplicate of …").

  --secret whsec_…   the endpoint's signing secret (repeat it, or put several in WEBHOOK_SECRET
                     separated by spaces or commas, to accept either while a secret is rotated)
  --port <n>         port to listen on (default ${DEFAULT_PORT})
  --host <address>   address to listen on (default ${DEFAULT_HOST})
  --json             print each event's JSON as received, not a one-line summary

Faults, to watch the sender retry (a delivery chosen to fail; combine with --first and --fail-rate):
  --fail <status>    answer that status (300–599), e.g. --fail 500
  --gone             answer 410 Gone (the sender disables the endpoint)
  --timeout          never answer (the sender gives up after its timeout)
  --slow <duration>  wait before answering (20s, 500ms, 1m); alone, the answer is still 204
  --first <n>        fail only the first n deliveries of each event, then answer normally
  --fail-rate <p>    fail each delivery with probability p (0 < p ≤ 1); alone, with 500

Ctrl-C prints a summary (events, deliveries, duplicates, rejections) and stops.`;

/** "20s", "500ms", "1.5m" or a bare number of seconds, in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--slow takes a duration like 20s, 500ms or 1m, not "${text}"`);
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  return Math.round(value * (unit === "ms" ? 1 : unit === "s" ? 1000 : 60_000));
}

/** The secrets given: every --secret, then WEBHOOK_SECRET; each may hold several separated by spaces or commas. */
function secretsOf(flags: string[], env: string | undefined): Webhook[] {
  const secrets = [...flags, env ?? ""].flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
  if (!secrets.length)
    throw new UsageError(
      "no signing secret: pass --secret whsec_… (shown once when the endpoint is registered) or set WEBHOOK_SECRET",
    );
  return secrets.map((secret, i) => {
    // The secret itself is never printed: which one is wrong is said by its place.
    const which = secrets.length > 1 ? `secret ${i + 1} of ${secrets.length}` : "the secret";
    if (!secret.startsWith("whsec_")) throw new UsageError(`${which} does not start with whsec_`);
    try {
      return new Webhook(secret);
    } catch {
      throw new UsageError(`${which} is not whsec_ followed by base64`);
    }
  });
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}`);
  return n;
}

function faultOf(values: {
  fail?: string;
  gone?: boolean;
  timeout?: boolean;
  slow?: string;
  first?: string;
  "fail-rate"?: string;
}): FaultPlan | null {
  const answers = [values.fail !== undefined && "--fail", values.gone && "--gone", values.timeout && "--timeout"];
  const given = answers.filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(" and ")} are different answers: choose one`);
  if (values.timeout && values.slow !== undefined)
    throw new UsageError("--timeout never answers: --slow has no effect");
  const delayMs = values.slow === undefined ? 0 : parseDuration(values.slow);
  const first = values.first === undefined ? null : integer("--first", values.first, 1, 1_000_000);
  let rate: number | null = null;
  if (values["fail-rate"] !== undefined) {
    rate = Number(values["fail-rate"]);
    if (!(rate > 0 && rate <= 1)) throw new UsageError("--fail-rate takes a probability: 0 < p ≤ 1, e.g. 0.3");
  }
  let answer: FaultAnswer | null = null;
  if (values.fail !== undefined) answer = { kind: "status", status: integer("--fail", values.fail, 300, 599) };
  else if (values.gone) answer = { kind: "status", status: 410 };
  else if (values.timeout) answer = { kind: "timeout" };
  else if (delayMs) answer = { kind: "ok" };
  else if (rate !== null) answer = { kind: "status", status: 500 };
  if (!answer) {
    if (first !== null)
      throw new UsageError("--first says which deliveries fail: add --fail, --gone, --timeout or --slow");
    return null;
  }
  const what =
    answer.kind === "timeout"
      ? "no answer"
      : answer.kind === "ok"
        ? `204 after ${delayMs} ms`
        : `${answer.status}${delayMs ? ` after ${delayMs} ms` : ""}`;
  const which = [
    first === null
      ? "every delivery"
      : first === 1
        ? "the first delivery of each event"
        : `the first ${first} deliveries of each event`,
    rate === null ? "" : ` with probability ${rate}`,
  ].join("");
  return { answer, delayMs, first, rate, described: `${what} to ${which}` };
}

export function parseListenerArgs(argv: string[], env: NodeJS.ProcessEnv): ListenerOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        secret: { type: "string", multiple: true },
        port: { type: "string" },
        host: { type: "string" },
        json: { type: "boolean" },
        fail: { type: "string" },
        gone: { type: "boolean" },
        timeout: { type: "boolean" },
        slow: { type: "string" },
        first: { type: "string" },
        "fail-rate": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) return "help";
  return {
    host: values.host ?? DEFAULT_HOST,
    port: values.port === undefined ? DEFAULT_PORT : integer("--port", values.port, 0, 65_535),
    verifiers: secretsOf(values.secret ?? [], env.WEBHOOK_SECRET),
    json: values.json ?? false,
    fault: faultOf(values),
  };
}
