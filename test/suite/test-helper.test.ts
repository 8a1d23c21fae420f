import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { NamespaceTakenError, redactedUrl } from '../../adapters/contract';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import { resolveProfiles } from '../../config/profiles';
import { imageVariable } from '../../docker/images';
import { newRunId } from '../../matrix/namespace';
import { needsServer, urlVariable } from '../../servers/resolve';
import { NamespacedDatabase } from '../../test-helper/database';
import { describeEachAdapter, selectedAdapters, type TestDatabase } from '../../test-helper/jest';
import { serverFor } from '../support/cells';

/** A namespace a block of this file used, to look for after the block ended. */
interface Place {
  /** Its adapter. */
  adapter: AdapterName;
  /** Its name. */
  namespace: string;
  /** SQLite: the database file. */
  file?: string;
}

/** The file a SQLite block's knex opened (undefined elsewhere). */
function fileOf(db: TestDatabase): string | undefined {
  return db.adapter === 'sqlite' ? (db.knex.client.config.connection as { filename: string }).filename : undefined;
}

/** Run `look` on a connection of its own, outside every namespace: the server's own database, or the SQLite file itself. */
async function fromOutside<T>(place: Place, look: (knex: Knex) => Promise<T>): Promise<T> {
  const adapter = adapterFor(place.adapter);
  const knex = knexFactory(adapter.knexConfig(serverFor(place.adapter) ?? { url: place.file!, provider: 'file' }, adapter.defaultProfiles[0]!));
  try {
    return await look(knex);
  } finally {
    await knex.destroy();
  }
}

/** How each database shows a namespace to a connection outside it, and where a connection points. */
const CATALOG: Record<
  AdapterName,
  {
    /** Whether the namespace exists. */
    exists(place: Place): Promise<boolean>;
    /** The tables in it. */
    tables(place: Place): Promise<string[]>;
    /** The namespace a knex works in, as the database reports it. */
    current(knex: Knex): Promise<string>;
  }
> = {
  sqlite: {
    // Opening a missing SQLite file would create it: existence is the file system's answer.
    exists: async (place) => existsSync(place.file!),
    tables: (place) =>
      fromOutside(place, async (k) => (await k('sqlite_master').where('type', 'table').andWhereNot('name', 'like', 'sqlite_%').pluck('name')) as string[]),
    current: async (knex) => {
      const main = ((await knex.raw('PRAGMA database_list')) as { name: string; file: string }[]).find((d) => d.name === 'main')!;
      return basename(main.file, '.db');
    },
  },
  postgres: {
    exists: (place) => fromOutside(place, async (k) => (await k('pg_namespace').where('nspname', place.namespace)).length === 1),
    tables: (place) =>
      fromOutside(place, async (k) => (await k('information_schema.tables').where('table_schema', place.namespace).pluck('table_name')) as string[]),
    current: async (knex) => (await knex.raw('select current_schema() as s')).rows[0].s,
  },
  mysql: {
    exists: (place) => fromOutside(place, async (k) => (await k('information_schema.schemata').where('schema_name', place.namespace)).length === 1),
    tables: (place) =>
      fromOutside(place, async (k) =>
        ((await k('information_schema.tables').select({ name: 'table_name' }).where('table_schema', place.namespace)) as { name: string }[]).map((r) => r.name),
      ),
    current: async (knex) => (await knex.raw('select database() as d'))[0][0].d,
  },
};

/** Every namespace the blocks below used, recorded in their beforeAll. */
const used: Place[] = [];
/** The databases of the blocks below, to use after the blocks ended. */
const ended: TestDatabase[] = [];

/** A profile other than the default, a `--set` override, and what reading the settings back must show. */
const NAMED_PROFILE: Record<AdapterName, { profile: string; setting: string; check: (s: Record<string, string>) => void }> = {
  sqlite: {
    profile: 'sqlite-delete',
    setting: 'sqlite.busy_timeout=1234',
    check: (s) => expect([s.journal_mode, s.busy_timeout]).toEqual(['delete', '1234']),
  },
  postgres: {
    profile: 'postgres-async-commit',
    setting: 'postgres.statement_timeout=12345',
    check: (s) => expect([s.synchronous_commit, s.statement_timeout]).toEqual(['off', '12345 (ms)']),
  },
  mysql: {
    profile: 'mysql-read-committed',
    setting: 'mysql.innodb_lock_wait_timeout=7',
    check: (s) => expect([s.transaction_isolation ?? s.tx_isolation, s.innodb_lock_wait_timeout]).toEqual(['READ-COMMITTED', '7']),
  },
};

describeEachAdapter('orders repository', (db) => {
  let outsideTests: unknown;
  try {
    void db.knex;
  } catch (err) {
    outsideTests = err;
  }

  ended.push(db);
  beforeAll(async () => {
    used.push({ adapter: db.adapter, namespace: db.namespace, file: fileOf(db) });
    await db.knex.schema.createTable('orders', (t) => {
      t.increments('id');
      t.string('customer', 40).notNullable();
    });
    await db.knex('orders').insert([{ customer: 'ada' }, { customer: 'bob' }]);
  });

  // The user's clean-up runs before the helper's: db.knex is still live here.
  afterAll(() => db.knex('orders').del());

  test('the block is named after its adapter', () => {
    expect(expect.getState().currentTestName).toBe(`orders repository [${db.adapter}] the block is named after its adapter`);
  });

  test('db.knex in the describe callback is a clear error, not a crash later', () => {
    expect(String(outsideTests)).toMatch(/db\.knex of 'orders repository \[\w+\]' is only available inside its tests and hooks/);
  });

  test('a plain table name is written and read back', async () => {
    expect(await db.knex('orders').orderBy('id').pluck('customer')).toEqual(['ada', 'bob']);
  });

  test('the knex works in the namespace, and a connection from outside finds the table there', async () => {
    expect(db.namespace).toMatch(/^dbmx_[a-z0-9]+$/);
    expect(await CATALOG[db.adapter].current(db.knex)).toBe(db.namespace);
    expect(await CATALOG[db.adapter].tables({ adapter: db.adapter, namespace: db.namespace, file: fileOf(db) })).toEqual(['orders']);
  });

  describeEachAdapter(
    'a second block alive at the same time',
    (inner) => {
      beforeAll(() => void used.push({ adapter: inner.adapter, namespace: inner.namespace, file: fileOf(inner) }));

      test('has its own `orders`, and neither sees the other’s rows', async () => {
        expect(inner.namespace).not.toBe(db.namespace);
        await inner.knex.schema.createTable('orders', (t) => {
          t.increments('id');
          t.string('customer', 40).notNullable();
        });
        await inner.knex('orders').insert({ customer: 'eve' });
        expect(await inner.knex('orders').pluck('customer')).toEqual(['eve']);
        expect(await db.knex('orders').orderBy('id').pluck('customer')).toEqual(['ada', 'bob']);
      });
    },
    { adapters: [db.adapter] },
  );
});

describeEachAdapter(
  'under a named profile with an override',
  (db) => {
    beforeAll(() => void used.push({ adapter: db.adapter, namespace: db.namespace, file: fileOf(db) }));

    test('the block names the profile, and the namespace’s connections run its settings', async () => {
      const expected = NAMED_PROFILE[db.adapter];
      expect(expect.getState().currentTestName).toContain(`[${db.adapter}: ${expected.profile}]`);
      expect(db.profile.name).toBe(expected.profile);
      expected.check(await adapterFor(db.adapter).readSettings(db.knex));
    });
  },
  { profiles: Object.values(NAMED_PROFILE).map((p) => p.profile), settings: Object.values(NAMED_PROFILE).map((p) => p.setting) },
);

// Jest runs blocks in order and ends each with its afterAll, so by now every block above has cleaned up.
describe('after the blocks above', () => {
  test('each left no namespace behind, seen from a separate connection, and no SQLite folder', async () => {
    expect(used.map((p) => p.adapter).sort()).toEqual(
      selectedAdapters()
        .flatMap((a) => [a, a, a])
        .sort(),
    );
    for (const place of used) {
      expect({ ...place, exists: await CATALOG[place.adapter].exists(place) }).toEqual({ ...place, exists: false });
      if (place.file) expect(existsSync(dirname(place.file))).toBe(false);
    }
  });

  test('their db.knex says it was closed', () => {
    expect(ended.map((db) => db.adapter)).toEqual(selectedAdapters());
    for (const db of ended) {
      expect(() => db.knex).toThrow(
        new RegExp(`^db\\.knex of 'orders repository \\[${db.adapter}\\]' was closed when the block ended; use it in the block's own tests and hooks$`),
      );
    }
  });
});

/** A namespace made by someone else, with a row in it, on each database. */
const SOMEONE_ELSES: Record<AdapterName, { make(place: Place): Promise<void>; rows(place: Place): Promise<string[]>; remove(place: Place): Promise<void> }> = {
  sqlite: {
    make: (place) =>
      fromOutside(place, async (k) => {
        await k.schema.createTable('keep', (t) => t.text('v'));
        await k('keep').insert({ v: 'precious' });
      }),
    rows: (place) => fromOutside(place, async (k) => (await k('keep').pluck('v')) as string[]),
    remove: async (place) => rmSync(dirname(place.file!), { recursive: true, force: true }),
  },
  postgres: {
    make: (place) =>
      fromOutside(place, async (k) => {
        await k.raw('create schema ??', [place.namespace]);
        await k.raw('create table ??.keep (v text)', [place.namespace]);
        await k.raw(`insert into ??.keep values ('precious')`, [place.namespace]);
      }),
    rows: (place) => fromOutside(place, async (k) => (await k.raw('select v from ??.keep', [place.namespace])).rows.map((r: { v: string }) => r.v)),
    remove: (place) => fromOutside(place, async (k) => void (await k.raw('drop schema ?? cascade', [place.namespace]))),
  },
  mysql: {
    make: (place) =>
      fromOutside(place, async (k) => {
        await k.raw('create database ??', [place.namespace]);
        await k.raw('create table ??.keep (v text)', [place.namespace]);
        await k.raw(`insert into ??.keep values ('precious')`, [place.namespace]);
      }),
    rows: (place) => fromOutside(place, async (k) => (await k.raw('select v from ??.keep', [place.namespace]))[0].map((r: { v: string }) => r.v)),
    remove: (place) => fromOutside(place, async (k) => void (await k.raw('drop database ??', [place.namespace]))),
  },
};

describe.each(selectedAdapters().map((a) => [a]))('%s: a namespace name that is taken', (adapter) => {
  test('set-up fails naming it, db.knex says so, and clean-up leaves it and its data alone', async () => {
    const namespace = `dbmx_${newRunId()}`;
    const sqliteDir = adapter === 'sqlite' ? mkdtempSync(join(tmpdir(), 'dbmatrix-taken-')) : undefined;
    const place: Place = { adapter, namespace, file: sqliteDir && join(sqliteDir, `${namespace}.db`) };
    await SOMEONE_ELSES[adapter].make(place);
    try {
      const profile = resolveProfiles({ adapters: [adapter] })[0]!;
      const db = new NamespacedDatabase('taken', profile, { urls: {}, images: {}, log: () => {} }, namespace, sqliteDir);
      const kind = adapterFor(adapter).testNamespaces.kind;
      await expect(db.open()).rejects.toThrow(
        new RegExp(`^${adapter} ${kind} \\S*${namespace}(\\.db)? already exists at .* was not created by this test run; it was left untouched$`),
      );
      expect(() => db.knex).toThrow(/set-up failed \(.*already exists/);
      await db.close();
      expect(await SOMEONE_ELSES[adapter].rows(place)).toEqual(['precious']);
    } finally {
      await SOMEONE_ELSES[adapter].remove(place);
    }
  });
});

test('a taken-namespace message never shows a password', () => {
  const err = new NamespaceTakenError('postgres', 'schema', 'dbmx_x', { url: 'postgres://u:hunter2@db.example:5432/app', provider: 'url' });
  expect(err.message).toBe(
    'postgres schema dbmx_x already exists at postgres://u:***@db.example:5432/app and was not created by this test run; it was left untouched',
  );
});

/** A config file that gives each selected server adapter its server twice, as a user lists two versions of it. */
const twiceDir = mkdtempSync(join(tmpdir(), 'dbmatrix-twice-'));
const twiceUrls = Object.fromEntries(selectedAdapters().flatMap((a) => (needsServer(a) ? [[a, process.env[urlVariable(a)]!]] : [])));
const twiceConfig = join(twiceDir, 'dbmatrix.config.json');
writeFileSync(twiceConfig, JSON.stringify({ servers: Object.fromEntries(Object.entries(twiceUrls).map(([a, url]) => [a, [url, url]])) }));
afterAll(() => rmSync(twiceDir, { recursive: true, force: true }));

/** The names of the tests that ran in the blocks on each configured server, in order. */
const onEachServer: string[] = [];

// The environment outranks a config file, and the suite's global setup put each server's URL there (a CI leg its image
// too): set aside while the blocks are declared (when their servers are chosen), as in a project whose servers are in
// its config file alone.
const outranking = Object.fromEntries(
  Object.keys(twiceUrls).flatMap((a) => [urlVariable(a as AdapterName), imageVariable(a as AdapterName)].map((v) => [v, process.env[v]])),
);
for (const variable of Object.keys(outranking)) delete process.env[variable];
try {
  describeEachAdapter(
    'on each configured server',
    (db) => {
      test('reaches its server', async () => {
        onEachServer.push(expect.getState().currentTestName!);
        expect(await CATALOG[db.adapter].current(db.knex)).toBe(db.namespace);
      });
    },
    { config: twiceConfig },
  );
} finally {
  for (const [variable, value] of Object.entries(outranking)) if (value !== undefined) process.env[variable] = value;
}

test('a server adapter given two servers ran the block on each, titled with it; a file database once', () => {
  expect(onEachServer).toEqual(
    selectedAdapters().flatMap((a) =>
      needsServer(a)
        ? [1, 2].map((n) => `on each configured server [${a}, server ${n} of 2: ${redactedUrl(twiceUrls[a]!)}] reaches its server`)
        : [`on each configured server [${a}] reaches its server`],
    ),
  );
});
