// A custom workload in TypeScript: money moves between accounts, two updates in one transaction per operation.
// Run it: npx dbmatrix run --workload examples/workloads/transfers.ts --adapter sqlite,postgres,mysql
import { defineWorkload, emptyVerification, finishVerification, isAmbiguous, keyChooser, statement, type Verification } from 'dbmatrix';

const ACCOUNTS = 1000;
const OPENING_BALANCE = 10_000;

/** What setup hands every worker: plain data, since SQLite workers run in threads of their own. */
interface State {
  table: string;
}

/** One worker's transfers: committed ones by account, and how many were in doubt (connection lost at commit). */
interface Ledger {
  delta: Record<number, number>;
  committed: number;
  failed: number;
  inDoubt: number;
}

export default defineWorkload<State, Ledger>({
  name: 'transfers',
  measures: 'workers moving money between accounts (zipfian: a few accounts are busy), two UPDATEs per transaction',
  verifies: 'every account holds its opening balance plus its committed transfers, and the total is unchanged',
  concurrency: 'profile',
  writes: 'every-operation',
  preparable: true,

  async setup(ctx) {
    const table = ctx.table('accounts');
    await ctx.createTable(table, (t) => {
      t.integer('id').primary();
      t.bigInteger('balance').notNullable();
    });
    const rows = Array.from({ length: ACCOUNTS }, (_, i) => ({ id: i + 1, balance: OPENING_BALANCE }));
    await ctx.knex.batchInsert(table, rows, 200);
    return { table };
  },

  worker(ctx, state) {
    const ledger: Ledger = { delta: {}, committed: 0, failed: 0, inDoubt: 0 };
    const pick = keyChooser(ctx.profile.keyDistribution, ACCOUNTS);
    // balance + ? rather than knex's increment(), which does not pass its amount on as a plain binding and so cannot be prepared.
    const move = statement(2, (db, [id, amount]) =>
      db(state.table)
        .where({ id })
        .update({ balance: db.raw('balance + ?', [amount!]) }),
    );
    return {
      async op() {
        const from = pick();
        let to = pick();
        if (to === from) to = (from % ACCOUNTS) + 1;
        const amount = 1 + Math.floor(Math.random() * 100);
        // Lower id first: two transfers over the same pair lock in the same order and cannot deadlock.
        const [first, second] =
          from < to
            ? [
                [from, -amount],
                [to, amount],
              ]
            : [
                [to, amount],
                [from, -amount],
              ];
        try {
          await ctx.statements.transaction(async (tx) => {
            await tx.run(move, first!);
            await tx.run(move, second!);
          });
        } catch (err) {
          if (isAmbiguous(ctx, err)) ledger.inDoubt++;
          else ledger.failed++;
          throw err;
        }
        ledger.delta[from] = (ledger.delta[from] ?? 0) - amount;
        ledger.delta[to] = (ledger.delta[to] ?? 0) + amount;
        ledger.committed++;
      },
      ledger: () => ledger,
    };
  },

  async verify(ctx, state, ledgers): Promise<Verification> {
    const v = emptyVerification();
    const expected = new Map<number, number>();
    for (let id = 1; id <= ACCOUNTS; id++) expected.set(id, OPENING_BALANCE);
    for (const l of ledgers) {
      for (const [id, d] of Object.entries(l.delta)) expected.set(Number(id), expected.get(Number(id))! + d);
      v.acknowledged += l.committed;
      v.failed += l.failed;
      v.ambiguous += l.inDoubt;
    }
    const rows = (await ctx.knex(state.table).select('id', 'balance')) as { id: number; balance: number | string }[];
    const total = rows.reduce((n, r) => n + Number(r.balance), 0);
    if (total !== ACCOUNTS * OPENING_BALANCE) v.problems.push(`money was created or lost: total ${total}, expected ${ACCOUNTS * OPENING_BALANCE}`);
    if (rows.length !== ACCOUNTS) v.lost += Math.max(0, ACCOUNTS - rows.length);
    // A transfer in doubt may have committed: its two accounts cannot be checked exactly, the total still can.
    if (v.ambiguous === 0) for (const r of rows) if (Number(r.balance) !== expected.get(r.id)) v.mismatched++;
    return finishVerification(v, 'accounts');
  },
});
