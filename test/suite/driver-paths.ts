import knexFactory, { type Knex } from 'knex';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import { statement } from '../../driver-paths/contract';
import { preparedPath } from '../../driver-paths/prepared-path';
import { type WorkloadName, workloadFor } from '../../matrix/workloads/registry';
import { explain, runCells, serverFor } from '../support/cells';

/** How each database shows, on the connection itself, that statements were prepared once and executed many times. */
const SERVER_SIDE: Partial<Record<AdapterName, (knex: Knex, sql: string) => Promise<{ prepared: number; executed?: number }>>> = {
  postgres: async (knex, sql) => {
    const rows = (await knex.raw('select statement from pg_prepared_statements')).rows as { statement: string }[];
    return { prepared: rows.filter((r) => r.statement === sql).length };
  },
  mysql: async (knex) => {
    const [rows] = (await knex.raw("show session status where variable_name in ('Com_stmt_prepare', 'Com_stmt_execute')")) as [
      { Variable_name: string; Value: string }[],
    ];
    const v = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value ?? 0);
    return { prepared: v('Com_stmt_prepare'), executed: v('Com_stmt_execute') };
  },
};

/** The lean driver path: the same workloads as prepared statements, verified, and really prepared on the server. */
export function describeDriverPaths(adapter: AdapterName): void {
  describe(`${adapter}: driver paths`, () => {
    const workloads = ['insert-bulk', 'high-volume-insert', 'hot-row-update', 'read-range', 'crud-mix'] as const;
    test(`${adapter}-prepared × ${workloads.join(', ')}: prepared statements verify like the knex path; crud-mix says it ran through knex`, async () => {
      // 600 rows per batch: past SQLite's 500 rows per INSERT, so its batches take the chunked, transactional route.
      const { results } = await runCells({
        adapter,
        profile: `${adapter}-prepared`,
        settings: [`${adapter}-prepared.batchSize=600`],
        workloads: [...workloads],
        ops: 40,
      });
      for (const r of results) {
        expect({ workload: r.cell.workload, state: explain(r) }).toEqual({ workload: r.cell.workload, state: 'completed' });
        if (r.state !== 'completed') continue;
        expect(r.verification).toMatchObject({ ok: true, lost: 0, phantom: 0, duplicated: 0, mismatched: 0 });
        expect(r.figures.operations).toEqual({ total: 40, succeeded: 40, failed: 0 });
        expect([r.cell.workload, r.figures.driverPath]).toEqual([
          r.cell.workload,
          workloadFor(r.cell.workload as WorkloadName).preparable ? 'prepared' : 'knex',
        ]);
      }
    });

    const check = SERVER_SIDE[adapter];
    // SQLite keeps its prepared statements inside the process: there is no server to ask. In CI a skipped test fails
    // the run, so a test that cannot apply is not declared at all.
    if (check)
      test(`${adapter}: the prepared path prepares a statement once per connection and executes it from then on`, async () => {
        const a = adapterFor(adapter);
        const profile = a.defaultProfiles[0]!;
        // One connection, so the session the checks read is the one the statements ran on.
        const knex = knexFactory(a.knexConfig(serverFor(adapter)!, { ...profile, pool: { ...profile.pool, min: 0, max: 1 } }));
        try {
          const plusOne = statement(1, (db, [n]) => db.select(db.raw('? + 1 as n', [n!])));
          const path = preparedPath(knex, a.prepared, true);
          const answers: number[] = [];
          for (const n of [1, 2, 3]) answers.push(Number((await path.run(plusOne, [n]))[0]!.n));
          await path.close();
          expect(answers).toEqual([2, 3, 4]);
          const sql = plusOne.build(knex, [0]).toSQL().toNative().sql;
          const seen = await check!(knex, sql);
          expect(seen).toEqual(adapter === 'mysql' ? { prepared: 1, executed: 3 } : { prepared: 1 });
        } finally {
          await knex.destroy();
        }
      });

    if (!adapterFor(adapter).capabilities.threadedWorkers)
      test(`${adapter}: clientThreads=2 spreads the workers over two threads; the data verifies`, async () => {
        const { results } = await runCells({
          adapter,
          settings: [`${adapter}.clientThreads=2`, `${adapter}.driverPath=prepared`],
          workloads: ['high-volume-insert', 'crud-mix'],
        });
        for (const r of results) {
          expect({ workload: r.cell.workload, state: explain(r) }).toEqual({ workload: r.cell.workload, state: 'completed' });
          if (r.state !== 'completed') continue;
          expect(r.verification.ok).toBe(true);
          expect({ threads: r.figures.clientThreads, workers: r.figures.workers }).toEqual({ threads: 2, workers: 4 });
          // The pools live in the threads, out of the monitor's sight: it says so rather than report an idle pool.
          expect(r.figures.health.sampled).toBe(false);
        }
      });
  });
}
