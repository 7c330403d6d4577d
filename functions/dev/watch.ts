/**
 * `npm --prefix functions run watch -- <postSubmissionId>`: prints a submission and its runs each
 * time they change, straight from the Firestore emulator, until the submission is final.
 */
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { isFinalSubmission, type SubmissionStatus } from "../src/domain/submission-status";
import { LOCAL } from "./local-config";

async function main(id: string | undefined) {
  if (!id) throw new Error("usage: npm --prefix functions run watch -- <postSubmissionId>");
  process.env.FIRESTORE_EMULATOR_HOST ??= `${LOCAL.firestore.host}:${LOCAL.firestore.port}`;
  const db = getFirestore(getApps()[0] ?? initializeApp({ projectId: LOCAL.projectId }));
  let last = "";
  for (;;) {
    const [sub, runs] = await Promise.all([
      db.doc(`postSubmissions/${id}`).get(),
      db.collection(`postSubmissions/${id}/runs`).get(),
    ]);
    const data = sub.data();
    if (!data) throw new Error(`no submission ${id} in ${process.env.FIRESTORE_EMULATOR_HOST}`);
    const lines = [
      `${id}  ${String(data.status)}  ${JSON.stringify(data.summary)}`,
      ...runs.docs.map((r) => {
        const run = r.data();
        const detail =
          run.status === "succeeded"
            ? String(run.platformPostId)
            : run.error
              ? `${run.error.code}: ${run.error.message}`
              : "";
        return `  ${r.id.padEnd(24)} ${String(run.status).padEnd(11)} attempts=${String(run.attempts)} ${detail}`;
      }),
    ].join("\n");
    if (lines !== last) {
      console.log(`[${new Date().toISOString()}]\n${lines}`);
      last = lines;
    }
    if (isFinalSubmission(data.status as SubmissionStatus)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
