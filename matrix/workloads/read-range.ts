import { defineWorkload, keyChooser, statement, z } from './define';
import { loadReadTable, type ReadLedger, type ReadTableState, readTableParams, rowsMatch, verifyReadTable } from './read-table';

/** The loaded table's size, and the rows one query reads. */
const readRangeParams = readTableParams.extend({
  /** Rows returned by one query. */
  rangeSize: z.number().int().min(1).max(100_000).default(100),
});

/** `workers` concurrent readers, rangeSize consecutive rows per query. */
export const readRange = defineWorkload<ReadTableState, ReadLedger, z.infer<typeof readRangeParams>>({
  name: 'read-range',
  measures: 'workers concurrent readers, rangeSize consecutive rows by primary-key range per query',
  verifies: 'every range returned exactly the loaded rows in order, and the table still holds exactly the loaded rows',
  concurrency: 'profile',
  writes: 'none',
  preparable: true,
  params: readRangeParams,
  setup: (ctx) => loadReadTable(ctx, 'rr'),
  worker(ctx, state) {
    const ledger: ReadLedger = { reads: 0, mismatches: 0 };
    const size = Math.min(ctx.params.rangeSize, state.rows);
    const nextFrom = keyChooser(ctx.profile.keyDistribution, state.rows - size + 1);
    const range = statement(2, (db, [from, to]) => db(state.table).select('id', 'payload').where('id', '>=', from).andWhere('id', '<', to).orderBy('id'));
    return {
      async op() {
        const from = nextFrom();
        const rows = (await ctx.statements.run(range, [from, from + size])) as { id: number; payload: string }[];
        ledger.reads++;
        if (!rowsMatch(rows, from, size)) ledger.mismatches++;
        return { rows: rows.length };
      },
      ledger: () => ledger,
    };
  },
  verify: (ctx, state, ledgers) => verifyReadTable(ctx.knex, state, ledgers),
});
