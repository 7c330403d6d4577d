/**
 * Operator command for subscriptions (every content route needs an active one, docs/contract.md §3):
 * `npm run subscriptions -- <grant|end|show> --uid <uid> [...]`.
 *
 *   grant --uid U [--days 30 | --until 2027-01-01] [--plan manual] [--status active|trialing]
 *   end   --uid U      canceled now: the user's keys answer 403 within seconds
 *   show  --uid U      the stored document
 *
 * Without --project it works on the local stack (demo-postcast, Firestore emulator on
 * 127.0.0.1:8080 unless FIRESTORE_EMULATOR_HOST says otherwise). With --project P and no emulator
 * variable it uses application default credentials (`gcloud auth application-default login`).
 */
import { parseArgs } from "node:util";
import { Timestamp } from "firebase-admin/firestore";
import { operatorFirestore } from "../dev/operator-firestore";
import { SubscriptionStore } from "../src/store/subscription-store";

const USAGE =
  "usage: npm run subscriptions -- <grant|end|show> --uid <uid> [--days N | --until YYYY-MM-DD] [--plan <id>] [--status active|trialing] [--project <id>]";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/** When a grant ends: --until (a date, or a date and time with its zone), else --days from now (30). */
function until(values: { days?: string; until?: string }, now: Date): Date {
  if (values.until !== undefined && values.days !== undefined) fail("give --days or --until, not both");
  if (values.until !== undefined) {
    const at = new Date(values.until);
    if (Number.isNaN(at.getTime())) fail(`--until ${values.until} is not a date`);
    if (at <= now) fail("--until must be in the future");
    return at;
  }
  const days = Number(values.days ?? 30);
  if (!Number.isInteger(days) || days < 1 || days > 3660) fail("--days must be a whole number from 1 to 3660");
  return new Date(now.getTime() + days * 24 * 3600_000);
}

function printable(doc: Record<string, unknown>): string {
  return JSON.stringify(doc, (_k, v: unknown) => (v instanceof Timestamp ? v.toDate().toISOString() : v));
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      uid: { type: "string" },
      days: { type: "string" },
      until: { type: "string" },
      plan: { type: "string", default: "manual" },
      status: { type: "string", default: "active" },
      project: { type: "string" },
    },
  });
  const [command] = positionals;
  if (!command || !["grant", "end", "show"].includes(command)) fail(`unknown command ${command ?? "(none)"}`);
  if (!values.uid) fail("--uid is required");

  const { db, projectId, target } = operatorFirestore(values.project);
  console.error(`project ${projectId} (${target})`);
  const subscriptions = new SubscriptionStore(db);
  const now = new Date();
  try {
    if (command === "grant") {
      if (values.status !== "active" && values.status !== "trialing") fail("--status must be active or trialing");
      const end = until(values, now);
      await subscriptions.grant(values.uid, { status: values.status, until: end, planId: values.plan });
      console.error(`granted: ${values.status} until ${end.toISOString()} (plan ${values.plan})`);
    } else if (command === "end") {
      if (!(await subscriptions.end(values.uid, now))) fail(`user ${values.uid} has no subscription`);
      console.error("ended: canceled now");
    }
    const doc = await subscriptions.show(values.uid);
    console.log(doc ? printable(doc) : "no subscription");
  } finally {
    await db.terminate();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
