import { appendFileSync } from "node:fs";
import { conformance } from "../support/openapi-conformance";

/**
 * Every answer the Harness's app gives is checked against openapi.json (test/support/openapi-conformance.ts):
 * a test whose answers break the spec fails, naming them. OPENAPI_COVERAGE_FILE, when set, collects
 * how many answers and which routes each test file checked.
 */
afterEach(() => {
  const found = conformance.violations.splice(0);
  if (found.length > 0) throw new Error(`Answers that break openapi.json:\n${found.join("\n")}`);
});

afterAll(() => {
  const file = process.env.OPENAPI_COVERAGE_FILE;
  if (!file) return;
  const { checked, unmatched, routes } = conformance;
  appendFileSync(
    file,
    `${JSON.stringify({ file: expect.getState().testPath, checked, unmatched, routes: [...routes] })}\n`,
  );
});
