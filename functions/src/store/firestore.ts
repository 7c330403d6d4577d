import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

let db: Firestore | undefined;

/**
 * The default app's Firestore, created on first use so that importing a module costs nothing at
 * cold start. Under the emulators, FIRESTORE_EMULATOR_HOST routes it to the emulator.
 */
export function getDb(): Firestore {
  if (!db) {
    const app = getApps()[0] ?? initializeApp();
    db = getFirestore(app);
  }
  return db;
}
