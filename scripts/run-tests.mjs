// Runs the test suite with vitest and ends with one plain summary line, "tests: N passed, N failed",
// read from vitest's JSON report, so any CI can count what ran.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const report = 'test-results.json';
rmSync(report, { force: true });
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });
let summary;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  summary = { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests };
} catch {
  summary = undefined;
}
if (summary) {
  console.log(`tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
} else {
  console.log('tests: no report was written (vitest did not finish)');
}
process.exit(run.status ?? 1);
