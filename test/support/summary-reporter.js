// Writes jest's totals to a JSON file so scripts/test.sh can add the client's and print one closing line.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const out = process.env.IDM_TEST_SUMMARY || path.join(__dirname, '..', '..', '.local', 'test-summary-jest.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    }));
  }
}
module.exports = SummaryReporter;
