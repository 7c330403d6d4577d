/**
 * Single-document creates per second into one collection that already holds 0, 2,000 and 10,000
 * documents, on the embedded emulator. The unpatched emulator copied the collection's map on every
 * new document, so the rate fell as the collection grew (see docs/development.md, "Local-stack fidelity").
 */
import { randomUUID } from "node:crypto";
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { startFirestoreEmulator } from "../dev/firestore-emulator";
import { fmt, measure } from "./stats";

export async function emulatorWriteCost(log = console.log): Promise<void> {
  const fs = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = fs.host;
  const app =
    getApps().find((a) => a.name === "write-cost") ?? initializeApp({ projectId: "demo-postcast" }, "write-cost");
  const db = getFirestore(app);
  try {
    const col = db.collection(`writeCost-${randomUUID()}`);
    let size = 0;
    log("   docs in collection | creates/s");
    for (const target of [0, 2_000, 10_000]) {
      for (; size < target; size += 500) {
        await Promise.all(Array.from({ length: 500 }, (_, i) => col.doc(`fill-${size + i}`).create({ i })));
      }
      const r = await measure(400, 1, async (i) => {
        await col.doc(`m-${target}-${i}`).create({ i });
      });
      size += 400;
      log(`   ${String(target).padStart(18)} | ${fmt(r.perSecond, 0)}`);
    }
  } finally {
    await db.terminate();
    await fs.stop();
  }
}

if (require.main === module) {
  emulatorWriteCost().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
