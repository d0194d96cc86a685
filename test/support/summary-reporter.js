// Writes jest's totals to a JSON file so scripts/test.sh can add the client's and print one closing line,
// with each test's outcome and each file's duration (scripts/test-repeat.sh counts failures per test across
// runs; the closing summary names the slowest files).
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const out = process.env.IDM_TEST_SUMMARY || path.join(__dirname, '..', '..', '.local', 'test-summary-jest.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const files = [];
    const tests = [];
    for (const file of results.testResults) {
      const rel = path.relative(this.rootDir, file.testFilePath);
      const seconds = file.perfStats ? (file.perfStats.end - file.perfStats.start) / 1000 : 0;
      // A file that failed to run at all (syntax error, failing beforeAll with no test) has no test results.
      files.push({ file: rel, seconds, error: file.testExecError ? String(file.testExecError.message ?? file.testExecError) : undefined });
      if (file.testExecError && !file.testResults.length) tests.push({ file: rel, name: '(the file did not run)', status: 'failed', failure: String(file.testExecError.message ?? file.testExecError) });
      for (const t of file.testResults) {
        const entry = { file: rel, name: t.fullName, status: t.status, seconds: (t.duration ?? 0) / 1000 };
        // What failed and how (the closing summary prints its head): a flake is named by the log's last lines.
        if (t.status === 'failed') entry.failure = t.failureMessages.join('\n').slice(0, 4000);
        tests.push(entry);
      }
    }
    fs.writeFileSync(out, JSON.stringify({
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      files,
      tests,
    }));
  }
}
module.exports = SummaryReporter;
