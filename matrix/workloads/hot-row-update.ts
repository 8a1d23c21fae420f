import { defineWorkload, isAmbiguous, keyChooser, statement, z } from './define';
import { type InsertLedger, InsertRecorder, verifyInsertLedgers } from './keyed-rows';

/** Tables shared by setup and the workers. */
export interface State {
  /** The few rows every worker increments. */
  hot: string;
  /** One row per committed increment, written in the same transaction. */
  log: string;
  /** How many hot rows there are (ids 1..rows). */
  rows: number;
}

/** How many rows the workers contend for. */
const hotRowParams = z.object({
  /** Rows contended for: the fewer, the more each worker waits for another's lock. */
  hotRows: z.number().int().min(1).max(10_000).default(4),
});

/** `workers` concurrent transactions, each incrementing one of a few hot rows and logging it. */
export const hotRowUpdate = defineWorkload<State, InsertLedger, z.infer<typeof hotRowParams>>({
  name: 'hot-row-update',
  measures: 'workers concurrent transactions incrementing one of hotRows rows (row-lock or database-lock contention)',
  verifies: 'the increment log holds each committed increment exactly once, and each hot row equals its logged increments',
  concurrency: 'profile',
  writes: 'every-operation',
  preparable: true,
  params: hotRowParams,
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
    const rows = ctx.params.hotRows;
    await ctx.knex(hot).insert(Array.from({ length: rows }, (_, i) => ({ id: i + 1, value: 0 })));
    return { hot, log, rows };
  },
  worker(ctx, state) {
    const recorder = new InsertRecorder(ctx.workerId, (err) => isAmbiguous(ctx, err));
    const increment = statement(1, (db, [id]) => db(state.hot).where({ id }).increment('value', 1));
    const nextRow = keyChooser(ctx.profile.keyDistribution, state.rows);
    const logEntry = statement(3, (db, [worker_id, seq, row_id]) => db(state.log).insert({ worker_id, seq, row_id }));
    return {
      op: (attempt) =>
        recorder.insert(
          1,
          ([entry]) => {
            const row = nextRow();
            // The UPDATE comes first so SQLite takes the write lock at once (a read first would make the lock upgrade fail without waiting).
            return ctx.statements.transaction(async (tx) => {
              await tx.run(increment, [row]);
              await tx.run(logEntry, [entry!.worker_id, entry!.seq, row]);
            });
          },
          attempt,
        ),
      ledger: () => recorder.ledger(),
    };
  },
  async verify(ctx, state, ledgers) {
    // The ledger checks the log (acknowledged once, failed absent, ambiguous resolved); the log, written in the same
    // transaction as the increment, then says what each hot row must hold.
    const v = await verifyInsertLedgers(ctx, state.log, ledgers, false);
    const logged = (await ctx.knex(state.log).select('row_id').count({ n: '*' }).groupBy('row_id')) as { row_id: number | string; n: number | string }[];
    const expected = new Map(logged.map((r) => [Number(r.row_id), Number(r.n)]));
    const hotRows = (await ctx.knex(state.hot).select('id', 'value')) as { id: number | string; value: number | string }[];
    let wrong = 0;
    for (const r of hotRows) if (Number(r.value) !== (expected.get(Number(r.id)) ?? 0)) wrong++;
    if (hotRows.length !== state.rows) v.problems.push(`${state.rows - hotRows.length} hot rows missing`);
    if (wrong) v.problems.push(`${wrong} hot rows differ from the sum of their committed increments`);
    v.mismatched += wrong;
    v.ok = v.problems.length === 0;
    return v;
  },
});
