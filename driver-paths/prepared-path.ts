import type { Knex } from 'knex';
import { bindingsFor, type CompiledStatement, compileStatement } from './compile';
import type { PreparedDriver, Row, Statement, StatementPath, StatementRunner } from './contract';

/** The parts of knex's client the prepared path borrows: its pool, with its session setup and its validation. */
interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

/**
 * The prepared path: statements compiled once by knex, then run straight through the driver as prepared statements on
 * connections taken from knex's pool. What it saves against the knex path is the cost of the query builder and, when
 * every worker can have a connection of its own (`pin`), of a pool checkout per operation.
 */
export function preparedPath(knex: Knex, driver: PreparedDriver, pin: boolean): StatementPath {
  const pool = knex.client as unknown as PoolClient;
  const compiled = new WeakMap<Statement, CompiledStatement>();
  let pinned: unknown;
  const execute = (connection: unknown, stmt: Statement, params: readonly Knex.Value[]): Promise<Row[]> => {
    let c = compiled.get(stmt);
    if (!c) compiled.set(stmt, (c = compileStatement(knex, stmt)));
    return driver.execute(connection, c.sql, bindingsFor(c, params));
  };
  // After a failure the connection goes back to the pool, which validates it before anyone gets it again: a broken one
  // is replaced, not reused.
  const unpin = async () => {
    const held = pinned;
    pinned = undefined;
    if (held !== undefined) await pool.releaseConnection(held);
  };
  const withConnection = async <T>(body: (connection: unknown) => Promise<T>): Promise<T> => {
    if (pin) {
      pinned ??= await pool.acquireConnection();
      try {
        return await body(pinned);
      } catch (err) {
        await unpin();
        throw err;
      }
    }
    const connection = await pool.acquireConnection();
    try {
      return await body(connection);
    } finally {
      await pool.releaseConnection(connection);
    }
  };
  return {
    path: 'prepared',
    run(stmt, params) {
      // A held connection needs no checkout: straight to the driver, the path's whole point.
      if (pinned !== undefined)
        return execute(pinned, stmt, params).catch(async (err: unknown) => {
          await unpin();
          throw err;
        });
      return withConnection((connection) => execute(connection, stmt, params));
    },
    transaction: (body) =>
      withConnection(async (connection) => {
        const tx: StatementRunner = { run: (stmt, params) => execute(connection, stmt, params) };
        await driver.control(connection, 'BEGIN');
        let result: Awaited<ReturnType<typeof body>>;
        try {
          result = await body(tx);
        } catch (err) {
          // The rollback's own failure (a dead connection) must not hide why the transaction failed.
          await driver.control(connection, 'ROLLBACK').catch(() => {});
          throw err;
        }
        try {
          await driver.control(connection, 'COMMIT');
        } catch (err) {
          // SQLite keeps a transaction open when COMMIT is refused as busy; it must not leak into the next operation.
          await driver.control(connection, 'ROLLBACK').catch(() => {});
          throw err;
        }
        return result;
      }),
    close: unpin,
  };
}
