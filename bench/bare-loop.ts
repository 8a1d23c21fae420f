import knexFactory, { type Knex } from 'knex';
import type { Profile, ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { OwnedTables, tablePrefix } from '../matrix/namespace';
import type { CellContext } from '../matrix/workloads/contract';
import { createKeyedTable, keyedRow } from '../matrix/workloads/keyed-rows';
import { loadReadTable } from '../matrix/workloads/read-table';

/** What a bare loop keeps between calls: its table, the rows loaded, the next key to insert. */
interface BareState {
  table: string;
  rows: number;
  next?: number;
}

/** A bare loop over the same statements a workload issues, with nothing of the harness around it; setup is not timed. */
export const BARE: Record<'insert-sequential' | 'read-point', { setup(ctx: CellContext): Promise<BareState>; loop(ctx: CellContext, state: BareState, ops: number): Promise<void> }> = {
  'insert-sequential': {
    async setup(ctx) {
      const table = ctx.table('bseq');
      await createKeyedTable(ctx, table);
      return { table, rows: 0, next: 1 };
    },
    async loop(ctx, state, ops) {
      for (let i = 0; i < ops; i++) await ctx.knex(state.table).insert(keyedRow(0, state.next!++));
    },
  },
  'read-point': {
    setup: (ctx) => loadReadTable(ctx, 'brp'),
    async loop(ctx, { table, rows }, ops) {
      for (let i = 0; i < ops; i++) await ctx.knex(table).select('id', 'payload').where({ id: 1 + Math.floor(Math.random() * rows) });
    },
  },
};
/** The workloads the bench compares. */
export type BenchWorkload = keyof typeof BARE;

/** Ops/s of the bare loop; setup is outside the timing, as the runner's load phase is. */
export async function bare(profile: Profile, server: ServerAddress, workload: BenchWorkload, runId: string, ops: number): Promise<number> {
  const adapter = adapterFor(profile.adapter as AdapterName);
  const knex: Knex = knexFactory(adapter.knexConfig(server, profile));
  const owned = new OwnedTables(tablePrefix(runId));
  const ctx: CellContext = { knex, adapter, profile, table: (s) => owned.name(s), createTable: (name, build) => owned.create(knex, name, build) };
  try {
    const state = await BARE[workload].setup(ctx);
    // The runner's warm-up, so both sides measure a warm connection and warm code.
    await BARE[workload].loop(ctx, state, 200);
    const t = performance.now();
    await BARE[workload].loop(ctx, state, ops);
    return ops / ((performance.now() - t) / 1000);
  } finally {
    await owned.dropAll(knex);
    await knex.destroy();
  }
}
