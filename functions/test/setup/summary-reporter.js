/**
 * Prints one plain closing line that any CI can read: "Tests: N passed, N failed, N skipped"
 * ("Tests <label>: …" for a run given a label, such as the one on Google's emulator).
 */
class SummaryReporter {
  constructor(_globalConfig, options = {}) {
    this.prefix = options.label ? `Tests ${options.label}` : "Tests";
  }

  onRunComplete(_contexts, results) {
    const suitesFailed = results.numFailedTestSuites;
    const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites || 0);
    console.log(
      `\n${this.prefix}: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped`,
    );
    if (suitesFailed > 0 && failed === 0) console.log(`(${suitesFailed} test suites failed to run)`);
  }
}
module.exports = SummaryReporter;
