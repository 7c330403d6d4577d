import { startAuthEmulator, type RunningAuthEmulator } from "../../dev/auth-emulator";
import { startFirestoreEmulator, type EmbeddedFirestore } from "../../dev/firestore-emulator";

declare global {
  var __postcastFirestore: EmbeddedFirestore | undefined;
  var __postcastAuth: RunningAuthEmulator | undefined;
}

/**
 * Integration tests run against the Auth emulator and a Firestore emulator: the one in FIRESTORE_EMULATOR_HOST when set
 * (for instance Google's Java emulator), otherwise the embedded one on a free port. Workers
 * inherit the environment set here.
 */
export default async function globalSetup(): Promise<void> {
  process.env.GCLOUD_PROJECT ??= "demo-postcast";
  // Key management verifies real ID tokens: firebase-tools' Auth emulator, unless one is given.
  if (!process.env.FIREBASE_AUTH_EMULATOR_HOST) {
    globalThis.__postcastAuth = await startAuthEmulator();
    process.env.FIREBASE_AUTH_EMULATOR_HOST = globalThis.__postcastAuth.host;
  }
  if (process.env.FIRESTORE_EMULATOR_HOST) return;
  const emulator = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  globalThis.__postcastFirestore = emulator;
}
