/**
 * firestore.rules tests: need a rules-capable Firestore emulator (Google's), so they are not part
 * of `npm test`. From the repository root, `npm run test:rules` starts one and runs them.
 */
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testMatch: ["<rootDir>/test/rules/**/*.test.ts"],
  testTimeout: 60_000,
};
