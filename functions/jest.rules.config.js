/**
 * Tests that need Google's Firestore emulator (Java), run by `npm run test:rules` (and `npm test`)
 * through dev/with-google-firestore.ts, which starts it and sets FIRESTORE_EMULATOR_HOST:
 * - rules: firestore.rules, which only Google's emulator evaluates.
 * - fidelity: test/integration/emulator-fidelity.test.ts a second time (the integration project runs
 *   it on the embedded Node emulator), so each behaviour patched into that emulator is shown to be
 *   Google's too.
 * The two files run side by side (--maxWorkers=2): the fidelity one mostly waits on Google's
 * emulator, which settles contended transactions by lock timeouts.
 */
const tsJest = ["ts-jest", { tsconfig: "tsconfig.json" }];
const base = { testEnvironment: "node", transform: { "^.+\\.ts$": tsJest } };

module.exports = {
  reporters: ["default", ["<rootDir>/test/setup/summary-reporter.js", { label: "on Google's Firestore emulator" }]],
  testTimeout: 60_000,
  projects: [
    { ...base, displayName: "rules", testMatch: ["<rootDir>/test/rules/**/*.test.ts"] },
    {
      ...base,
      displayName: "fidelity (Google's emulator)",
      testMatch: ["<rootDir>/test/integration/emulator-fidelity.test.ts"],
      setupFiles: ["<rootDir>/test/setup/integration-env.ts"],
    },
  ],
};
