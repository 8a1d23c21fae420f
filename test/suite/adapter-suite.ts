import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import type { ClassifiedError, ErrorClass } from '../../adapters/contract';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import { newRunId, tablePrefix } from '../../matrix/namespace';
import { WORKLOAD_NAMES } from '../../matrix/workloads/registry';
import { closeSharedThreads, directKnex, explain, LIST_TABLES, runCells } from '../support/cells';
import { cliRun } from './cli-run';
import { describeConformance } from './conformance';
import { describeCredentials } from './credentials';
import { describeDoubleApply } from './double-apply';
import { describeDriverPaths } from './driver-paths';
import { interruptRun } from './interrupt';
import { provokeErrors } from './provoke-errors';
import { describeResilience } from './resilience';
import { describeSeveralServers } from './several-servers';
import { describeSlt } from './slt';
import { describeUserWorkloads } from './user-workloads';

/** The second profile of each adapter and what reading its settings back must show. */
const READBACK: Record<AdapterName, { profile: string; check: (s: Record<string, string>) => void }> = {
  sqlite: {
    profile: 'sqlite-delete',
    check: (s) => {
      expect(s.journal_mode).toBe('delete');
      expect(s.synchronous).toBe('2'); // FULL
    },
  },
  postgres: { profile: 'postgres-async-commit', check: (s) => expect(s.synchronous_commit).toBe('off') },
  mysql: {
    profile: 'mysql-read-committed',
    check: (s) => expect(s.transaction_isolation ?? s.tx_isolation).toBe('READ-COMMITTED'),
  },
};

/** Error classes each adapter's real errors must land in. */
const EXPECTED_CLASSES: Record<AdapterName, ErrorClass[]> = {
  sqlite: ['busy', 'constraint'],
  postgres: ['deadlock', 'lock-timeout', 'constraint', 'connection', 'connection', 'statement-timeout', 'other'],
  mysql: ['deadlock', 'lock-timeout', 'constraint', 'connection', 'connection', 'statement-timeout'],
};

/** Whether one INSERT of more rows than the capabilities allow fails (mysql2 interpolates client-side: no bind limit). */
const UNCHUNKED_FAILS: Record<AdapterName, boolean> = { sqlite: true, postgres: true, mysql: false };

/** Every test an adapter must pass, named `<adapter> › …` so a CI log says which cell failed. */
export function describeAdapterSuite(adapter: AdapterName): void {
  afterAll(closeSharedThreads);
  describe(adapter, () => {
    describe.each(WORKLOAD_NAMES.map((w) => [w]))('%s', (workload) => {
      test(`${adapter} × ${workload}: runs, measures and verifies`, async () => {
        const { results } = await runCells({ adapter, workloads: [workload] });
        const r = results[0]!;
        expect(explain(r)).toBe('completed');
        if (r.state !== 'completed') return;
        expect(r.verification).toMatchObject({ ok: true, lost: 0, phantom: 0, duplicated: 0, mismatched: 0 });
        expect(r.verification.acknowledged).toBeGreaterThan(0);
        expect(r.figures.operations).toEqual({ total: 100, succeeded: 100, failed: 0 });
        expect(r.figures.latencyMs.count).toBe(100);
        expect(r.figures.latencyMs.p99).toBeGreaterThan(0);
        expect(r.figures.latencyMs.p99).toBeLessThanOrEqual(r.figures.latencyMs.max);
        expect(r.figures.opsPerSec).toBeGreaterThan(0);
        expect(r.figures.warmup.operations).toBe(8);
        expect(r.target.serverVersion).not.toBe('');
        // Which path served the cell (file, url, testcontainers), as global setup resolved it.
        expect(r.target.provider).toBe(adapter === 'sqlite' ? 'file' : process.env[`DBMATRIX_${adapter.toUpperCase()}_PROVIDER`]);
      });
    });

    test(`${adapter} × read-point, read-range, hot-row-update with zipfian and latest keys: runs and verifies`, async () => {
      for (const keys of ['zipfian', 'latest']) {
        const { results } = await runCells({
          adapter,
          workloads: ['read-point', 'read-range', 'hot-row-update'],
          settings: [`${adapter}.keyDistribution=${keys}`],
        });
        for (const r of results)
          expect({ keys, workload: r.cell.workload, state: explain(r) }).toEqual({ keys, workload: r.cell.workload, state: 'completed' });
      }
    });

    test(`${adapter}: dbmatrix run writes a schema-valid results.json with a verified cell per workload`, async () => {
      const { code, stdout, stderr, results } = await cliRun(adapter);
      expect(results.cells.map((c) => [c.cell.workload, c.state])).toEqual(WORKLOAD_NAMES.map((w) => [w, 'completed']));
      expect(code).toBe(0);
      expect(stdout).toMatch(/results: .*results\.json/);
      for (const w of WORKLOAD_NAMES) expect(stdout).toContain(w);
      // Progress lines name each cell as it ends, with where the matrix stands.
      const n = WORKLOAD_NAMES.length;
      expect(stderr).toMatch(new RegExp(`^\\[cell 1 of ${n}, [^\\]]+, about [^\\]]+ left\\] .*: ok, `, 'm'));
      expect(stderr).toMatch(new RegExp(`^\\[cell ${n} of ${n}, [^\\],]+\\] .*: ok, `, 'm'));
      expect(results.environment.packages.knex).toMatch(/^\d/);
      expect(results.profiles[0]).toMatchObject({ adapter, workers: 4 });
      const target = results.cells[0]!.state === 'completed' ? results.cells[0]!.target : undefined;
      expect(target?.provider).toBe(adapter === 'sqlite' ? 'file' : 'url'); // the child was handed the suite's server as a URL
      expect(JSON.stringify(results)).not.toMatch(/\/\/[^:@/]+:(?!\*\*\*@)[^:@/]+@/); // no password in a URL
    });

    test(`${adapter}: settings in force are read back and overrides reach the workers`, async () => {
      const { profile } = READBACK[adapter];
      const { results } = await runCells({ adapter, profile, settings: [`${profile}.workers=3`], workloads: ['high-volume-insert'], ops: 30 });
      const r = results[0]!;
      expect(explain(r)).toBe('completed');
      if (r.state !== 'completed') return;
      READBACK[adapter].check(r.target.settings);
      expect(r.figures.workers).toBe(3);
    });

    test(`${adapter}: real driver errors are classified into the shared taxonomy`, async () => {
      const errors: ClassifiedError[] = await provokeErrors[adapter]();
      expect(errors.map((e) => e.errorClass)).toEqual(EXPECTED_CLASSES[adapter]);
      // Worth repeating: lock and connection trouble. Not: a broken constraint, a statement past its time limit, a cancel.
      for (const e of errors) expect(e.retryable).toBe(!['constraint', 'statement-timeout', 'other'].includes(e.errorClass));
    });

    if (adapter === 'sqlite') {
      test('sqlite: a database file that already exists is neither written nor removed', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-owned-'));
        const file = join(dir, 'sqlite-wal-insert-sequential.db');
        const foreign = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
        try {
          const runId = newRunId();
          await foreign.schema.createTable(`${tablePrefix(runId)}seq`, (t) => t.string('precious'));
          await foreign(`${tablePrefix(runId)}seq`).insert({ precious: 'keep me' });
          const { results } = await runCells({ adapter, workloads: ['insert-sequential'], runId, sqliteDir: dir });
          expect(results[0]!.state).toBe('failed');
          expect(explain(results[0]!)).toMatch(/already exists and was not created by this run/);
          expect(await foreign(`${tablePrefix(runId)}seq`).select('precious')).toEqual([{ precious: 'keep me' }]);
          // Cells that did run removed their own files and nothing else.
          expect(readdirSync(dir).filter((f) => !f.startsWith('sqlite-wal-insert-sequential.db'))).toEqual([]);
        } finally {
          await foreign.destroy();
          rmSync(dir, { recursive: true, force: true });
        }
      });

      test('sqlite: the run directory is removed after the run', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-clean-'));
        try {
          const { results } = await runCells({ adapter, workloads: ['crud-mix', 'hot-row-update'], sqliteDir: dir, ops: 20 });
          expect(results.map((r) => r.state)).toEqual(['completed', 'completed']);
          expect(readdirSync(dir)).toEqual([]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        expect(existsSync(dir)).toBe(false);
      });
    } else {
      const server = adapter;
      test(`${server}: an existing table with a colliding name is untouched, and the run's own tables are gone`, async () => {
        const knex = directKnex(server);
        const runId = newRunId();
        const prefix = tablePrefix(runId);
        try {
          await knex.schema.createTable(`${prefix}seq`, (t) => t.string('precious'));
          await knex(`${prefix}seq`).insert({ precious: 'keep me' });
          const { results } = await runCells({ adapter: server, workloads: ['insert-sequential', 'crud-mix'], runId, ops: 20 });
          expect(results[0]!.state).toBe('failed');
          expect(explain(results[0]!)).toMatch(/already exists and was not created by this run/);
          expect(explain(results[1]!)).toBe('completed');
          expect(await knex(`${prefix}seq`).select('*')).toEqual([{ precious: 'keep me' }]);
          expect(await LIST_TABLES[server](knex, prefix)).toEqual([`${prefix}seq`]);
        } finally {
          await knex.schema.dropTableIfExists(`${prefix}seq`);
          await knex.destroy();
        }
      });

      describeCredentials(server);
      describeDoubleApply(server);
      describeSeveralServers(server);
    }

    test.each([
      ['SIGINT', 'Ctrl-C', 130],
      ['SIGTERM', 'SIGTERM', 143],
    ] as const)(`${adapter}: %s (%s) stops a run within seconds, removes what it created and exits %i`, async (signal, _name, exitCode) => {
      const r = await interruptRun(adapter, signal);
      expect(r.tracesDuring.length).toBeGreaterThan(0);
      expect({ code: r.code, interrupted: r.interrupted, left: r.tracesAfter, containers: r.containersLeft }).toEqual({
        code: exitCode,
        interrupted: true,
        left: [],
        containers: [],
      });
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });

    test(`${adapter}: statement limits are real, and insert-bulk chunks past them`, async () => {
      const caps = adapterFor(adapter).capabilities;
      const rows = Math.min(caps.maxRowsPerInsert, Math.floor(caps.maxBindParams / 4)) + 1;
      const knex =
        adapter === 'sqlite' ? knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true }) : directKnex(adapter);
      const table = `${tablePrefix(newRunId())}limit`;
      try {
        await knex.schema.createTable(table, (t) => {
          for (const c of ['a', 'b', 'c', 'd']) t.integer(c);
        });
        const unchunked = knex(table).insert(Array.from({ length: rows }, (_, i) => ({ a: i, b: i, c: i, d: i })));
        // Settled to a word, not matched with rejects.toThrow: an error from a native driver loaded by an earlier test
        // file in the same jest worker belongs to another realm, and jest does not take it for an Error.
        const outcome = await unchunked.then(
          () => 'succeeded',
          () => 'failed',
        );
        expect(outcome).toBe(UNCHUNKED_FAILS[adapter] ? 'failed' : 'succeeded');
      } finally {
        await knex.schema.dropTableIfExists(table);
        await knex.destroy();
      }
      const { results } = await runCells({ adapter, workloads: ['insert-bulk'], settings: [`${adapter}.batchSize=${rows}`], ops: 3 });
      expect(explain(results[0]!)).toBe('completed');
      if (results[0]!.state === 'completed') expect(results[0]!.figures.rows).toBe(3 * rows);
    });

    describeResilience(adapter);
    describeDriverPaths(adapter);
    describeConformance(adapter);
    describeSlt(adapter);
    describeUserWorkloads(adapter);
  });
}
