import knexFactory, { type Knex } from 'knex';
import type { Profile, ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { bindingsFor, compileStatement } from '../driver-paths/compile';
import { type DriverPath, type Statement, statement } from '../driver-paths/contract';
import { cellContext, OwnedTables, tablePrefix } from '../matrix/namespace';
import type { CellContext } from '../matrix/workloads/contract';
import { createKeyedTable, keyedParams, keyedRow } from '../matrix/workloads/keyed-rows';
import { loadReadTable, type ReadTableParams, readTableParams } from '../matrix/workloads/read-table';

/** One statement and the parameters of its next run: what a bare loop repeats. */
interface BareStatement {
  /** The statement the workload issues. */
  statement: Statement;
  /** Parameters for the next operation. */
  next(): Knex.Value[];
}

/** The statement each compared workload issues, on a table set up as the workload sets it up (setup is not timed). */
export const BARE: Record<'insert-sequential' | 'read-point', (ctx: CellContext<ReadTableParams>) => Promise<BareStatement>> = {
  async 'insert-sequential'(ctx) {
    const table = ctx.table('bseq');
    await createKeyedTable(ctx, table);
    let seq = 0;
    const insert = statement(4, (db, p) => db(table).insert({ worker_id: p[0], seq: p[1], payload: p[2], value: p[3] }));
    return { statement: insert, next: () => keyedParams([keyedRow(0, seq++)]) };
  },
  async 'read-point'(ctx) {
    const { table, rows } = await loadReadTable(ctx, 'brp');
    const byId = statement(1, (db, [id]) => db(table).select('id', 'payload').where({ id }));
    return { statement: byId, next: () => [1 + Math.floor(Math.random() * rows)] };
  },
};
/** The workloads the bench compares. */
export type BenchWorkload = keyof typeof BARE;

/** A loop of `ops` runs with nothing of the harness around it: through knex's builder, or the driver on one pooled connection. */
async function loop(ctx: CellContext, path: DriverPath, bare: BareStatement, ops: number): Promise<void> {
  if (path === 'knex') {
    for (let i = 0; i < ops; i++) await bare.statement.build(ctx.knex, bare.next());
    return;
  }
  const compiled = compileStatement(ctx.knex, bare.statement);
  const pool = ctx.knex.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<unknown> };
  const connection = await pool.acquireConnection();
  try {
    for (let i = 0; i < ops; i++) await ctx.adapter.prepared.execute(connection, compiled.sql, bindingsFor(compiled, bare.next()));
  } finally {
    await pool.releaseConnection(connection);
  }
}

/** Ops/s of the bare loop on one path; setup is outside the timing, as the runner's load phase is. */
export async function bare(profile: Profile, server: ServerAddress, workload: BenchWorkload, path: DriverPath, runId: string, ops: number): Promise<number> {
  const adapter = adapterFor(profile.adapter as AdapterName);
  const knex: Knex = knexFactory(adapter.knexConfig(server, profile));
  const owned = new OwnedTables(tablePrefix(runId));
  const ctx = cellContext(knex, adapter, profile, readTableParams.parse({}), owned) as CellContext<ReadTableParams>;
  try {
    const statement = await BARE[workload](ctx);
    // The runner's warm-up, so both sides measure a warm connection and warm code.
    await loop(ctx, path, statement, 200);
    const t = performance.now();
    await loop(ctx, path, statement, ops);
    return ops / ((performance.now() - t) / 1000);
  } finally {
    await owned.dropAll(knex);
    await knex.destroy();
  }
}
