#!/usr/bin/env node
// `npm test [-- --adapter=postgres[,mysql]] [--suite-only] [jest options]`: type-check, the unit tests, then the
// workload suite for the chosen adapters (all by default), then the report tests on real runs of those adapters
// (--suite-only runs the workload suite alone). Ends with one line `N passed, N failed, N skipped`.
require('tsx/cjs');
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseAdapterList } = require('../matrix/profiles');
const { UserError } = require('../matrix/user-error');

const root = join(__dirname, '..');
const args = process.argv.slice(2);
const passThrough = [];
let adapterText;
let suiteOnly = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--adapter' || a === '--adapters') adapterText = args[++i] ?? '';
  else if (a.startsWith('--adapter=') || a.startsWith('--adapters=')) adapterText = a.slice(a.indexOf('=') + 1);
  else if (a === '--suite-only') suiteOnly = true;
  else passThrough.push(a);
}

let adapters;
try {
  adapters = adapterText === undefined ? ['sqlite', 'postgres', 'mysql'] : parseAdapterList(adapterText);
} catch (err) {
  if (!(err instanceof UserError)) throw err;
  process.stderr.write(`dbmatrix test: ${err.message}\n`);
  process.exit(2);
}

const jest = require.resolve('jest/bin/jest');
const reports = mkdtempSync(join(tmpdir(), 'dbmatrix-jest-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

function step(title, command, argv, env = {}) {
  process.stderr.write(`\n== ${title}\n`);
  const r = spawnSync(command, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function jestStep(title, project, extra, env) {
  const out = join(reports, `${project}.json`);
  const passed = step(title, process.execPath, [jest, `--selectProjects=${project}`, '--json', `--outputFile=${out}`, ...extra, ...passThrough], env);
  let counts;
  try {
    const json = JSON.parse(readFileSync(out, 'utf8'));
    counts = { passed: json.numPassedTests, failed: json.numFailedTests + json.numRuntimeErrorTestSuites, skipped: json.numPendingTests + json.numTodoTests, total: json.numTotalTests };
  } catch {
    counts = { passed: 0, failed: 1, skipped: 0, total: 0 };
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  if (!passed) ok = false;
  // In CI a skipped or empty suite hides a missing server: that is a failure, not a pass.
  if (process.env.CI && (counts.skipped > 0 || counts.total === 0)) {
    process.stderr.write(`dbmatrix test: ${project} tests skipped ${counts.skipped} of ${counts.total}; in CI every selected test must run\n`);
    ok = false;
  }
}

if (!suiteOnly) {
  if (!step('type-check', process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', root])) {
    ok = false;
    totals.failed += 1;
  }
  jestStep('unit tests', 'unit', []);
}
jestStep(`workload suite: ${adapters.join(', ')}`, 'suite', [`--testPathPatterns=test/suite/(${adapters.join('|')})\\.test\\.ts$`], {
  DBMATRIX_TEST_ADAPTERS: adapters.join(','),
});
if (!suiteOnly) {
  jestStep(`reports: ${adapters.join(', ')}`, 'reports', [], { DBMATRIX_TEST_ADAPTERS: adapters.join(',') });
}
rmSync(reports, { recursive: true, force: true });
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
