// Integration tests must never reach a real project: refuse to run without an emulator.
if (!process.env.FIRESTORE_EMULATOR_HOST) {
  throw new Error("FIRESTORE_EMULATOR_HOST is not set: integration tests need a Firestore emulator");
}
process.env.GCLOUD_PROJECT ??= "demo-postcast";
process.env.GOOGLE_CLOUD_PROJECT ??= "demo-postcast";
