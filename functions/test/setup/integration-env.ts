// Integration tests must never reach a real project: refuse to run without an emulator.
if (!process.env.FIRESTORE_EMULATOR_HOST) {
  throw new Error("FIRESTORE_EMULATOR_HOST is not set: integration tests need a Firestore emulator");
}
process.env.GCLOUD_PROJECT ??= "demo-postcast";
process.env.GOOGLE_CLOUD_PROJECT ??= "demo-postcast";
// The Firestore client asks google-auth-library for the credentials' universe domain even on the
// emulator, which probes the GCE metadata server; where a proxy answers that probe (403 here)
// every test file printed a MetadataLookupWarning. There is no metadata server to find here.
process.env.METADATA_SERVER_DETECTION ??= "none";
