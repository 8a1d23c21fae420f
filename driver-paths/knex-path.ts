import type { Knex } from 'knex';
import type { QueryTarget, Row, StatementPath, StatementRunner } from './contract';

/** A runner that builds each statement with knex, per operation, as an application using knex would. */
function runnerOn(db: QueryTarget): StatementRunner {
  return { run: async (stmt, params) => (await stmt.build(db, params)) as Row[] };
}

/** The knex path: query builder, knex's pool and knex's transactions. */
export function knexPath(knex: Knex): StatementPath {
  return {
    path: 'knex',
    ...runnerOn(knex),
    transaction: (body) => knex.transaction((trx) => body(runnerOn(trx))),
    close: async () => {},
  };
}
