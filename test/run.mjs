#!/usr/bin/env node
// Runs vitest and ends with one plain "N passed, N failed, N skipped" line that any CI can read.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

mkdirSync('.vitest', { recursive: true });
const report = '.vitest/report.json';
const child = spawn(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => {
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const skipped = r.numPendingTests + r.numTodoTests;
    // A suite that fails outside its tests (a beforeAll, an import) fails no single test: count it too.
    const brokenSuites = r.testResults.filter(
      (f) => f.status === 'failed' && !f.assertionResults.some((t) => t.status === 'failed'),
    ).length;
    process.stdout.write(`\n${r.numPassedTests} passed, ${r.numFailedTests + brokenSuites} failed, ${skipped} skipped\n`);
    if (brokenSuites > 0 && !code) process.exitCode = 1;
    if (r.numTotalTests === 0) process.exitCode = 1;
  } catch {
    process.stdout.write('\n0 passed, 1 failed (no test report was written)\n');
    process.exitCode = 1;
  }
  process.exitCode ||= code ?? (signal ? 1 : 0);
});
