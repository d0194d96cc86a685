// Adds up jest's and vitest's totals and prints the closing line CI reads: `N passed, N failed[, N skipped]`.
// Exits 1 when a suite produced no summary (it crashed) or anything failed.
const fs = require('node:fs');
const path = require('node:path');

// Arguments: jest summaries (written by test/support/summary-reporter.js), then vitest's JSON report last.
const files = process.argv.slice(2);
const vitestFile = files.pop();
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    missing += 1;
    return null;
  }
}

/** The first lines of a failure message (the assertion, expected and received), without colours or stack. */
function failureHead(text) {
  const lines = String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trimEnd());
  return lines.filter((l) => l.trim() && !/^\s*at /.test(l)).slice(0, 6).map((l) => (l.length > 200 ? `${l.slice(0, 199)}…` : l));
}

const timed = [];
const failures = [];
for (const file of files) {
  const jest = read(file);
  if (!jest) continue;
  passed += jest.passed;
  failed += jest.failed;
  skipped += jest.skipped;
  timed.push(...(jest.files ?? []));
  for (const t of jest.tests ?? []) if (t.status === 'failed') failures.push({ where: `${t.file} › ${t.name}`, message: t.failure });
}
// The slowest files, so a suite creeping towards CI's time limit shows where the time goes.
if (timed.length) {
  console.log('slowest test files (jest, seconds):');
  for (const f of timed.sort((a, b) => b.seconds - a.seconds).slice(0, 8)) console.log(`  ${f.seconds.toFixed(1).padStart(6)}  ${f.file}`);
}
const vitest = read(vitestFile);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests + (vitest.numFailedTestSuites && !vitest.numFailedTests ? vitest.numFailedTestSuites : 0);
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  for (const f of vitest.testResults ?? []) {
    for (const t of f.assertionResults ?? []) {
      if (t.status === 'failed') failures.push({ where: `client/${path.relative(path.join(__dirname, '..', 'client'), f.name)} › ${t.fullName}`, message: (t.failureMessages ?? []).join('\n') });
    }
  }
}
// Every failed test with the head of its message, just above the closing line: a flake in a long CI log is
// named (which test, what it expected, what it got) even when only the log's end is kept.
if (failures.length) {
  console.log('failed tests:');
  for (const f of failures) {
    console.log(`  ${f.where}`);
    for (const line of failureHead(f.message)) console.log(`      ${line}`);
  }
}
failed += missing; // a runner that wrote no summary crashed: count it as a failure, never as a pass

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
