/**
 * Prints one plain closing line, "tests: N passed, N failed, N skipped", that tools reading test
 * output (CI) understand without knowing Jest's own summary format.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stderr.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped\n`);
  }
}

module.exports = SummaryReporter;
