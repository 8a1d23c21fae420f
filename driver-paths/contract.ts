import type { Knex } from 'knex';

/** How a cell's statements reach the database: built by knex per operation, or compiled once and run as prepared statements. */
export const DRIVER_PATHS = ['knex', 'prepared'] as const;
export type DriverPath = (typeof DRIVER_PATHS)[number];

/** A row as the driver returns it. */
export type Row = Record<string, unknown>;

/** Where a statement is built: the cell's knex or a knex transaction. */
export type QueryTarget = Knex | Knex.Transaction;

/**
 * One statement shape. `build` must use its parameters only as values (never as identifiers or to choose clauses),
 * so the SQL knex compiles for any parameters is the same text with different bindings.
 */
export interface Statement {
  /** Number of parameters `build` takes. */
  arity: number;
  /** The knex query for some parameters; the knex path calls it per operation, the prepared path once. */
  build(db: QueryTarget, params: readonly Knex.Value[]): Knex.QueryBuilder;
}

/** Runs statements, inside a transaction or not. */
export interface StatementRunner {
  /** Run a statement with its parameters; rows for a query, nothing useful for a write. */
  run(statement: Statement, params: readonly Knex.Value[]): Promise<Row[]>;
}

/** A worker's way to the database under the profile's driver path. */
export interface StatementPath extends StatementRunner {
  /** Which path this is. */
  readonly path: DriverPath;
  /** Run `body` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(body: (tx: StatementRunner) => Promise<T>): Promise<T>;
  /** Give back any connection the path holds; called once the worker stops. */
  close(): Promise<void>;
}

/** Define a statement (a typed identity, so workloads read as declarations). */
export function statement(arity: number, build: Statement['build']): Statement {
  return { arity, build };
}

/** An adapter's driver used directly on a connection from knex's pool: the prepared path's one adapter-specific part. */
export interface PreparedDriver {
  /** Run compiled SQL with positional bindings as a prepared statement, cached per connection; rows for a query, [] otherwise. */
  execute(connection: unknown, sql: string, bindings: readonly unknown[]): Promise<Row[]>;
  /** Run a transaction-control statement (BEGIN, COMMIT, ROLLBACK) as plain text, as knex sends it. */
  control(connection: unknown, sql: 'BEGIN' | 'COMMIT' | 'ROLLBACK'): Promise<void>;
  /** Run one SQL text as written, unprepared and unbound: rows as arrays in column order (columns may share a name), [] for a statement without rows. */
  text(connection: unknown, sql: string): Promise<unknown[][]>;
}
