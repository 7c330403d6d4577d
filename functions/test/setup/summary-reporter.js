/** Prints one plain closing line that any CI can read: "Tests: N passed, N failed, N skipped". */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const suitesFailed = results.numFailedTestSuites;
    const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites || 0);
    console.log(`\nTests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped`);
    if (suitesFailed > 0 && failed === 0) console.log(`(${suitesFailed} test suites failed to run)`);
  }
}
module.exports = SummaryReporter;
