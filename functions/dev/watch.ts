/**
 * `npm run watch -- <postSubmissionId> [--project <id>]`: prints a submission and its runs each
 * time they change, with a one-line status per platform and what each run waits for (watch-view.ts),
 * until the submission is final.
 * Without --project it reads the local stack's Firestore emulator; with a real project id (and no
 * FIRESTORE_EMULATOR_HOST) it uses application default credentials.
 */
import { parseArgs } from "node:util";
import { isFinalSubmission, type SubmissionStatus } from "../src/domain/submission-status";
import { operatorFirestore } from "./operator-firestore";
import { countdown, watchLines, type WatchedRun, type WatchedSubmission } from "./watch-view";

async function main() {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { project: { type: "string" } } });
  const id = positionals[0];
  if (!id) throw new Error("usage: npm run watch -- <postSubmissionId> [--project <id>]");
  const { db, projectId } = operatorFirestore(values.project);
  let last = "";
  for (;;) {
    const [sub, runs] = await Promise.all([
      db.doc(`postSubmissions/${id}`).get(),
      db.collection(`postSubmissions/${id}/runs`).get(),
    ]);
    const data = sub.data();
    if (!data) throw new Error(`no submission ${id} in project ${projectId}`);
    const byRun = new Map(runs.docs.map((r) => [r.id, r.data() as WatchedRun]));
    const submission = data as WatchedSubmission;
    // Printed when something changed, not each time a countdown ticks.
    const state = watchLines(id, submission, byRun, (until) => until.toISOString()).join("\n");
    if (state !== last) {
      const now = new Date();
      const lines = watchLines(id, submission, byRun, (until) => countdown(until, now));
      console.log(`[${now.toISOString()}]\n${lines.join("\n")}`);
      last = state;
    }
    if (isFinalSubmission(data.status as SubmissionStatus)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
