/**
 * What `npm run webhooks:listen` prints: a line per delivery (when, the answer, the event's type
 * and id, a compact summary of its data) and, on exit, what it received in all. Generic over the
 * payload: it prints whatever fields an event's `data` has, so new event types need nothing here.
 */

/** What the listener remembers of each event (by webhook-id): to number deliveries and spot duplicates. */
export interface EventRecord {
  type: string;
  deliveries: number;
  acknowledgedAt: Date | null;
  /** Which delivery was acknowledged (answered 204): the one a later duplicate repeats. */
  acknowledgedBy: number | null;
}

export interface Ledger {
  startedAt: Date;
  requests: number;
  events: Map<string, EventRecord>;
  duplicates: number;
  /** Deliveries answered otherwise than 204 on purpose, by what they were answered ("500", "no answer"). */
  faults: Map<string, number>;
  /** Requests refused (401, 400), by reason. */
  rejected: Map<string, number>;
}

export function newLedger(now = new Date()): Ledger {
  return { startedAt: now, requests: 0, events: new Map(), duplicates: 0, faults: new Map(), rejected: new Map() };
}

export const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/** HH:MM:SS.mmm in local time: deliveries are seconds apart, the date adds nothing. */
export const clock = (at: Date) =>
  [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":") +
  `.${String(at.getMilliseconds()).padStart(3, "0")}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function scalar(value: unknown): string {
  if (typeof value === "string") {
    const short = value.length > 60 ? `${value.slice(0, 59)}…` : value;
    return /^[^\s"=]+$/.test(short) ? short : JSON.stringify(short);
  }
  return String(value);
}

function fields(prefix: string, value: Record<string, unknown>, depth: number): string[] {
  return Object.entries(value).flatMap(([key, v]) => {
    const name = `${prefix}${key}`;
    if (Array.isArray(v))
      return [
        v.length <= 3 && !v.some((x) => typeof x === "object")
          ? `${name}=[${v.map(scalar).join(",")}]`
          : `${name}=[${v.length}]`,
      ];
    if (isRecord(v)) return depth > 0 ? fields(`${name}.`, v, depth - 1) : [`${name}={…}`];
    return [`${name}=${scalar(v)}`];
  });
}

/**
 * The event's data as `key=value` pairs, one level of nesting flattened (`target.platform=x`),
 * arrays by length, cut at `max` characters, after `livemode` when the envelope carries it (test
 * and live events are separate worlds, worth seeing at a glance). The Standard Webhooks envelope
 * is `{type, timestamp, data}`; a payload without `data` is summarised whole, less those fields.
 */
export function dataSummary(event: unknown, max = 200): string {
  if (!isRecord(event)) return scalar(event);
  const envelope = ["type", "timestamp", "id", "version"];
  const data = isRecord(event.data)
    ? { ...(typeof event.livemode === "boolean" && { livemode: event.livemode }), ...event.data }
    : Object.fromEntries(Object.entries(event).filter(([k]) => !envelope.includes(k)));
  const text = fields("", data, 1).join(" ");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const eventType = (event: unknown) =>
  isRecord(event) && typeof event.type === "string" ? event.type : "(no type)";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const tally = (map: Map<string, number>) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([what, n]) => `${what} ×${n}`)
    .join(", ");

function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** What the listener received in all, printed when it stops. */
export function summaryLines(ledger: Ledger, now = new Date()): string[] {
  const events = [...ledger.events.entries()];
  const deliveries = events.reduce((sum, [, e]) => sum + e.deliveries, 0);
  const acknowledged = events.filter(([, e]) => e.acknowledgedAt).length;
  const byType = new Map<string, number>();
  for (const [, e] of events) count(byType, e.type);
  const pending = events.filter(([, e]) => !e.acknowledgedAt);
  const rejected = [...ledger.rejected.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `webhooks:listen received ${plural(ledger.requests, "request")} in ${elapsed(now.getTime() - ledger.startedAt.getTime())}:`,
    `  ${plural(events.length, "event")} in ${plural(deliveries, "delivery", "deliveries")}: ${acknowledged} acknowledged, ${plural(ledger.duplicates, "duplicate")} answered 204 again`,
  ];
  if (ledger.faults.size) lines.push(`  failed on purpose: ${tally(ledger.faults)}`);
  if (rejected) lines.push(`  rejected: ${tally(ledger.rejected)}`);
  if (byType.size) lines.push(`  by type: ${tally(byType)}`);
  if (pending.length)
    lines.push(
      `  not acknowledged yet: ${pending
        .slice(0, 10)
        .map(([id, e]) => `${id} (${e.type}, ${plural(e.deliveries, "delivery", "deliveries")})`)
        .join(", ")}${pending.length > 10 ? ` and ${pending.length - 10} more` : ""}`,
    );
  return lines;
}
