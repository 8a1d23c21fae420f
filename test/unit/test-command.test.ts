import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { CLI, type CliOutcome } from '../support/cli';

/** Run `dbmatrix <args>` in a folder, as a user's `npm test` does in their project. */
function cliIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliOutcome> {
  const started = Date.now();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('DBMATRIX_TEST_ADAPTERS' in env)) delete childEnv.DBMATRIX_TEST_ADAPTERS;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** A user's project: one test file that checks the adapters it was given, and this project's node_modules (so its jest). */
let project: string;
/** A folder with no jest anywhere above it. */
let bare: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'dbmatrix-user-project-'));
  symlinkSync(join(__dirname, '..', '..', 'node_modules'), join(project, 'node_modules'), 'dir');
  writeFileSync(join(project, 'package.json'), '{ "name": "user-project", "private": true, "scripts": { "test": "dbmatrix test" } }\n');
  writeFileSync(
    join(project, 'adapters.test.js'),
    "test('sees the chosen adapters', () => expect(process.env.DBMATRIX_TEST_ADAPTERS).toBe(process.env.EXPECTED));\n",
  );
  // An ES module file that Jest's default pattern leaves alone (.mjs) and Vitest's takes.
  writeFileSync(
    join(project, 'chosen.spec.mjs'),
    "import { expect, test } from 'vitest';\ntest('sees the chosen adapters', () => expect(process.env.DBMATRIX_TEST_ADAPTERS).toBe(process.env.EXPECTED));\n",
  );
  bare = mkdtempSync(join(tmpdir(), 'dbmatrix-no-jest-'));
});
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(bare, { recursive: true, force: true });
});

describe('dbmatrix test: bad input ends in one line and exit code 2, before jest starts', () => {
  const cases: [string, () => [string, string[], NodeJS.ProcessEnv], RegExp][] = [
    ['an unknown adapter', () => [project, ['test', '--adapter=oracle'], {}], /^dbmatrix: unknown adapter 'oracle'; valid adapters: sqlite, postgres, mysql$/],
    [
      'one unknown among known ones',
      () => [project, ['test', '--adapters', 'sqlite,pg'], {}],
      /^dbmatrix: unknown adapter 'pg'; valid adapters: sqlite, postgres, mysql$/,
    ],
    ['an empty list', () => [project, ['test', '--adapter='], {}], /^dbmatrix: no adapter given; valid adapters: sqlite, postgres, mysql$/],
    [
      'a bad DBMATRIX_TEST_ADAPTERS',
      () => [project, ['test'], { DBMATRIX_TEST_ADAPTERS: 'oracle' }],
      /^dbmatrix: DBMATRIX_TEST_ADAPTERS=oracle: unknown adapter 'oracle'; valid adapters: sqlite, postgres, mysql$/,
    ],
    [
      'no test runner in the project',
      () => [bare, ['test', '--adapter=sqlite'], {}],
      /^dbmatrix: neither jest nor vitest is installed in .*dbmatrix-no-jest-\w+; install it with `npm install --save-dev jest` \(or vitest\)$/,
    ],
    [
      'no vitest in the project when asked for',
      () => [bare, ['test', '--runner=vitest'], {}],
      /^dbmatrix: vitest is not installed in .*dbmatrix-no-jest-\w+; install it with `npm install --save-dev vitest`$/,
    ],
    [
      'a runner it does not know',
      () => [project, ['test', '--runner', 'mocha'], {}],
      /^dbmatrix: --runner mocha: dbmatrix test runs jest or vitest; give one of them$/,
    ],
  ];

  test.concurrent.each(cases)('%s', async (_name, given, message) => {
    const [cwd, args, env] = given();
    const r = await cliIn(cwd, args, env);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

// The adapters here need no server (a server adapter's would be resolved before jest starts; see below).
test('dbmatrix test hands jest the chosen adapters and the other arguments, and exits with jest’s code', async () => {
  const passing = await cliIn(project, ['test', '--adapter=sqlite', '--ci', 'adapters.test.js'], { EXPECTED: 'sqlite' });
  expect({ code: passing.code, tail: passing.stderr.match(/Tests:.*/)?.[0] }).toEqual({ code: 0, tail: 'Tests:       1 passed, 1 total' });

  // --adapter after jest's arguments is still ours; the test fails, and jest's exit code 1 comes back.
  const failing = await cliIn(project, ['test', '--ci', 'adapters.test.js', '--adapter', 'sqlite'], { EXPECTED: 'postgres' });
  expect({ code: failing.code, tail: failing.stderr.match(/Tests:.*/)?.[0] }).toEqual({ code: 1, tail: 'Tests:       1 failed, 1 total' });

  // After `--` everything is jest's, verbatim: jest rejects `--adapter mysql` (its `--adapter=mysql` it would silently ignore).
  const rejected = await cliIn(project, ['test', '--', '--adapter', 'mysql'], { DBMATRIX_TEST_ADAPTERS: 'sqlite' });
  expect(rejected.code).toBe(1);
  expect(rejected.stderr).toContain('Unrecognized option "adapter"');
});

test('dbmatrix test --runner=vitest runs vitest once (not watching) with the chosen adapters, and exits with its code', async () => {
  const passing = await cliIn(project, ['test', '--runner=vitest', '--adapter=sqlite', 'chosen'], { EXPECTED: 'sqlite', CI: '' });
  expect({ code: passing.code, tail: stripVTControlCharacters(passing.stdout).match(/Tests {2}.*/)?.[0] }).toEqual({
    code: 0,
    tail: expect.stringMatching(/^Tests {2}1 passed \(1\)/),
  });
  const failing = await cliIn(project, ['test', '--runner=vitest', '--adapter=sqlite', 'chosen'], { EXPECTED: 'postgres', CI: '' });
  expect({ code: failing.code, tail: stripVTControlCharacters(failing.stdout).match(/Tests {2}.*/)?.[0] }).toEqual({
    code: 1,
    tail: expect.stringMatching(/^Tests {2}1 failed \(1\)/),
  });
});

describe('dbmatrix test: an adapter with no server to be had', () => {
  // No URL anywhere and the Testcontainers path off: the server adapter has nothing to run against.
  const noServer = { DBMATRIX_DOCKER: 'off', DBMATRIX_POSTGRES_URL: '', DBMATRIX_POSTGRES_IMAGE: '', EXPECTED: 'sqlite' };

  test('is reported once and left out of the run on a developer machine', async () => {
    const r = await cliIn(project, ['test', '--adapter=sqlite,postgres', '--ci', 'adapters.test.js'], { ...noServer, CI: '' });
    expect({ code: r.code, tail: r.stderr.match(/Tests:.*/)?.[0] }).toEqual({ code: 0, tail: 'Tests:       1 passed, 1 total' });
    expect(r.stderr.match(/^dbmatrix test: .*$/gm)).toEqual([
      'dbmatrix test: no postgres server: set DBMATRIX_POSTGRES_URL=postgres://user:password@host:port/database or pass --postgres-url, or start a Docker engine so Testcontainers can run one; its tests are left out of this run (under CI this fails)',
    ]);
  });

  test('fails the run under CI, before jest starts', async () => {
    const r = await cliIn(project, ['test', '--adapter=sqlite,postgres', '--ci', 'adapters.test.js'], { ...noServer, CI: 'true' });
    expect({ code: r.code, stderr: r.stderr.trim(), stdout: r.stdout }).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^dbmatrix: no postgres server: set DBMATRIX_POSTGRES_URL=/),
      stdout: '',
    });
    expect(r.stderr).not.toContain('Tests:');
  });
});
