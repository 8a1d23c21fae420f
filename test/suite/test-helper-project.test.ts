import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import { describeEachAdapter } from '../../test-helper/jest';
import { serverFor } from '../support/cells';

// dbmatrix/jest on a project's own knex set-up: a knexfile with environments, identifier mapping both ways, a pool
// hook of its own, migrations into its own history table, and seeds, each block in a namespace of its own.

const project = mkdtempSync(join(tmpdir(), 'dbmatrix-knex-project-'));
/** One line per connection the project's own pool.afterCreate saw: it runs in Node's realm, outside jest's sandbox. */
const afterCreateMarks = join(project, 'after-create.log');
mkdirSync(join(project, 'db', 'migrations'), { recursive: true });
mkdirSync(join(project, 'db', 'seeds'));
writeFileSync(
  join(project, 'db', 'migrations', '20260101000000_customer_accounts.js'),
  `exports.up = (knex) => knex.schema.createTable('customerAccounts', (t) => { t.increments('id'); t.string('fullName', 60).notNullable(); });
exports.down = (knex) => knex.schema.dropTable('customerAccounts');
`,
);
writeFileSync(join(project, 'db', 'seeds', 'customers.js'), "exports.seed = (knex) => knex('customerAccounts').insert([{ fullName: 'Ada Lovelace' }]);\n");
// Where the development section points does not exist: the block must connect where dbmatrix says, not there.
writeFileSync(
  join(project, 'knexfile.js'),
  `const { appendFileSync } = require('node:fs');
const snake = (s) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const camelRow = (row) => (row && typeof row === 'object' && !Array.isArray(row) ? Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) : row);
const shared = {
  client: 'pg',
  connection: { host: 'db.invalid', port: 1, user: 'app', password: 'not-this-one', database: 'app' },
  wrapIdentifier: (value, original) => original(value === '*' ? value : snake(value)),
  postProcessResponse: (result) => (Array.isArray(result) ? result.map(camelRow) : result),
  pool: { min: 0, max: 50, afterCreate: (conn, done) => { appendFileSync(${JSON.stringify(afterCreateMarks)}, 'connection\\n'); done(null, conn); } },
  migrations: { directory: './db/migrations', tableName: 'schema_history' },
  seeds: { directory: './db/seeds' },
};
module.exports = { development: shared, test: shared };
`,
);
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** The tables of a namespace, as a connection from outside it sees them. */
async function tablesOf(adapter: AdapterName, namespace: string, file: string | undefined): Promise<string[]> {
  const a = adapterFor(adapter);
  const knex = knexFactory(a.knexConfig(serverFor(adapter) ?? { url: file!, provider: 'file' }, a.defaultProfiles[0]!));
  try {
    const query: Record<AdapterName, () => Promise<string[]>> = {
      sqlite: () => knex('sqlite_master').where('type', 'table').andWhereNot('name', 'like', 'sqlite_%').pluck('name'),
      postgres: () => knex('information_schema.tables').where('table_schema', namespace).pluck('table_name'),
      mysql: async () =>
        ((await knex('information_schema.tables').select({ name: 'table_name' }).where('table_schema', namespace)) as { name: string }[]).map((r) => r.name),
    };
    return (await query[adapter]()).sort();
  } finally {
    await knex.destroy();
  }
}

describeEachAdapter(
  "a project's knexfile, migrations and seeds",
  (db) => {
    test("the migrations ran in the block's namespace, recorded in the project's own history table", async () => {
      const file = db.adapter === 'sqlite' ? (db.knex.client.config.connection as { filename: string }).filename : undefined;
      expect(await tablesOf(db.adapter, db.namespace, file)).toEqual(['customer_accounts', 'schema_history', 'schema_history_lock']);
      expect(await db.knex('schemaHistory').pluck('name')).toEqual(['20260101000000_customer_accounts.js']);
    });

    test("the seeds ran, and rows come back through the project's identifier mapping", async () => {
      expect(await db.knex('customerAccounts').select('id', 'fullName')).toEqual([{ id: 1, fullName: 'Ada Lovelace' }]);
    });

    test("the profile's pool applies on top of the project's, and the project's own pool hook still runs", () => {
      const pool = db.knex.client.config.pool as { min: number; max: number };
      expect(pool.max).toBe(db.adapter === 'sqlite' ? 1 : db.profile.pool.max);
      expect(readFileSync(afterCreateMarks, 'utf8')).toMatch(/^connection\n/);
    });

    test("the profile's session settings are in force on the project's knex", async () => {
      const session = db.profile.session as Record<string, unknown>;
      const read: Record<AdapterName, () => Promise<[unknown, unknown]>> = {
        // Not busy_timeout: the harness sets SQLite's own to 0 and times lock waits itself.
        sqlite: async () => [Object.values((await db.knex.raw('PRAGMA journal_mode'))[0])[0], session.journal_mode],
        postgres: async () => [(await db.knex.raw('SHOW synchronous_commit')).rows[0].synchronous_commit, session.synchronous_commit],
        mysql: async () => [(await db.knex.raw('SELECT @@session.innodb_lock_wait_timeout AS t'))[0][0].t, session.innodb_lock_wait_timeout],
      };
      const [inForce, profile] = await read[db.adapter]();
      expect(String(inForce).toLowerCase()).toBe(String(profile).toLowerCase());
    });
  },
  { knex: join(project, 'knexfile.js'), migrations: true, seeds: true },
);

describeEachAdapter(
  'a knex configuration given as a function of the adapter, and a migrations folder',
  (db) => {
    test('the function was asked for this adapter, and the folder was migrated into knex_migrations', async () => {
      // No identifier mapping here: the table has the name the migration wrote.
      expect(await db.knex('customerAccounts').count({ n: '*' })).toEqual([{ n: expect.anything() }]);
      expect(await db.knex('knex_migrations').pluck('name')).toEqual(['20260101000000_customer_accounts.js']);
      expect(db.knex.client.config.asked).toBe(db.adapter);
    });
  },
  { knex: (adapter) => ({ asked: adapter }) as never, migrations: join(project, 'db', 'migrations') },
);
