import type { Knex } from 'knex';
import { defineWorkload, emptyVerification, finishVerification, statement } from '../../../api/workload';

/** A server-side wait of `ms`, per server adapter. */
const SERVER_SLEEP: Record<string, (ms: number) => string> = {
  postgres: (ms) => `select pg_sleep(${ms / 1000}) as slept`,
  mysql: (ms) => `select sleep(${ms / 1000}) as slept`,
};

/**
 * One query per operation that takes about `ms`, spent on the client (JavaScript holding the event loop, as a client
 * doing heavy work per row would) or on the server (a sleep there, the client idle meanwhile): the same latency, and
 * only the first makes the harness set the pace. Server adapters only.
 */
export function busyClientWorkload(name: string, where: 'client' | 'server', ms: number) {
  return defineWorkload<Record<string, never>, { ops: number; wrong: number }>({
    name,
    measures: `one query per operation after ${ms} ms spent on the ${where}`,
    verifies: 'every query returned its one row',
    concurrency: 'profile',
    writes: 'none',
    async setup() {
      return {};
    },
    worker(ctx) {
      const ledger = { ops: 0, wrong: 0 };
      const sql = where === 'server' ? SERVER_SLEEP[ctx.adapter.name]!(ms) : 'select 1 as one';
      const query = statement(0, (db) => db.raw(sql) as unknown as Knex.QueryBuilder);
      return {
        async op() {
          if (where === 'client') {
            const until = performance.now() + ms;
            while (performance.now() < until);
          }
          const result = await ctx.statements.run(query, []);
          ledger.ops++;
          if (result === undefined) ledger.wrong++;
        },
        ledger: () => ledger,
      };
    },
    async verify(_ctx, _state, ledgers) {
      const v = emptyVerification();
      for (const l of ledgers) {
        v.acknowledged += l.ops;
        v.mismatched += l.wrong;
      }
      return finishVerification(v, 'queries');
    },
  });
}
