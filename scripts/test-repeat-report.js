// Reads the runs kept by scripts/test-repeat.sh and prints each run's closing line and time, then every test
// that failed in any run with how many runs failed it. Exits 1 when any run failed.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const runs = fs.readdirSync(dir).filter((d) => /^run-\d+$/.test(d)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
const failures = new Map(); // "file › test" -> runs that failed it
const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

console.log(`\n${runs.length} run(s) in ${dir}`);
let bad = 0;
for (const run of runs) {
  const at = path.join(dir, run);
  const log = fs.existsSync(path.join(at, 'test.log')) ? fs.readFileSync(path.join(at, 'test.log'), 'utf8').trim().split('\n') : [];
  const rc = fs.existsSync(path.join(at, 'rc')) ? fs.readFileSync(path.join(at, 'rc'), 'utf8').trim() : '?';
  const seconds = fs.existsSync(path.join(at, 'seconds')) ? fs.readFileSync(path.join(at, 'seconds'), 'utf8').trim() : '?';
  if (rc !== '0') bad += 1;
  console.log(`  ${run}: ${log[log.length - 1] ?? '(no output)'}  (exit ${rc}, ${seconds} s)`);
  const failedHere = new Set();
  for (const t of readJson(path.join(at, 'test-summary-jest.json'))?.tests ?? []) {
    if (t.status === 'failed') failedHere.add(`${t.file} › ${t.name}`);
  }
  for (const file of readJson(path.join(at, 'test-summary-client.json'))?.testResults ?? []) {
    const rel = path.relative(path.resolve(__dirname, '..'), file.name);
    for (const t of file.assertionResults ?? []) if (t.status === 'failed') failedHere.add(`${rel} › ${t.fullName}`);
    if (file.status === 'failed' && !(file.assertionResults ?? []).length) failedHere.add(`${rel} › (the file did not run)`);
  }
  if (rc !== '0' && !failedHere.size) failedHere.add('(the run failed before or outside the tests: see its test.log)');
  for (const name of failedHere) failures.set(name, (failures.get(name) ?? 0) + 1);
}

if (!failures.size) console.log('\nno test failed in any run');
else {
  console.log('\nfailed tests (runs failed / runs):');
  for (const [name, n] of [...failures].sort((a, b) => b[1] - a[1])) console.log(`  ${n}/${runs.length}  ${name}`);
}
process.exit(bad ? 1 : 0);
