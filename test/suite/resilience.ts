import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdapterName } from '../../adapters/registry';
import { newRunId, tablePrefix } from '../../matrix/namespace';
import { silentProgress } from '../../matrix/progress';
import type { WorkloadName } from '../../matrix/workloads/registry';
import type { CellResult } from '../../model/results-schema';
import { directKnex, explain, runCells } from '../support/cells';
import { restartableServer } from '../support/throwaway-server';

/** Concurrency of the load test: 50 workers against a server, 20 writer threads on SQLite. */
const LOAD_WORKERS: Record<AdapterName, number> = { sqlite: 20, postgres: 50, mysql: 50 };

/** Workloads that write concurrently: the ones a fault can make lose or duplicate data. */
const WRITERS: WorkloadName[] = ['high-volume-insert', 'crud-mix', 'hot-row-update'];

/** Retries generous enough to ride out a server restart of a few seconds. */
const PATIENT = (adapter: AdapterName) => [`${adapter}.retry.maxAttempts=40`, `${adapter}.retry.maxDelayMs=300`];

/** Every measured operation succeeded (after retries) and the ledger verified exactly. */
function expectExact(r: CellResult): void {
  expect(explain(r)).toBe('completed');
  if (r.state !== 'completed') return;
  expect(r.figures.operations.failed).toBe(0);
  expect(r.verification).toMatchObject({ ok: true, lost: 0, phantom: 0, duplicated: 0, mismatched: 0 });
}

/**
 * As exact, except for writes applied twice that the ledger explains: a kill that lands after a COMMIT (or an
 * autocommit statement) is done and before its reply leaves the worker not knowing, its retry writes the rows again,
 * and verify must say so. Every other row must be exact, and every duplicate one of those.
 */
function expectExactOrExplained(r: CellResult): void {
  if (r.state === 'failed' && r.verification && r.figures) {
    const reasons = r.reasons.join('\n');
    const twice = Number(/(\d+) rows acknowledged once and present twice/.exec(reasons)?.[1] ?? 0);
    expect({
      reasons: reasons.replace(/data did not verify: \d+ rows acknowledged once and present twice: [^;]*; \d+ rows present more than once/, ''),
      failed: r.figures.operations.failed,
    }).toEqual({ reasons: '', failed: 0 });
    expect(r.verification).toMatchObject({ lost: 0, phantom: 0, mismatched: 0, duplicated: twice });
    expect(twice).toBeGreaterThan(0);
    return;
  }
  expectExact(r);
}

/** Total retries of a cell for some error classes. */
function retries(r: CellResult, ...classes: string[]): number {
  if (r.state === 'skipped' || !r.figures) return 0;
  return classes.reduce((n, c) => n + (r.figures!.retries[c as keyof typeof r.figures.retries] ?? 0), 0);
}

/** Kill, from another connection, every connection of a run while its cell is running (only the run's, found by its table prefix). */
const KILL_CONNECTIONS: Record<Exclude<AdapterName, 'sqlite'>, (runId: string) => Promise<number>> = {
  async postgres(runId) {
    const knex = directKnex('postgres');
    try {
      // Only backends in the middle of an operation: one idle in the pool would be replaced by the pool unseen.
      const r = await knex.raw(
        "select count(pg_terminate_backend(pid)) as n from pg_stat_activity where query like ? and state in ('active', 'idle in transaction') and pid <> pg_backend_pid()",
        [`%${tablePrefix(runId)}%`],
      );
      return Number(r.rows[0].n);
    } finally {
      await knex.destroy();
    }
  },
  async mysql(runId) {
    // The processlist shows a statement only while it runs: sample it, and kill a connection the moment it is seen
    // running one of the run's statements, so the kill lands mid-operation even when a loaded machine samples slowly.
    const knex = directKnex('mysql');
    const ids = new Set<number>();
    try {
      for (let i = 0; i < 50; i++) {
        const [rows] = await knex.raw('select id from information_schema.processlist where info like ? and id <> connection_id()', [`%${tablePrefix(runId)}%`]);
        for (const { id } of rows as { id: number }[]) {
          if (ids.has(Number(id))) continue;
          ids.add(Number(id));
          await knex.raw(`kill ${Number(id)}`).catch(() => {});
        }
        await sleep(20);
      }
      return ids.size;
    } finally {
      await knex.destroy();
    }
  },
};

/** Run cells while `fault` strikes `delayMs` into the run. */
async function withFault<T>(run: Promise<T>, delayMs: number, fault: () => Promise<unknown>): Promise<T> {
  const strike = sleep(delayMs).then(fault);
  const [result] = await Promise.all([run, strike]);
  return result;
}

/** Load and fault tests: bounded in time, against servers on this machine only, exact ledgers afterwards. */
export function describeResilience(adapter: AdapterName): void {
  describe(`${adapter} resilience`, () => {
    test(`${adapter} × ${WRITERS.join(', ')} under ${LOAD_WORKERS[adapter]} workers: every operation succeeds after retries, nothing lost`, async () => {
      const workers = LOAD_WORKERS[adapter];
      const settings = [`${adapter}.workers=${workers}`, ...(adapter === 'sqlite' ? [] : [`${adapter}.pool.max=${workers}`])];
      const { results } = await runCells({ adapter, workloads: WRITERS, settings, ops: 400 });
      expect(results.map((r) => r.cell.workload)).toEqual(WRITERS);
      for (const r of results) {
        expectExact(r);
        if (r.state === 'completed') expect(r.figures.workers).toBe(workers);
      }
    });

    if (adapter === 'sqlite') {
      test('sqlite × high-volume-insert under contention: adaptive batch sizes fail less often than fixed ones', async () => {
        // 8 writer threads, short busy wait, no retries, no backpressure: a big transaction makes the others give up.
        const contention = [
          'sqlite.workers=8',
          'sqlite.busy_timeout=30',
          'sqlite.retry.maxAttempts=1',
          'sqlite.backpressureErrorRate=1',
          'sqlite.batchSize=4000',
        ];
        const adaptive = ['sqlite.adaptive.enabled=true', 'sqlite.adaptive.minRows=10', 'sqlite.adaptive.maxRows=4000', 'sqlite.adaptive.targetLatencyMs=20'];
        const fixed = (await runCells({ adapter, workloads: ['high-volume-insert'], durationMs: 4000, settings: contention })).results[0]!;
        const tuned = (await runCells({ adapter, workloads: ['high-volume-insert'], durationMs: 4000, settings: [...contention, ...adaptive] })).results[0]!;
        const failureRate = (r: CellResult) =>
          r.state === 'skipped' || !r.figures ? 1 : r.figures.operations.failed / Math.max(1, r.figures.operations.total);
        for (const r of [fixed, tuned]) if (r.state !== 'skipped') expect(r.verification).toMatchObject({ ok: true, lost: 0, phantom: 0 });
        expect(fixed.state !== 'skipped' && fixed.figures!.batchTrajectory).toEqual([]);
        const trajectory = tuned.state !== 'skipped' ? tuned.figures!.batchTrajectory : [];
        expect(trajectory.length).toBeGreaterThan(0);
        expect(Math.min(...trajectory.flatMap((t) => t.points.map(([, rows]) => rows)))).toBeLessThan(4000);
        expect(failureRate(tuned)).toBeLessThan(failureRate(fixed));
      });

      test('sqlite: a failure rate past the threshold halves the running writers, and the results say when and why', async () => {
        const settings = ['sqlite.workers=8', 'sqlite.busy_timeout=0', 'sqlite.retry.maxAttempts=1', 'sqlite.backpressureErrorRate=0.2'];
        const r = (await runCells({ adapter, workloads: ['high-volume-insert'], durationMs: 3000, settings })).results[0]!;
        if (r.state === 'skipped') throw new Error('skipped');
        const health = r.figures!.health;
        expect(health.sampled).toBe(false); // one connection per thread: no shared pool to sample
        expect(health.windows.reduce((n, w) => n + w.failed, 0)).toBe(r.figures!.operations.failed);
        expect(health.backpressure[0]).toMatchObject({ activeWorkers: 4, reason: expect.stringMatching(/operations failed in the last second/) });
        expect(r.verification).toMatchObject({ ok: true, lost: 0, phantom: 0 });
      });

      test('sqlite: another process holds the write lock for 3 s mid-run; writers retry on SQLITE_BUSY and the ledger verifies', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-lock-'));
        const file = join(dir, 'sqlite-wal-high-volume-insert.db');
        const holder = async () => {
          while (!existsSync(file)) await sleep(20);
          await sleep(1500); // past thread start-up and warm-up, into the measured phase
          // A separate OS process, as another application would be: BEGIN IMMEDIATE takes the write lock.
          const script = `const D=require(${JSON.stringify(require.resolve('better-sqlite3'))});const d=new D(${JSON.stringify(file)},{timeout:10000});d.exec('BEGIN IMMEDIATE');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,3000);d.exec('COMMIT');d.close();`;
          const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
          await new Promise((r) => child.on('exit', r));
        };
        try {
          const run = runCells({
            adapter,
            workloads: ['high-volume-insert'],
            sqliteDir: dir,
            durationMs: 6000,
            settings: ['sqlite.busy_timeout=200', 'sqlite.workers=8', ...PATIENT(adapter)],
          });
          const { results } = await withFault(run, 0, holder);
          expectExact(results[0]!);
          expect(retries(results[0]!, 'busy')).toBeGreaterThan(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
      return;
    }

    const server = adapter;
    test(`${server}: 20 workers on a pool of 2: pool waits are timed apart from queries, the cell is flagged client-bound, backpressure trims the workers`, async () => {
      const settings = [`${server}.workers=20`, `${server}.pool.max=2`];
      const r = (await runCells({ adapter, workloads: ['crud-mix'], durationMs: 3000, settings })).results[0]!;
      expectExact(r);
      if (r.state !== 'completed') return;
      const health = r.figures.health;
      expect(health.sampled).toBe(true);
      expect(health.maxUsed).toBe(2);
      expect(health.maxPendingAcquires).toBeGreaterThan(0);
      expect(health.acquireWaitMs.count).toBeGreaterThan(0);
      expect(health.clientBound.flagged).toBe(true);
      expect(health.clientBound.reasons.join(' ')).toMatch(/waited .* for a connection/);
      expect(health.backpressure[0]).toMatchObject({ activeWorkers: 2, reason: expect.stringMatching(/pool exhausted/) });
    });

    test(`${server}: the run's connections are killed mid-run; operations retry and the ledger verifies, or names the rows a retry wrote twice`, async () => {
      const runId = newRunId();
      let killed = 0;
      // Struck once measured operations are counted: a kill during start-up or warm-up is retried where the figures
      // do not look (warm-up), and on a loaded machine 1.5 s into the run was sometimes still there.
      let measured = 0;
      const progress = { ...silentProgress, update: (done: number) => void (measured = done) };
      const run = runCells({ adapter, workloads: ['high-volume-insert'], runId, durationMs: 6000, settings: PATIENT(adapter), progress });
      const { results } = await withFault(run, 0, async () => {
        while (measured === 0) await sleep(50);
        // Two rounds of kills half a second apart: one round once caught no operation in flight (a fresh-clone run saw
        // its kills succeed and no connection retry), as a backend between statements can be.
        for (let i = 0, rounds = 0; i < 25 && rounds < 2; i++) {
          const n = await KILL_CONNECTIONS[server](runId);
          killed += n;
          if (n > 0) rounds++;
          await sleep(n > 0 ? 500 : 200);
        }
      });
      expect(killed).toBeGreaterThan(0);
      expectExactOrExplained(results[0]!);
      const r = results[0]!;
      const figures = r.state === 'skipped' ? undefined : r.figures;
      // Compared with what the cell saw, so a failure says where the killed operations went.
      expect({ connectionRetried: retries(r, 'connection') > 0, killed, retries: figures?.retries, errors: figures?.errors }).toEqual({
        connectionRetried: true,
        killed,
        retries: expect.anything(),
        errors: expect.anything(),
      });
    });

    const restartKind = process.env[`DBMATRIX_${server.toUpperCase()}_PROVIDER`] === 'testcontainers' ? 'its container' : 'a throwaway server';
    test(`${server}: ${restartKind} crashes and restarts mid-run; operations retry and the ledger verifies, or names the rows a retry wrote twice`, async () => {
      const throwaway = await restartableServer(server);
      try {
        const run = runCells({
          adapter,
          workloads: ['crud-mix'],
          durationMs: 5000,
          server: { url: throwaway.url, provider: 'url' },
          settings: PATIENT(adapter),
        });
        const { results } = await withFault(run, 1500, () => throwaway.restart());
        expectExactOrExplained(results[0]!);
        expect(retries(results[0]!, 'connection')).toBeGreaterThan(0);
      } finally {
        await throwaway.stop();
      }
    });
  });
}
