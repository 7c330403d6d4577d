import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

/**
 * A firebase-admin Firestore on the emulator for `projectId`. Tests share one emulator; a test
 * whose queries span the whole database (the sweeper's) uses a project of its own.
 */
export function testDb(projectId = "demo-postcast"): Firestore {
  const name = `test-${projectId}`;
  const app = getApps().find((a) => a.name === name) ?? initializeApp({ projectId }, name);
  return getFirestore(app);
}
