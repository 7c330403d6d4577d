// Each e2e file runs the stack as `npm start` does, with its own embedded Firestore on the
// contract's port. When the whole suite runs in one process, the integration project's global
// setup has exported its own emulator's address into the environment; a stack that used it would
// see what earlier e2e files left there (accounts a docs command connected, say).
delete process.env.FIRESTORE_EMULATOR_HOST;
// The tests' own Firestore clients talk to emulators only: no metadata server to probe (its
// lookup warns behind some proxies).
process.env.METADATA_SERVER_DETECTION ??= "none";
