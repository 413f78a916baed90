#!/usr/bin/env node
// Prints CI's plain closing line `N passed, N failed[, N skipped]` from vitest's JSON report (or
// the sum over several reports: the SQLite run and the PostgreSQL run).
// A test file that fails to load (import error, syntax error, missing fixture) has no test results
// of its own: vitest marks the suite failed with an empty assertionResults. Each such file counts
// as one failed test, as does a file failed by a hook with no failing test, so a suite that never
// ran can never look green.
'use strict';
const fs = require('node:fs');

const files = process.argv.length > 2 ? process.argv.slice(2) : ['test-results/vitest.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files.flatMap((f) => JSON.parse(fs.readFileSync(f, 'utf8')).testResults ?? [])) {
  let fileFailures = 0;
  for (const test of file.assertionResults ?? []) {
    if (test.status === 'passed') passed += 1;
    else if (test.status === 'failed') fileFailures += 1;
    else skipped += 1;
  }
  // A file that failed with no failing test of its own (it did not load, or a hook threw) is one failure.
  if (file.status === 'failed' && fileFailures === 0) fileFailures = 1;
  failed += fileFailures;
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
if (passed + failed === 0 || failed > 0) process.exitCode = 1;
