/**
 * Prints one plain closing line, "tests: N passed, N failed, N skipped", that tools reading test
 * output (CI) understand without knowing Jest's own summary format; before it, each skipped test
 * by file and name, so no skip is silent (a skipped test's name says why).
 */
const path = require('path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    // One line per block of skipped tests: its file, its title (which says why) and how many.
    const skipped = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults.filter((result) => result.status === 'pending')) {
        const key = `${path.relative(process.cwd(), file.testFilePath)}: ${test.ancestorTitles.join(' › ') || test.title}`;
        skipped.set(key, (skipped.get(key) ?? 0) + 1);
      }
    }
    process.stderr.write(`\n${[...skipped].map(([where, count]) => `skipped ${count}: ${where}\n`).join('')}tests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped\n`);
  }
}

module.exports = SummaryReporter;
