import { startFirestoreEmulator, type EmbeddedFirestore } from "../../dev/firestore-emulator";

declare global {
  var __postcastFirestore: EmbeddedFirestore | undefined;
}

/**
 * Integration tests run against a Firestore emulator: the one in FIRESTORE_EMULATOR_HOST when set
 * (for instance Google's Java emulator), otherwise the embedded one on a free port. Workers
 * inherit the environment set here.
 */
export default async function globalSetup(): Promise<void> {
  process.env.GCLOUD_PROJECT ??= "demo-postcast";
  if (process.env.FIRESTORE_EMULATOR_HOST) return;
  const emulator = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  globalThis.__postcastFirestore = emulator;
}
