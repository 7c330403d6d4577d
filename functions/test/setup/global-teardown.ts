export default async function globalTeardown(): Promise<void> {
  await globalThis.__postcastAuth?.stop();
  delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
  const emulator = globalThis.__postcastFirestore;
  if (!emulator) return;
  await emulator.stop();
  delete process.env.FIRESTORE_EMULATOR_HOST;
}
