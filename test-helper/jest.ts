/**
 * dbmatrix/jest: run your own tests once per database, each describe block in a namespace of its own.
 *
 *   describeEachAdapter('orders repository', (db) => {
 *     test('saves an order', async () => {
 *       await db.knex.schema.createTable('orders', (t) => t.increments('id'));
 *     });
 *   }, { knex: './knexfile.js', migrations: true });
 *
 * Adapters follow DBMATRIX_TEST_ADAPTERS (`dbmatrix test --adapter=postgres`), else all; servers follow
 * DBMATRIX_POSTGRES_URL / DBMATRIX_MYSQL_URL, else Testcontainers, as `dbmatrix run` finds them. An adapter given
 * several servers (a list under the config file's `servers` or `images`, or DBMATRIX_<ADAPTER>_IMAGE=a,b) gets the
 * block once per server.
 */
import type { TestDatabase } from './database';
import { declareEachAdapter, type EachAdapterOptions } from './each-adapter';

export type { Capabilities, Profile } from '../adapters/contract';
export type { AdapterName } from '../adapters/registry';
export type { TestDatabase } from './database';
export { type EachAdapterOptions, selectedAdapters, TEST_ADAPTERS_VARIABLE } from './each-adapter';
export type { ProjectKnex, ProjectMigrations, ProjectSeeds } from './project-knex';

/**
 * Declare `body` once per selected adapter (and profile, and server when it has several), as
 * `describe('<name> [<adapter>]', …)`. Each block gets a new namespace (PostgreSQL schema, MySQL database, SQLite
 * file) created in its beforeAll, with the project's migrations and seeds run there when asked, and dropped, with the
 * knex and any container, in its afterAll; `db.knex` works inside the block's tests and hooks. Adapters the run does
 * not select declare nothing: their tests are absent, not skipped.
 */
export function describeEachAdapter(name: string, body: (db: TestDatabase) => void, options: EachAdapterOptions = {}): void {
  // Jest's globals, looked up at the call: they exist only inside a test file.
  declareEachAdapter({ name: 'dbmatrix/jest', describe, beforeAll, afterAll }, name, body, options);
}
