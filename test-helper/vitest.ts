/**
 * dbmatrix/vitest: the same helper as dbmatrix/jest, for Vitest, with Vitest's describe and hooks imported rather
 * than global. An ES module only: Vitest cannot be required.
 *
 *   import { describeEachAdapter } from 'dbmatrix/vitest';
 *   import { expect, test } from 'vitest';
 *
 *   describeEachAdapter('orders repository', (db) => {
 *     test('saves an order', async () => { … });
 *   }, { knex: './knexfile.js', migrations: true });
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { TestDatabase } from './database';
import { declareEachAdapter, type EachAdapterOptions } from './each-adapter';

export type { Capabilities, Profile } from '../adapters/contract';
export type { AdapterName } from '../adapters/registry';
export type { TestDatabase } from './database';
export { type EachAdapterOptions, selectedAdapters, TEST_ADAPTERS_VARIABLE } from './each-adapter';
export type { ProjectKnex, ProjectMigrations, ProjectSeeds } from './project-knex';

/** Declare `body` once per selected adapter (and profile, and server when it has several); as describeEachAdapter of dbmatrix/jest. */
export function describeEachAdapter(name: string, body: (db: TestDatabase) => void, options: EachAdapterOptions = {}): void {
  declareEachAdapter({ name: 'dbmatrix/vitest', describe, beforeAll, afterAll }, name, body, options);
}
