/**
 * `npm run webhooks:listen`: a local webhook receiver (on 127.0.0.1:9200 unless told otherwise)
 * that verifies each delivery per Standard Webhooks with the `standardwebhooks` library, prints
 * it, answers 204, and remembers webhook-ids so that a delivery of an event it already acknowledged
 * is reported as a duplicate and answered 2xx again, as a receiver should. Told to (--fail,
 * --gone, --timeout, --slow, with --first and --fail-rate), it fails deliveries on purpose, so the
 * sender's retries can be watched. The flags are read in webhook-listener-options.ts, the lines
 * printed in webhook-listener-view.ts.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebhookVerificationError, type Webhook } from "standardwebhooks";
import { USAGE, UsageError, parseListenerArgs, type FaultPlan, type ListenerOptions } from "./webhook-listener-options";
import {
  clock,
  count,
  dataSummary,
  eventType,
  newLedger,
  summaryLines,
  type EventRecord,
  type Ledger,
} from "./webhook-listener-view";

/** Bodies larger than this are refused (413): events are small, and the listener keeps nothing. */
const MAX_BODY_BYTES = 1024 * 1024;

const HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;

export type Verdict =
  | { ok: true; id: string; event: unknown; secret: number }
  | { ok: false; id: string | null; status: 400 | 401; reason: string };

/** The library's reasons, said so that the fix is plain. */
function reasonOf(error: unknown, secrets: number): string {
  const message = error instanceof Error ? error.message : String(error);
  if (message === "No matching signature found")
    return `no v1 signature matches ${secrets === 1 ? "the secret" : `any of the ${secrets} secrets`} (wrong secret, or the body was changed)`;
  if (message === "Message timestamp too old") return "webhook-timestamp is more than 5 minutes old (a replay?)";
  if (message === "Message timestamp too new") return "webhook-timestamp is more than 5 minutes ahead (clocks apart?)";
  if (message === "Invalid Signature Headers") return "webhook-timestamp is not a number of seconds";
  return message;
}

/**
 * Whether a request is a delivery signed with one of the secrets: the headers present, the
 * timestamp within 5 minutes, a `v1,` signature over `id.timestamp.body` that matches, the body JSON.
 */
export function verifyDelivery(verifiers: Webhook[], body: Buffer, headers: IncomingHttpHeaders): Verdict {
  const given: Record<string, string> = {};
  for (const name of HEADERS) {
    const value = headers[name];
    if (typeof value === "string") given[name] = value;
  }
  const id = given["webhook-id"] ?? null;
  const missing = HEADERS.filter((name) => !given[name]);
  if (missing.length) return { ok: false, id, status: 401, reason: `no ${missing.join(", ")} header` };
  let failure: unknown = null;
  for (const [i, verifier] of verifiers.entries()) {
    try {
      verifier.verify(body, given, { jsonParse: false });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      failure = error;
      continue;
    }
    try {
      return { ok: true, id: id!, event: JSON.parse(body.toString("utf8")), secret: i };
    } catch {
      return { ok: false, id, status: 400, reason: "signed, but the body is not JSON" };
    }
  }
  return { ok: false, id, status: 401, reason: reasonOf(failure, verifiers.length) };
}

/** Whether the plan fails this delivery (the `delivery`th of its event). */
export function isChosen(plan: FaultPlan | null, delivery: number, random: () => number): boolean {
  if (!plan) return false;
  if (plan.first !== null && delivery > plan.first) return false;
  return plan.rate === null || random() < plan.rate;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function answer(res: ServerResponse, status: number, text?: string) {
  if (res.destroyed) return;
  if (text === undefined || status === 204) res.writeHead(status).end();
  else res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(`${text}\n`);
}

export interface Listener {
  url: string;
  port: number;
  ledger: Ledger;
  /** Stops listening, drops the deliveries still held (--timeout, --slow), and resolves with the summary. */
  stop(): Promise<string[]>;
}

export interface ListenerIO {
  print?: (line: string) => void;
  random?: () => number;
}

export async function startWebhookListener(options: ListenerOptions, io: ListenerIO = {}): Promise<Listener> {
  const print = io.print ?? ((line: string) => console.log(line));
  const random = io.random ?? Math.random;
  const ledger = newLedger();
  const held = new Set<() => void>();
  const secrets = options.verifiers.length;
  let stopping = false;
  const acknowledge = (record: EventRecord, delivery: number) => {
    record.acknowledgedAt = new Date();
    record.acknowledgedBy = delivery;
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const release = () => {
        clearTimeout(timer);
        held.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      held.add(release);
    });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method === "GET" || req.method === "HEAD") return answer(res, 200, "webhooks:listen: POST deliveries here");
    if (req.method !== "POST") return answer(res, 405, "webhooks:listen takes POST");
    const body = await readBody(req);
    ledger.requests++;
    const now = new Date();
    if (!body) {
      count(ledger.rejected, "413 body over 1 MiB");
      print(`${clock(now)}  413  body over 1 MiB, refused`);
      return answer(res, 413, "body over 1 MiB");
    }
    const verdict = verifyDelivery(options.verifiers, body, req.headers);
    if (!verdict.ok) {
      count(ledger.rejected, `${verdict.status} ${verdict.reason}`);
      print(`${clock(now)}  ${verdict.status}  rejected ${verdict.id ?? "(no webhook-id)"}: ${verdict.reason}`);
      return answer(res, verdict.status, verdict.reason);
    }
    const { id, event } = verdict;
    const type = eventType(event);
    const record = ledger.events.get(id) ?? { type, deliveries: 0, acknowledgedAt: null, acknowledgedBy: null };
    ledger.events.set(id, record);
    const delivery = ++record.deliveries;
    const nth = delivery > 1 ? ` (delivery ${delivery})` : "";
    const by = secrets > 1 ? ` [secret ${verdict.secret + 1}]` : "";
    const show = (what: string, note: string, data = true) => {
      const summary = options.json || !data ? "" : `  ${dataSummary(event)}`;
      print(
        `${clock(now)}  ${what.padEnd(3)}  ${type}  ${id}${nth}${by}${note ? `  ${note}` : ""}${summary}`.trimEnd(),
      );
      if (options.json) print(body.toString("utf8"));
    };

    if (record.acknowledgedAt) {
      ledger.duplicates++;
      show(
        "204",
        `duplicate of delivery ${record.acknowledgedBy}, acknowledged at ${clock(record.acknowledgedAt)}`,
        false,
      );
      return answer(res, 204);
    }
    const plan = options.fault;
    if (!plan || !isChosen(plan, delivery, random)) {
      show("204", "");
      acknowledge(record, delivery);
      return answer(res, 204);
    }

    const fault = plan.answer;
    const late = plan.delayMs ? ` in ${plan.delayMs / 1000} s` : "";
    const what = fault.kind === "timeout" ? "no answer" : `${fault.kind === "ok" ? 204 : fault.status}${late}`;
    count(ledger.faults, what);
    show(what, "(on purpose)");
    let hungUp = false;
    res.on("close", () => {
      if (res.writableFinished || stopping) return;
      hungUp = true;
      const seconds = ((Date.now() - now.getTime()) / 1000).toFixed(1);
      print(`${clock(new Date())}  the sender of ${id}${nth} hung up after ${seconds} s, before an answer`);
    });
    if (fault.kind === "timeout") return;
    if (plan.delayMs) await wait(plan.delayMs);
    if (stopping) return;
    if (fault.kind === "ok") {
      // Processed, even when the sender gave up waiting: its retry is then a duplicate, which is the point.
      acknowledge(record, delivery);
      if (!hungUp) answer(res, 204);
    } else if (!hungUp) {
      answer(res, fault.status, `webhooks:listen answers ${fault.status} on purpose (${plan.described})`);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      print(`webhooks:listen: ${error instanceof Error ? error.message : String(error)}`);
      answer(res, 500, "webhooks:listen failed to handle this request");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
    port,
    ledger,
    async stop() {
      stopping = true;
      for (const release of [...held]) release();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      return summaryLines(ledger);
    },
  };
}

function startLines(listener: Listener, options: ListenerOptions): string[] {
  const n = options.verifiers.length;
  return [
    `webhooks:listen on ${listener.url}, verifying signatures with ${n === 1 ? "1 secret" : `${n} secrets (any one matches)`}`,
    options.fault
      ? `Failing on purpose: ${options.fault.described}.`
      : "Answering 204 to each valid delivery (--help lists the faults to answer with instead).",
    "Ctrl-C prints a summary and stops.",
  ];
}

async function main() {
  // Closing the terminal hangs up its tty: writing then fails, which must not stop the shutdown.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  let options: ListenerOptions | "help";
  try {
    options = parseListenerArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`webhooks:listen: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  let listener: Listener;
  try {
    listener = await startWebhookListener(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES")
      throw new Error(
        `cannot listen on ${options.host}:${options.port} (${code}: another webhooks:listen?); choose another with --port`,
      );
    throw error;
  }
  for (const line of startLines(listener, options)) console.log(line);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    listener
      .stop()
      .then((summary) => {
        console.log(`\n${summary.join("\n")}`);
        process.exit(0);
      })
      .catch(() => process.exit(1));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`webhooks:listen: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
