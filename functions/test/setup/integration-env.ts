// Integration tests must never reach a real project: refuse to run without an emulator.
if (!process.env.FIRESTORE_EMULATOR_HOST) {
  throw new Error("FIRESTORE_EMULATOR_HOST is not set: integration tests need a Firestore emulator");
}
process.env.GCLOUD_PROJECT ??= "demo-postcast";
process.env.GOOGLE_CLOUD_PROJECT ??= "demo-postcast";
// Key management verifies Firebase ID tokens with the Admin SDK in emulator mode, which accepts the
// Auth emulator's unsigned tokens without calling it (the harness does not check revocation; the
// e2e test does, against the real Auth emulator).
process.env.FIREBASE_AUTH_EMULATOR_HOST ??= "127.0.0.1:9099";
