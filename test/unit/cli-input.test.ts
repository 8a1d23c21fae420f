import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliOutcome, runCli } from '../support/cli';

/**
 * Run the CLI with no servers from the environment (a CI leg names its image there, which would outrank a config
 * file's servers) and the Testcontainers path turned off (an engine may run on this machine).
 */
function cli(args: string[]): Promise<CliOutcome> {
  const env: NodeJS.ProcessEnv = { ...process.env, DBMATRIX_DOCKER: 'off' };
  for (const variable of ['DBMATRIX_POSTGRES_URL', 'DBMATRIX_MYSQL_URL', 'DBMATRIX_POSTGRES_IMAGE', 'DBMATRIX_MYSQL_IMAGE']) delete env[variable];
  return runCli(args, env);
}

/** A sqllogictest fixture that parses. */
const SLT_FIXTURES = join(__dirname, '..', 'fixtures', 'slt', 'directives.test');

/** A TCP server on loopback that accepts connections and never says a word. */
let silent: Server;
let silentPort: number;
const held = new Set<import('node:net').Socket>();
let work: string;
beforeAll(async () => {
  silent = createServer((socket) => held.add(socket));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as AddressInfo).port;
  work = mkdtempSync(join(tmpdir(), 'dbmatrix-cli-'));
  writeFileSync(join(work, 'broken.json'), '{ "profiles": ');
  writeFileSync(join(work, 'v1.json'), '{ "schemaVersion": 1, "cells": [] }');
  writeFileSync(join(work, 'no-images.json'), '{ "images": { "mysql": [] } }');
  writeFileSync(join(work, 'refused.json'), '{ "servers": { "mysql": "mysql://root:hunter2@127.0.0.1:1/test" } }');
  writeFileSync(join(work, 'syntax.config.ts'), "const config = { adapters: ['sqlite']\nexport default config;\n");
  mkdirSync(join(work, 'no-scripts'));
  writeFileSync(join(work, 'no-cause.json'), '{ "known": [{ "file": "a.test", "lines": [1], "engines": ["x"] }] }');
  writeFileSync(join(work, 'throws.config.ts'), "const config = { adapters: ['sqlite'] };\nnotDefinedAnywhere.call();\nexport default config;\n");
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((r) => silent.close(r));
  rmSync(work, { recursive: true, force: true });
});

describe('bad input ends in one clear line, exit code 2, and nothing left behind', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['unknown adapter', () => ['run', '--adapter', 'oracle'], /unknown adapter 'oracle'; valid adapters: sqlite, postgres, mysql/],
    ['unknown workload', () => ['run', '-w', 'insert-everything'], /unknown workload 'insert-everything'; valid workloads: insert-sequential,/],
    ['unknown profile', () => ['run', '-p', 'sqlite-turbo'], /unknown profile 'sqlite-turbo'; valid profiles:/],
    ['unknown profile key', () => ['run', '--set', 'sqlite.journal=WAL'], /unknown sqlite profile key 'journal'; valid keys:/],
    ['workers 0', () => ['run', '--set', 'sqlite.workers=0'], /profile sqlite-wal is invalid: workers: Too small/],
    ['a shard past the count', () => ['run', '--shard', '4/3'], /--shard <i\/n>' argument '4\/3' is invalid\. needs 1 ≤ i ≤ n/],
    ['a shard that is not i/n', () => ['run', '--shard', 'half'], /--shard <i\/n>' argument 'half' is invalid\. takes i\/n, e\.g\. 2\/4/],
    ['negative batch size', () => ['run', '--set', 'sqlite.batchSize=-1'], /batchSize: Too small/],
    [
      'weights summing to 0',
      () => ['run', ...['insert', 'read', 'update', 'delete'].flatMap((k) => ['--set', `crud-mix.crudWeights.${k}=0`])],
      /crud weights must not all be 0/,
    ],
    ['--ops 0', () => ['run', '--ops', '0'], /--ops takes a whole number of at least 1/],
    ['--rate 0', () => ['run', '--rate', '0'], /--rate <ops\/s>' argument '0' is invalid\. --rate takes operations per second, a number above 0/],
    ['--rate abc', () => ['run', '--rate', 'abc'], /--rate <ops\/s>' argument 'abc' is invalid\. --rate takes operations per second/],
    ['a bad duration', () => ['run', '--duration', 'soon'], /duration of at least 100 ms, such as '500ms', '30s', '2m' or '1h' \(a bare number is seconds\)/],
    ['--ops with --duration', () => ['run', '--ops', '5', '--duration', '5s'], /give --ops or --duration, not both/],
    ['an unknown option', () => ['run', '--turbo'], /unknown option '--turbo'/],
    ['a broken config file', () => ['run', '-c', join(work, 'broken.json')], /is not valid JSON/],
    [
      'a malformed URL',
      () => ['run', '-a', 'postgres', '--postgres-url', 'postgres://u:hunter2@[oops/db'],
      /malformed postgres URL .*; fix --postgres-url to a URL such as postgres:\/\/user:password@127.0.0.1:5432\/test$/m,
    ],
    [
      'a URL of the wrong database',
      () => ['run', '-a', 'mysql', '--mysql-url', 'postgres://root@127.0.0.1/test'],
      /has scheme 'postgres:', not mysql: or mariadb:; fix --mysql-url to a URL such as mysql:/,
    ],
    [
      'no server and no Docker',
      () => ['run', '-a', 'postgres'],
      /no postgres server: set DBMATRIX_POSTGRES_URL=postgres:\/\/user:password@host:port\/database or pass --postgres-url, or start a Docker engine/,
    ],
    [
      'a refused postgres',
      () => ['run', '-a', 'postgres', '--postgres-url', 'postgres://u:hunter2@127.0.0.1:1/test'],
      /cannot reach postgres at postgres:\/\/u:\*\*\*@127.0.0.1:1\/test \(.*ECONNREFUSED.*\); start the server or fix --postgres-url$/m,
    ],
    [
      'a refused mysql',
      () => ['run', '-a', 'mysql', '--mysql-url', 'mysql://root:hunter2@127.0.0.1:1/test'],
      /cannot reach mysql at mysql:\/\/root:\*\*\*@127.0.0.1:1\/test \(.*ECONNREFUSED/,
    ],
    [
      'a silent postgres',
      () => ['run', '-a', 'postgres', '--postgres-url', `postgres://u:hunter2@127.0.0.1:${silentPort}/test`],
      /cannot reach postgres at .*:\*\*\*@127.0.0.1:\d+\/test \(.*timeout/i,
    ],
    [
      'a silent mysql',
      () => ['run', '-a', 'mysql', '--mysql-url', `mysql://root:hunter2@127.0.0.1:${silentPort}/test`],
      /cannot reach mysql at .*:\*\*\*@127.0.0.1:\d+\/test \(.*(timeout|ETIMEDOUT)/i,
    ],
    [
      "a refused server from the config file's servers",
      () => ['run', '-a', 'mysql', '-c', join(work, 'refused.json')],
      /cannot reach mysql at mysql:\/\/root:\*\*\*@127.0.0.1:1\/test \(.*\); start the server or fix the config file's servers\.mysql$/m,
    ],
    ['a bad run id', () => ['run', '--run-id', 'Bad Id'], /--run-id 'Bad Id' must be 1 to 16 lower-case letters or digits/],
    ['an unknown list section', () => ['list', 'tables'], /cannot list 'tables'; choose adapters, workloads or profiles/],
    [
      'merge of a missing file',
      () => ['merge', join(work, 'absent.json'), '-o', join(work, 'never.json')],
      /cannot read results file .*absent\.json: ENOENT; check the path/,
    ],
    ['merge without --out', () => ['merge', join(work, 'broken.json')], /required option '-o, --out <file>' not specified/],
    ['report of a broken file', () => ['report', join(work, 'broken.json')], /results file .*broken\.json is not valid JSON/],
    [
      'compare of an older layout',
      () => ['compare', '-b', join(work, 'v1.json'), '-c', join(work, 'v1.json')],
      /v1\.json has results schema version 1; this dbmatrix reads version 2/,
    ],
    [
      'tune given two servers of one adapter',
      () => ['tune', '-a', 'postgres', '--postgres-url', 'postgres://u:hunter2@127.0.0.1:1/a', '--postgres-url', 'postgres://u:hunter2@127.0.0.1:1/b'],
      /dbmatrix tune measures one server per adapter, but postgres was given several in --postgres-url; give one$/m,
    ],
    ['a config file whose image list is empty', () => ['run', '-c', join(work, 'no-images.json')], /images\.mysql/],
    [
      'a TypeScript config file that does not compile',
      () => ['run', '-c', join(work, 'syntax.config.ts')],
      /config file .*syntax\.config\.ts failed to load: .*syntax\.config\.ts:2:1: Expected "\}" but found "export"$/m,
    ],
    [
      'a config file that throws',
      () => ['run', '-c', join(work, 'throws.config.ts')],
      /config file .*throws\.config\.ts failed to load: notDefinedAnywhere is not defined \(at .*throws\.config\.ts:2:1\)$/m,
    ],
    ['tune with a bad budget', () => ['tune', '--budget', 'soon'], /--budget.*duration of at least 100 ms/],
    ['tune with --ops and --duration', () => ['tune', '--ops', '5', '--duration', '1s'], /give --ops or --duration, not both/],
    ['tune of an unknown workload', () => ['tune', '-w', 'everything'], /unknown workload 'everything'/],
    [
      '--slt of a path that does not exist',
      () => ['conformance', '-a', 'sqlite', '--slt', join(work, 'nope.test')],
      /--slt: '.*nope\.test' does not exist; give sqllogictest files or folders of them/,
    ],
    [
      '--slt of a folder without scripts',
      () => ['conformance', '-a', 'sqlite', '--slt', join(work, 'no-scripts')],
      /--slt: the folder '.*no-scripts' holds no \.test files/,
    ],
    [
      'a sqllogictest record dbmatrix cannot run',
      () => ['conformance', '-a', 'sqlite', '--slt', SLT_FIXTURES, '--slt', join(__dirname, '..', 'fixtures', 'slt-bad', 'unknown-record.test')],
      /unknown-record\.test:4: unknown record type 'querry'; this is not a sqllogictest record dbmatrix can run/,
    ],
    [
      '--known that is not JSON',
      () => ['conformance', '-a', 'sqlite', '--slt', SLT_FIXTURES, '--known', join(work, 'broken.json')],
      /--known .*broken\.json: .*; give a JSON file of known differences/,
    ],
    [
      '--known without a cause',
      () => ['conformance', '-a', 'sqlite', '--slt', SLT_FIXTURES, '--known', join(work, 'no-cause.json')],
      /--known .*no-cause\.json: known\.0\.cause: /,
    ],
    [
      '--known without --slt',
      () => ['conformance', '-a', 'sqlite', '--known', join(work, 'no-cause.json')],
      /--known lists known differences of sqllogictest records; give it with --slt/,
    ],
    ['--pin with --slt', () => ['conformance', '-a', 'sqlite', '--slt', SLT_FIXTURES, '--pin'], /leave --pin out with --slt/],
    [
      'compare with a threshold of 2',
      () => ['compare', '-b', 'a', '-c', 'b', '--throughput-threshold', '2'],
      /--throughput-threshold takes a share between 0 and 1/,
    ],
  ];

  test.concurrent.each(cases)('%s', async (_name, args, message) => {
    const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
    const runId = `t${Math.random().toString(36).slice(2, 10)}`;
    const withOut = args()[0] === 'run' ? [...args(), '-o', out, '--run-id', runId] : args()[0] === 'conformance' ? [...args(), '-o', out] : args();
    // A bad run id must stay the one under test.
    const argv = args().includes('--run-id') ? [...args(), '-o', out] : withOut;
    const r = await cli(argv);
    // One assertion on the whole outcome, so a failure shows the exit code and both streams together.
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 2, stderr: expect.stringMatching(message), stdout: '' });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at |hunter2/);
    expect(r.stdout).toBe('');
    expect(r.ms).toBeLessThan(20_000);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(work, 'never.json'))).toBe(false);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`dbmatrix-${runId}-`))).toEqual([]);
  });
});

test('servers come from the command line, else the environment, else the config file; a refused one names where it was given', async () => {
  const refused = (port: number) => `mysql://root:hunter2@127.0.0.1:${port}/test`;
  const withEnv = (args: string[]) => runCli(args, { ...process.env, DBMATRIX_DOCKER: 'off', DBMATRIX_MYSQL_URL: refused(1) });
  // The environment outranks the config file (whose URL would name port 1 too: the message tells them apart).
  const env = await withEnv(['run', '-a', 'mysql', '-c', join(work, 'refused.json'), '-o', join(work, 'never')]);
  expect({ code: env.code, stderr: env.stderr.trim() }).toEqual({ code: 2, stderr: expect.stringMatching(/; start the server or fix DBMATRIX_MYSQL_URL$/) });
  // The command line outranks the environment.
  const flag = await withEnv(['run', '-a', 'mysql', '--mysql-url', refused(2), '-o', join(work, 'never')]);
  expect({ code: flag.code, stderr: flag.stderr.trim() }).toEqual({
    code: 2,
    stderr: expect.stringMatching(/cannot reach mysql at mysql:\/\/root:\*\*\*@127\.0\.0\.1:2\/test .*; start the server or fix --mysql-url$/),
  });
  expect(existsSync(join(work, 'never'))).toBe(false);
});

test('dbmatrix --version prints the version in package.json', async () => {
  const r = await cli(['--version']);
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
});

test('dbmatrix list --json gives the sections as data: every adapter, workload and profile', async () => {
  const all = await cli(['list', '--json']);
  expect(all.code).toBe(0);
  const parsed = JSON.parse(all.stdout) as {
    adapters: { name: string; server: { urlVariable: string } | null }[];
    workloads: { name: string; workers: string }[];
    profiles: { name: string; adapter: string; default: boolean; workers: number }[];
  };
  expect(parsed.adapters.map((a) => [a.name, a.server?.urlVariable ?? null])).toEqual([
    ['sqlite', null],
    ['postgres', 'DBMATRIX_POSTGRES_URL'],
    ['mysql', 'DBMATRIX_MYSQL_URL'],
  ]);
  expect(parsed.workloads.map((w) => w.name)).toContain('hot-row-update');
  expect(parsed.profiles.filter((p) => p.default).map((p) => p.name)).toEqual(['sqlite-wal', 'postgres-default', 'mysql-default']);
  const one = await cli(['list', 'workloads', '--json']);
  expect(Object.keys(JSON.parse(one.stdout))).toEqual(['workloads']);
});

test('dbmatrix list shows every adapter, workload and profile with its values', async () => {
  const r = await cli(['list']);
  expect(r.code).toBe(0);
  for (const name of [
    'sqlite',
    'postgres',
    'mysql',
    'insert-sequential',
    'hot-row-update',
    'sqlite-wal (default)',
    'sqlite-delete',
    'postgres-async-commit',
    'busy_timeout=5000',
  ]) {
    expect(r.stdout).toContain(name);
  }
});
