export default async function globalTeardown(): Promise<void> {
  const emulator = globalThis.__postcastFirestore;
  if (!emulator) return;
  await emulator.stop();
  delete process.env.FIRESTORE_EMULATOR_HOST;
}
