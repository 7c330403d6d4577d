/**
 * Three tiers, picked with --selectProjects:
 * - unit: pure code, no I/O (but the TypeScript client's, against a scripted server on a loopback port).
 * - integration: real stores against a Firestore emulator (the embedded one is started by
 *   the global setup unless FIRESTORE_EMULATOR_HOST already points at one).
 * - e2e: the whole local stack (Functions and Cloud Tasks emulators) started as `npm start` does.
 */
const tsJest = ["ts-jest", { tsconfig: "tsconfig.json" }];
const base = { testEnvironment: "node", transform: { "^.+\\.ts$": tsJest } };

module.exports = {
  reporters: ["default", "<rootDir>/test/setup/summary-reporter.js"],
  testTimeout: 60_000,
  projects: [
    { ...base, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
    {
      ...base,
      displayName: "integration",
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
      globalSetup: "<rootDir>/test/setup/global-setup.ts",
      globalTeardown: "<rootDir>/test/setup/global-teardown.ts",
      setupFiles: ["<rootDir>/test/setup/integration-env.ts"],
      setupFilesAfterEnv: ["<rootDir>/test/setup/openapi-conformance.ts"],
    },
    {
      ...base,
      displayName: "e2e",
      testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
      setupFiles: ["<rootDir>/test/setup/e2e-env.ts"],
    },
  ],
};
