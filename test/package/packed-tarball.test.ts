import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import type { RunResults } from '../../model/results-schema';
import { selectedAdapters } from '../support/selection';

// The package as a user gets it: `npm pack`, installed into a new project outside this checkout, with a workload, an
// SQL script, a config file and a Jest test written there, run on every selected adapter through the package's own CLI.

const ROOT = join(__dirname, '..', '..');
const adapters = selectedAdapters();
/** The driver package of each adapter, which the project installs itself. */
const DRIVERS = Object.fromEntries(adapters.map((a) => [a, adapterFor(a).client])) as Record<AdapterName, string>;
const work = mkdtempSync(join(tmpdir(), 'dbmatrix-pack-'));
const project = join(work, 'project');

const esmProject = join(work, 'project-esm');
const bareProject = join(work, 'project-bare');
/** test/fixtures/knex-project: a knexfile, migrations, seeds, a repository module, and its tests under Jest and Vitest. */
const knexProject = join(work, 'knex-project');
/** Installed with legacy-peer-deps (as many projects' .npmrc asks): npm then leaves the peer dependencies, knex too, to the project. */
const noKnexProject = join(work, 'project-no-knex');
/** knex and the drivers, and no container modules. */
const noContainersProject = join(work, 'project-no-containers');

/**
 * What a user's project brings itself, since dbmatrix takes them as peer dependencies: knex and the pure-JavaScript
 * drivers, installed from the registry (at this checkout's versions, so npm's cache serves them); better-sqlite3 and the
 * container modules placed from this checkout once npm is done (compiling better-sqlite3 again takes minutes on two
 * cores, and npm 11 fails on a file: link that is also a peer: "Cannot read properties of null (reading 'matches')");
 * the test runner linked.
 */
const OWN = ['knex', 'pg', 'mysql2'];
const PLACED = ['better-sqlite3', 'testcontainers', '@testcontainers/postgresql', '@testcontainers/mysql', 'vitest'];
const LINKED = { devDependencies: ['jest', 'typescript', '@types/node'] };

/** A package at the version this checkout has installed. */
const installedVersion = (name: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** An ES module project's check: the API and the helper imported by name, a run on every selected adapter. */
const ESM_CHECK = `import { run, defineConfig } from 'dbmatrix';
import { describeEachAdapter, selectedAdapters } from 'dbmatrix/jest';

if (typeof describeEachAdapter !== 'function' || typeof defineConfig !== 'function') throw new Error('named imports missing');
const adapters = selectedAdapters();
const servers = Object.fromEntries(adapters.flatMap((a) => (process.env['DBMATRIX_' + a.toUpperCase() + '_URL'] ? [[a, process.env['DBMATRIX_' + a.toUpperCase() + '_URL']]] : [])));
const { results } = await run({ adapters, workloads: ['read-point'], ops: 100, servers, outDir: 'out' });
console.log(JSON.stringify(results.cells.map((c) => [c.cell.adapter, c.state, c.state === 'completed' && c.verification.ok])));
`;

/** The ES module project's own test, under Vitest: a .js file is an ES module there. */
const ESM_VITEST_TEST = `import { describeEachAdapter } from 'dbmatrix/vitest';
import { expect, test } from 'vitest';

describeEachAdapter('orders', (db) => {
  test('an order written is read back', async () => {
    await db.knex.schema.createTable('orders', (t) => {
      t.integer('id').primary();
      t.string('customer').notNullable();
    });
    await db.knex('orders').insert({ id: 1, customer: 'ada' });
    expect(await db.knex('orders').where({ id: 1 }).first()).toMatchObject({ customer: 'ada' });
  });
});
`;

const WORKLOAD = `import { defineWorkload, emptyVerification, finishVerification, keyChooser, statement } from 'dbmatrix';

const ROWS = 50;

/** Counters bumped at random; the sum must equal the acknowledged bumps. */
export default defineWorkload<{ table: string }, { bumps: number; failed: number }>({
  name: 'counter-bumps',
  measures: 'one UPDATE per operation on ${'${ROWS}'} counters, keys by the profile key distribution',
  verifies: 'the counters add up to the acknowledged bumps',
  concurrency: 'profile',
  writes: 'every-operation',
  preparable: true,
  async setup(ctx) {
    const table = ctx.table('counters');
    await ctx.createTable(table, (t) => {
      t.integer('id').primary();
      t.integer('n').notNullable();
    });
    await ctx.knex(table).insert(Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, n: 0 })));
    return { table };
  },
  worker(ctx, state) {
    const ledger = { bumps: 0, failed: 0 };
    const next = keyChooser(ctx.profile.keyDistribution, ROWS);
    const bump = statement(1, (db, [id]) => db(state.table).where({ id }).increment('n', 1));
    return {
      async op() {
        try {
          await ctx.statements.run(bump, [next()]);
          ledger.bumps++;
        } catch (err) {
          ledger.failed++;
          throw err;
        }
      },
      ledger: () => ledger,
    };
  },
  async verify(ctx, state, ledgers) {
    const v = emptyVerification();
    v.acknowledged = ledgers.reduce((n, l) => n + l.bumps, 0);
    v.failed = ledgers.reduce((n, l) => n + l.failed, 0);
    const [{ total }] = (await ctx.knex(state.table).sum({ total: 'n' })) as { total: number | string }[];
    if (Number(total) !== v.acknowledged) v.mismatched = Math.abs(Number(total) - v.acknowledged);
    return finishVerification(v, 'counters');
  },
});
`;

const SCRIPT = `name: hot-items
tables:
  items: CREATE TABLE {{items}} (id INTEGER PRIMARY KEY, hits INTEGER NOT NULL)
load:
  rows: 500
  sql: INSERT INTO {{items}} (id, hits) VALUES (:id, 0)
params:
  id: { sequence: { start: 1 } }
  hot: { zipfian: { min: 1, max: 500 } }
statements:
  - name: hit
    weight: 3
    sql: UPDATE {{items}} SET hits = hits + 1 WHERE id = :hot
  - name: look
    weight: 1
    expectRows: 1
    sql: SELECT hits FROM {{items}} WHERE id = :hot
verify:
  - sql: SELECT SUM(hits) AS n FROM {{items}}
    equals: hit
  - sql: SELECT COUNT(*) AS n FROM {{items}}
    equals: load
`;

const CONFIG = `import { defineConfig } from 'dbmatrix';

export default defineConfig({
  adapters: ${JSON.stringify(adapters)},
  workloads: ['read-point', './workloads/counter.ts', './workloads/hot-items.yaml'],
  ops: 200,
  set: { 'sqlite.workers': 2, 'postgres.workers': 4, 'mysql.workers': 4 },
});
`;

const JEST_TEST = `const { describeEachAdapter } = require('dbmatrix/jest');

describeEachAdapter('orders', (db) => {
  beforeAll(async () => {
    await db.knex.schema.createTable('orders', (t) => {
      t.integer('id').primary();
      t.string('customer').notNullable();
    });
  });

  test('an order written is read back', async () => {
    await db.knex('orders').insert({ id: 1, customer: 'ada' });
    expect(await db.knex('orders').where({ id: 1 }).first()).toMatchObject({ customer: 'ada' });
  });

  test("the project's dbmatrix.config.ts reached the helper", () => {
    expect(db.profile.workers).toBe(db.adapter === 'sqlite' ? 2 : 4);
  });

  test('the table holds only what this block wrote', async () => {
    const [{ n }] = await db.knex('orders').count({ n: '*' });
    expect(Number(n)).toBe(1);
  });
});
`;

const SECOND_FILE = `const { describeEachAdapter } = require('dbmatrix/jest');

for (const name of ['customers', 'invoices']) {
  describeEachAdapter(name, (db) => {
    test('reaches the server dbmatrix test resolved for the whole run', async () => {
      const handed = JSON.parse(process.env.DBMATRIX_TEST_SERVERS);
      expect(db.adapter === 'sqlite' ? [] : handed[db.adapter]).toHaveLength(db.adapter === 'sqlite' ? 0 : 1);
      await db.knex.schema.createTable(name, (t) => t.integer('id').primary());
      expect(await db.knex(name).count({ n: '*' })).toEqual([{ n: expect.anything() }]);
    });
  });
}
`;

/** Run a command in the project (or another folder); its output is kept for the failure message. */
function inProject(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = project): { status: number | null; output: string } {
  const r = spawnSync(command, args, { cwd, env: { ...process.env, ...env, CI: '' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** The server adapters selected, and whether the suite's servers come from containers (then a project gets no URL and starts its own). */
function serverSetting(): { servers: AdapterName[]; containers: boolean; env: NodeJS.ProcessEnv } {
  const servers = adapters.filter((a) => a !== 'sqlite');
  const containers = servers.some((a) => process.env[`DBMATRIX_${a.toUpperCase()}_PROVIDER`] === 'testcontainers');
  const noUrls = Object.fromEntries(servers.map((a) => [`DBMATRIX_${a.toUpperCase()}_URL`, '']));
  return { servers, containers, env: containers ? noUrls : {} };
}

/** The containers `dbmatrix test` started for a run, from its lines. */
const containersStarted = (output: string) => output.match(/^dbmatrix test: \w+: container \S+ ready in /gm) ?? [];

beforeAll(() => {
  // prepack builds dist/; the tarball is what `npm publish` would upload.
  execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  mkdirSync(join(project, 'workloads'), { recursive: true });
  const link = (names: string[]) => Object.fromEntries(names.map((n) => [n, `file:${join(ROOT, 'node_modules', n)}`]));
  const own = Object.fromEntries(OWN.map((n) => [n, installedVersion(n)]));
  const pkg = {
    name: 'dbmatrix-pack-check',
    private: true,
    scripts: { test: 'dbmatrix test' },
    dependencies: { dbmatrix: `file:../${tarball}`, ...own },
    devDependencies: link(LINKED.devDependencies),
  };
  writeFileSync(join(project, 'package.json'), JSON.stringify(pkg, null, 2));
  mkdirSync(esmProject);
  writeFileSync(join(esmProject, 'package.json'), JSON.stringify({ ...pkg, name: 'dbmatrix-pack-check-esm', type: 'module' }, null, 2));
  writeFileSync(join(esmProject, 'check.js'), ESM_CHECK);
  writeFileSync(join(esmProject, 'orders.test.js'), ESM_VITEST_TEST);
  // A project that installed dbmatrix and knex, and no driver yet.
  mkdirSync(bareProject);
  writeFileSync(
    join(bareProject, 'package.json'),
    JSON.stringify({ name: 'dbmatrix-pack-bare', private: true, dependencies: { dbmatrix: `file:../${tarball}`, knex: own.knex } }, null, 2),
  );
  cpSync(join(ROOT, 'test', 'fixtures', 'knex-project'), knexProject, { recursive: true });
  writeFileSync(
    join(knexProject, 'package.json'),
    JSON.stringify({ ...pkg, name: 'dbmatrix-knex-project', scripts: { test: 'dbmatrix test', 'test:vitest': 'dbmatrix test --runner=vitest' } }, null, 2),
  );
  mkdirSync(noKnexProject);
  writeFileSync(
    join(noKnexProject, 'package.json'),
    JSON.stringify({ name: 'dbmatrix-no-knex', private: true, dependencies: { dbmatrix: `file:../${tarball}` } }),
  );
  writeFileSync(join(noKnexProject, '.npmrc'), 'legacy-peer-deps=true\n');
  mkdirSync(noContainersProject);
  writeFileSync(
    join(noContainersProject, 'package.json'),
    JSON.stringify({ name: 'dbmatrix-no-containers', private: true, dependencies: { dbmatrix: `file:../${tarball}`, ...own } }),
  );
  writeFileSync(join(project, 'workloads', 'counter.ts'), WORKLOAD);
  writeFileSync(join(project, 'workloads', 'hot-items.yaml'), SCRIPT);
  writeFileSync(join(project, 'dbmatrix.config.ts'), CONFIG);
  writeFileSync(join(project, 'orders.test.js'), JEST_TEST);
  writeFileSync(join(project, 'more.test.js'), SECOND_FILE);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'commonjs', moduleResolution: 'node', target: 'ES2022', noEmit: true, esModuleInterop: true, types: ['node'] },
      include: ['**/*.ts'],
    }),
  );
  // Install scripts stay off: the linked packages are built already, and nothing else in the tree needs one to run.
  for (const cwd of [project, esmProject, bareProject, knexProject, noKnexProject, noContainersProject]) {
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  for (const cwd of [project, esmProject, knexProject]) {
    for (const name of PLACED) {
      mkdirSync(dirname(join(cwd, 'node_modules', name)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(cwd, 'node_modules', name), 'dir');
    }
  }
}, 600_000);

afterAll(() => process.env.DBMATRIX_KEEP_PACK_TEST || rmSync(work, { recursive: true, force: true }));

describe(`the packed package, installed in a new project (${adapters.join(', ')})`, () => {
  test("it installs with no knex, driver or container module of its own: those are the project's", () => {
    const inside = readdirSync(join(project, 'node_modules', 'dbmatrix'));
    expect(inside).not.toContain('node_modules');
    expect(readdirSync(join(bareProject, 'node_modules')).filter((n) => ['pg', 'mysql2', 'better-sqlite3', 'testcontainers'].includes(n))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'dbmatrix', 'package.json'), 'utf8')) as {
      private?: boolean;
      license: string;
      peerDependencies: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(manifest.private).toBeUndefined();
    expect(readFileSync(join(project, 'node_modules', 'dbmatrix', 'LICENSE'), 'utf8')).toMatch(new RegExp(`^${manifest.license} License`));
    for (const peer of ['knex', ...adapters.map((a) => DRIVERS[a]), 'testcontainers']) expect(Object.keys(manifest.peerDependencies)).toContain(peer);
    for (const peer of Object.keys(manifest.peerDependencies)) expect(Object.keys(manifest.dependencies)).not.toContain(peer);
  });

  test('a project without the driver gets one line naming the package to install, for every selected adapter', () => {
    for (const adapter of adapters) {
      const r = spawnSync(join(bareProject, 'node_modules', '.bin', 'dbmatrix'), ['run', '-a', adapter, '--ops', '10', '--out', 'out'], {
        cwd: bareProject,
        encoding: 'utf8',
      });
      expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({
        status: 2,
        stderr: `dbmatrix: the ${adapter} adapter needs the ${DRIVERS[adapter]} package, which is not installed; install it beside knex: npm install ${DRIVERS[adapter]}\n`,
        stdout: '',
      });
    }
    expect(readdirSync(bareProject)).not.toContain('out');
  });

  test('an ES module project imports the API and the helper by name and runs every selected adapter', () => {
    const r = spawnSync(process.execPath, ['check.js'], { cwd: esmProject, env: { ...process.env, CI: '' }, encoding: 'utf8' });
    expect(r.status === 0 ? 'exit 0' : `${r.stdout}\n${r.stderr}`).toBe('exit 0');
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual(adapters.map((a) => [a, 'completed', true]));
  });

  test("an ES module project's own tests run once per adapter under Vitest", () => {
    const { env } = serverSetting();
    const r = inProject(
      join(esmProject, 'node_modules', '.bin', 'dbmatrix'),
      ['test', '--runner=vitest', `--adapter=${adapters.join(',')}`, '--reporter=verbose'],
      env,
      esmProject,
    );
    const output = stripVTControlCharacters(r.output);
    expect(r.status === 0 ? 'exit 0' : output).toBe('exit 0');
    expect(output).toMatch(new RegExp(`^ +Tests +${adapters.length} passed \\(${adapters.length}\\)$`, 'm'));
    for (const a of adapters) expect(output).toContain(`orders [${a}]`);
  });

  test('its types check a workload and a config written against them', () => {
    const r = inProject(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
    expect(r.output.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  test('its CLI runs the config file found in the project: a TypeScript workload, an SQL script and a built-in, verified on every adapter', () => {
    const r = inProject(join(project, 'node_modules', '.bin', 'dbmatrix'), ['run', '--no-progress', '--out', 'out']);
    expect(r.status === 0 ? 'exit 0' : r.output).toBe('exit 0');
    const results = JSON.parse(readFileSync(join(project, 'out', 'results.json'), 'utf8')) as RunResults;
    const cells = results.cells.map((c) => [c.cell.adapter, c.cell.workload, c.state]);
    expect(cells).toEqual(adapters.flatMap((a) => ['read-point', 'counter-bumps', 'hot-items'].map((w) => [a, w, 'completed'])));
    for (const c of results.cells) {
      if (c.state !== 'completed') continue;
      expect(c.verification.ok).toBe(true);
      expect(c.figures.operations).toMatchObject({ total: 200, failed: 0 });
      // A user's workload reports exactly what a built-in one does.
      const builtIn = results.cells.find((b) => b.cell.adapter === c.cell.adapter && b.cell.workload === 'read-point')!;
      if (builtIn.state === 'completed') expect(Object.keys(c.figures).sort()).toEqual(Object.keys(builtIn.figures).sort());
    }
  });

  test("its Jest helper runs the project's test once per adapter, each in a namespace of its own", () => {
    const out = join(project, 'jest.json');
    const r = inProject(join(project, 'node_modules', '.bin', 'dbmatrix'), [
      'test',
      `--adapter=${adapters.join(',')}`,
      '--json',
      `--outputFile=${out}`,
      'orders.test.js',
    ]);
    expect(r.status === 0 ? 'exit 0' : r.output).toBe('exit 0');
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: { assertionResults: { fullName: string }[] }[];
    };
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBe(3 * adapters.length);
    const names = report.testResults.flatMap((t) => t.assertionResults.map((a) => a.fullName));
    for (const a of adapters) expect(names).toContain(`orders [${a}] an order written is read back`);
  });

  test('plain jest, as an IDE runs it, on a machine without servers: the server adapters are left out with one line each; under CI they fail', () => {
    const jest = join(project, 'node_modules', 'jest', 'bin', 'jest.js');
    const noServers = { DBMATRIX_TEST_ADAPTERS: '', DBMATRIX_DOCKER: 'off', DBMATRIX_TEST_SERVERS: '', DBMATRIX_TEST_CONFIG: '' };
    for (const a of ['postgres', 'mysql']) Object.assign(noServers, { [`DBMATRIX_${a.toUpperCase()}_URL`]: '', [`DBMATRIX_${a.toUpperCase()}_IMAGE`]: '' });
    const args = [jest, '--ci', 'orders.test.js', '-t', 'an order written'];
    const r = inProject(process.execPath, args, noServers);
    expect(r.status === 0 ? 'exit 0' : r.output).toBe('exit 0');
    expect(r.output).toContain('Tests:       2 skipped, 1 passed, 3 total');
    expect(r.output.match(/^dbmatrix\/jest: \w+: no server .*$/gm)).toEqual(
      ['postgres', 'mysql'].map(
        (a) =>
          `dbmatrix/jest: ${a}: no server (no DBMATRIX_${a.toUpperCase()}_URL, none in the config file, no Docker engine): its blocks are left out of this run (under CI they fail)`,
      ),
    );
    // Under CI the same run declares the blocks, and they fail: a run that quietly tests fewer databases proves less.
    const ci = spawnSync(process.execPath, args, { cwd: project, env: { ...process.env, ...noServers, CI: 'true' }, encoding: 'utf8' });
    expect(ci.status).toBe(1);
    expect(ci.stderr).toMatch(/orders \[postgres\]/);
  });

  test('dbmatrix test resolves one server per adapter for the whole run, shared by every block of every file', () => {
    // Where the suite's servers come from containers, the project gets no URL: dbmatrix test must start one container
    // per server adapter, not one per block (three blocks in two files here). Given URLs, it starts none.
    const { servers, containers, env } = serverSetting();
    const r = inProject(join(project, 'node_modules', '.bin', 'dbmatrix'), ['test', `--adapter=${adapters.join(',')}`, '--ci'], env);
    expect(r.status === 0 ? 'exit 0' : r.output).toBe('exit 0');
    expect(r.output).toContain(`Tests:       ${3 * adapters.length + 2 * adapters.length} passed`);
    expect(containersStarted(r.output)).toHaveLength(containers ? servers.length : 0);
    // The blocks started none of their own.
    expect(r.output).not.toMatch(/^dbmatrix\/jest: .*container/m);
  });

  // The fixture's two files hold 4 and 1 tests, declared once per selected adapter by describeEachAdapter.
  const FIXTURE_TESTS = 5 * adapters.length;

  test("a knex project's own tests under Jest: its knexfile, migrations and seeds in each block's namespace, one container per server", () => {
    const { servers, containers, env } = serverSetting();
    const r = inProject(join(knexProject, 'node_modules', '.bin', 'dbmatrix'), ['test', `--adapter=${adapters.join(',')}`, '--ci'], env, knexProject);
    expect(r.status === 0 ? 'exit 0' : r.output).toBe('exit 0');
    expect(r.output).toContain(`Tests:       ${FIXTURE_TESTS} passed, ${FIXTURE_TESTS} total`);
    expect(containersStarted(r.output)).toHaveLength(containers ? servers.length : 0);
    expect(r.output).not.toMatch(/^dbmatrix\/jest: .*container/m);
    // Its development database (the knexfile's own connection) was never opened.
    expect(existsSync(join(knexProject, 'dev.sqlite3'))).toBe(false);
  });

  test('the same project under Vitest through dbmatrix/vitest, one container per server', () => {
    const { servers, containers, env } = serverSetting();
    const r = inProject(
      join(knexProject, 'node_modules', '.bin', 'dbmatrix'),
      ['test', '--runner=vitest', `--adapter=${adapters.join(',')}`],
      env,
      knexProject,
    );
    const output = stripVTControlCharacters(r.output);
    expect(r.status === 0 ? 'exit 0' : output).toBe('exit 0');
    expect(output).toMatch(new RegExp(`^ +Tests +${FIXTURE_TESTS} passed \\(${FIXTURE_TESTS}\\)$`, 'm'));
    expect(containersStarted(output)).toHaveLength(containers ? servers.length : 0);
    expect(output).not.toMatch(/^dbmatrix\/vitest: .*container/m);
    expect(existsSync(join(knexProject, 'dev.sqlite3'))).toBe(false);
  });

  test('a project without knex (peers left to it, as legacy-peer-deps does) gets one line naming it', () => {
    expect(existsSync(join(noKnexProject, 'node_modules', 'knex'))).toBe(false);
    const r = spawnSync(join(noKnexProject, 'node_modules', '.bin', 'dbmatrix'), ['run', '-a', 'sqlite', '--ops', '10', '--out', 'out'], {
      cwd: noKnexProject,
      encoding: 'utf8',
    });
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({
      status: 2,
      stderr: 'dbmatrix: the knex package is not installed; install it beside dbmatrix: npm install knex\n',
      stdout: '',
    });
    expect(readdirSync(noKnexProject)).not.toContain('out');
  });

  test('a project without the container modules, given no server URL, gets one line saying what to install', () => {
    // Every selection runs this: the server is never reached, only looked for. Where no Docker engine is there, the
    // line says there is no server instead.
    const docker = Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
    const env = { ...process.env, CI: '', DBMATRIX_POSTGRES_URL: '', DBMATRIX_POSTGRES_IMAGE: '', DBMATRIX_DOCKER: '' };
    const r = spawnSync(join(noContainersProject, 'node_modules', '.bin', 'dbmatrix'), ['run', '-a', 'postgres', '--ops', '10', '--out', 'out'], {
      cwd: noContainersProject,
      encoding: 'utf8',
      env,
    });
    expect({ status: r.status, stdout: r.stdout, lines: r.stderr.trim().split('\n').length }).toEqual({ status: 2, stdout: '', lines: 1 });
    expect(r.stderr).toMatch(
      docker
        ? /^dbmatrix: .*a Docker engine is there, but the testcontainers package is not installed; install it to start servers in containers \(npm install --save-dev testcontainers @testcontainers\/postgresql @testcontainers\/mysql\), or give server URLs\n$/
        : /^dbmatrix: .*no postgres server/,
    );
    expect(readdirSync(noContainersProject)).not.toContain('out');
  });
});
