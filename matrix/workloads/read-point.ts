import { defineWorkload, keyChooser, statement } from './define';
import { loadReadTable, type ReadLedger, type ReadTableParams, type ReadTableState, readTableParams, rowsMatch, verifyReadTable } from './read-table';

/** `workers` concurrent readers, one row by primary key per query. */
export const readPoint = defineWorkload<ReadTableState, ReadLedger, ReadTableParams>({
  name: 'read-point',
  measures: 'workers concurrent readers, one primary-key lookup per query on a table of readTableRows rows, keys by keyDistribution',
  verifies: 'every read returned exactly the loaded row, and the table still holds exactly the loaded rows',
  concurrency: 'profile',
  writes: 'none',
  preparable: true,
  params: readTableParams,
  setup: (ctx) => loadReadTable(ctx, 'rp'),
  worker(ctx, state) {
    const ledger: ReadLedger = { reads: 0, mismatches: 0 };
    const byId = statement(1, (db, [id]) => db(state.table).select('id', 'payload').where({ id }));
    const nextId = keyChooser(ctx.profile.keyDistribution, state.rows);
    return {
      async op() {
        const id = nextId();
        const rows = (await ctx.statements.run(byId, [id])) as { id: number; payload: string }[];
        ledger.reads++;
        if (!rowsMatch(rows, id, 1)) ledger.mismatches++;
      },
      ledger: () => ledger,
    };
  },
  verify: (ctx, state, ledgers) => verifyReadTable(ctx.knex, state, ledgers),
});
