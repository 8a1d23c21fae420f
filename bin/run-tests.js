#!/usr/bin/env node
// `npm test [-- --adapter=postgres[,mysql]] [--suite-only] [jest options]`: the type-check, Biome, the unit tests, the workload
// suite for the chosen adapters (all by default) and the report tests on real runs of those adapters, in one jest run
// beside the type-check and Biome (--suite-only runs the workload suite alone). Ends with one line `N passed, N failed, N skipped`.
require('tsx/cjs');
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { ADAPTER_NAMES } = require('../adapters/registry');
const { parseAdapterList } = require('../config/profiles');
const { UserError } = require('../model/user-error');

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
  adapters = adapterText === undefined ? [...ADAPTER_NAMES] : parseAdapterList(adapterText);
} catch (err) {
  if (!(err instanceof UserError)) throw err;
  process.stderr.write(`dbmatrix test: ${err.message}\n`);
  process.exit(2);
}

const jest = require.resolve('jest/bin/jest');
const reports = mkdtempSync(join(tmpdir(), 'dbmatrix-jest-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

/**
 * The type-check and the formatter and linter (Biome) run beside the tests, each in a child of its own: they need a core
 * for seconds, the tests mostly wait on databases. Their output is held back and printed after the tests', so nothing
 * interleaves.
 */
function startCheck(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ passed: code === 0, output }));
  });
}

/** The checks that need no database: name and command line. */
const CHECKS = [
  ['type-check', [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', root]],
  // Formatting and lint errors; warnings are listed by `npx biome lint .` but fail nothing.
  ['format and lint', [require.resolve('@biomejs/biome/bin/biome'), 'ci', '--colors=off', '--diagnostic-level=error', root]],
  // Imports point down the layers of .dependency-cruiser.cjs (contracts, model, databases, engine, reports, surfaces), no cycles.
  ['import directions', [join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', '.']],
];

/** One jest run over some projects, `workers` test files at a time. */
function runJest(projects, pattern, workers, env) {
  const out = join(reports, `${projects.join('-')}.json`);
  process.stderr.write(`\n== jest: ${projects.join(', ')} (${adapters.join(', ')}), ${workers} test files at a time\n`);
  const r = spawnSync(
    process.execPath,
    [
      jest,
      ...projects.map((p) => `--selectProjects=${p}`),
      `--testPathPatterns=${pattern}`,
      `--maxWorkers=${workers}`,
      '--json',
      `--outputFile=${out}`,
      ...passThrough,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  let counts;
  try {
    const json = JSON.parse(readFileSync(out, 'utf8'));
    counts = {
      passed: json.numPassedTests,
      failed: json.numFailedTests + json.numRuntimeErrorTestSuites,
      skipped: json.numPendingTests + json.numTodoTests,
      total: json.numTotalTests,
    };
  } catch {
    counts = { passed: 0, failed: 1, skipped: 0, total: 0 };
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  if (r.status !== 0) ok = false;
  // In CI a skipped or empty suite hides a missing server: that is a failure, not a pass.
  if (process.env.CI && (counts.skipped > 0 || counts.total === 0)) {
    process.stderr.write(`dbmatrix test: ${counts.skipped} of ${counts.total} tests skipped; in CI every selected test must run\n`);
    ok = false;
  }
}

async function main() {
  const checks = suiteOnly ? [] : CHECKS.map(([name, args]) => ({ name, result: startCheck(args) }));
  // One file per adapter, plus dbmatrix/jest's own test, which declares tests for the selected adapters only.
  const suiteFiles = `test/suite/(${adapters.join('|')}|test-helper|test-helper-project)\\.test\\.ts$`;
  const env = { DBMATRIX_TEST_ADAPTERS: adapters.join(',') };
  // The unit tests and the workload suite run two files at a time: on two cores that is faster than one at a time,
  // since most of a database test waits for the database. The report tests then run alone: their diagnoses and
  // regression verdicts read the machine's load and the servers' counters, which a test beside them would distort.
  // --suite-only (the Testcontainers pass) runs its files one at a time: containers on this machine leave no CPU for two.
  const workers = process.env.DBMATRIX_TEST_WORKERS ?? (suiteOnly ? '1' : '2');
  runJest(suiteOnly ? ['suite'] : ['unit', 'suite', 'package'], suiteOnly ? suiteFiles : `(test/unit/|test/package/|${suiteFiles})`, workers, env);
  if (!suiteOnly) runJest(['reports'], 'test/reports/', '1', env);
  for (const check of checks) {
    const { passed, output } = await check.result;
    process.stderr.write(`\n== ${check.name}: ${passed ? 'passed' : 'FAILED'}\n${passed ? '' : output}`);
    if (!passed) {
      ok = false;
      totals.failed += 1;
    }
  }
  rmSync(reports, { recursive: true, force: true });
  process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exit(ok && totals.failed === 0 ? 0 : 1);
}

void main();
