import type { Workload } from './contract';
import { type InsertLedger, addRange, verifyInsertLedgers } from './keyed-rows';

/** Tables shared by setup and the workers. */
interface State {
  /** The few rows every worker increments. */
  hot: string;
  /** One row per committed increment, written in the same transaction. */
  log: string;
  /** How many hot rows there are (ids 1..rows). */
  rows: number;
}

/** The insert ledger of the log rows, plus committed increments per hot row. */
interface HotLedger extends InsertLedger {
  /** Committed increments by hot-row id. */
  perRow: Record<number, number>;
}

/** `workers` concurrent transactions, each incrementing one of a few hot rows and logging it. */
export const hotRowUpdate: Workload<State, HotLedger> = {
  name: 'hot-row-update',
  measures: 'workers concurrent transactions incrementing one of hotRows rows (row-lock or database-lock contention)',
  verifies: 'each hot row equals the committed increments for it, and the increment log holds each committed increment exactly once',
  concurrency: 'profile',
  async setup(ctx) {
    const hot = ctx.table('hot');
    const log = ctx.table('hotlog');
    await ctx.createTable(hot, (t) => {
      t.integer('id').primary();
      t.integer('value').notNullable();
    });
    await ctx.createTable(log, (t) => {
      t.increments('id').primary();
      t.integer('worker_id').notNullable();
      t.integer('seq').notNullable();
      t.integer('row_id').notNullable();
    });
    const rows = ctx.profile.hotRows;
    await ctx.knex(hot).insert(Array.from({ length: rows }, (_, i) => ({ id: i + 1, value: 0 })));
    return { hot, log, rows };
  },
  worker(ctx, state) {
    const ledger: HotLedger = { workerId: ctx.workerId, acknowledged: [], failed: [], perRow: {} };
    let seq = 0;
    return {
      async op() {
        const row = 1 + Math.floor(Math.random() * state.rows);
        const mine = seq++;
        try {
          // The UPDATE comes first so SQLite takes the write lock at once (a read first would make the lock upgrade fail without waiting).
          await ctx.knex.transaction(async (trx) => {
            await trx(state.hot).where({ id: row }).increment('value', 1);
            await trx(state.log).insert({ worker_id: ctx.workerId, seq: mine, row_id: row });
          });
        } catch (err) {
          addRange(ledger.failed, mine, 1);
          throw err;
        }
        addRange(ledger.acknowledged, mine, 1);
        ledger.perRow[row] = (ledger.perRow[row] ?? 0) + 1;
      },
      ledger: () => ledger,
    };
  },
  async verify(ctx, state, ledgers) {
    const v = await verifyInsertLedgers(ctx, state.log, ledgers, false);
    const expected = new Map<number, number>();
    for (const l of ledgers) for (const [row, n] of Object.entries(l.perRow)) expected.set(Number(row), (expected.get(Number(row)) ?? 0) + n);
    const hotRows = (await ctx.knex(state.hot).select('id', 'value')) as { id: number | string; value: number | string }[];
    let wrong = 0;
    for (const r of hotRows) if (Number(r.value) !== (expected.get(Number(r.id)) ?? 0)) wrong++;
    if (hotRows.length !== state.rows) v.problems.push(`${state.rows - hotRows.length} hot rows missing`);
    if (wrong) v.problems.push(`${wrong} hot rows differ from the sum of their committed increments`);
    v.mismatched += wrong;
    v.ok = v.problems.length === 0;
    return v;
  },
};
