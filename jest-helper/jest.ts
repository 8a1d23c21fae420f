/**
 * dbmatrix/jest: run your own tests once per database, each describe block in a namespace of its own.
 *
 *   describeEachAdapter('orders repository', (db) => {
 *     test('saves an order', async () => {
 *       await db.knex.schema.createTable('orders', (t) => t.increments('id'));
 *     });
 *   });
 *
 * Adapters follow DBMATRIX_TEST_ADAPTERS (`dbmatrix test --adapter=postgres`), else all; servers follow
 * DBMATRIX_POSTGRES_URL / DBMATRIX_MYSQL_URL, else Testcontainers, as `dbmatrix run` finds them. An adapter given
 * several servers (a list under the config file's `servers` or `images`, or DBMATRIX_<ADAPTER>_IMAGE=a,b) gets the
 * block once per server.
 */
import { resolve } from 'node:path';
import { type Profile, redactedUrl } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { type ConfigFile, checkConfig, loadConfigFile } from '../config/config-file';
import { parseAdapterList, resolveProfiles } from '../config/profiles';
import { configuredServers, needsServer, type ServerChoices } from '../servers/resolve';
import { NamespacedDatabase, type ServerSource, type TestDatabase } from './database';
import { handedServers, selectedAdapters, TEST_CONFIG_VARIABLE } from './selection';

export type { Capabilities, Profile } from '../adapters/contract';
export type { AdapterName } from '../adapters/registry';
export type { TestDatabase } from './database';
export { selectedAdapters, TEST_ADAPTERS_VARIABLE } from './selection';

/** Options of describeEachAdapter. */
export interface EachAdapterOptions {
  /** Adapters to run the block for, among those the run selects; default: every selected adapter. */
  adapters?: AdapterName[];
  /** Profiles to run the block under, by name as `dbmatrix list profiles` shows them; default: each adapter's default profile. Profiles of adapters the run does not select are left out. */
  profiles?: string[];
  /** Profile overrides as `dbmatrix run --set` takes them, e.g. 'postgres.pool.max=2' or 'sqlite.journal_mode=DELETE'. */
  settings?: string[];
  /** A dbmatrix config file (profiles, set, servers, images) in JSON, relative to the working directory. Default: the one `dbmatrix test` read (dbmatrix.config.* in the working directory, or its --config). */
  config?: string;
  /** Milliseconds the set-up (which may start a container) and the clean-up may each take; default 120 000. */
  timeoutMs?: number;
}

/** Set-up and clean-up may start and stop a container: far beyond jest's 5 s hook timeout. */
const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Declare `body` once per selected adapter (and profile, and server when it has several), as
 * `describe('<name> [<adapter>]', …)`. Each block gets a new
 * namespace (PostgreSQL schema, MySQL database, SQLite file) created in its beforeAll and dropped, with the knex and any
 * container, in its afterAll; `db.knex` works inside the block's tests and hooks. Adapters the run does not select
 * declare nothing: their tests are absent, not skipped.
 */
export function describeEachAdapter(name: string, body: (db: TestDatabase) => void, options: EachAdapterOptions = {}): void {
  const handed = process.env[TEST_CONFIG_VARIABLE];
  const config: ConfigFile | undefined = options.config
    ? loadConfigFile(resolve(options.config))
    : handed
      ? checkConfig(JSON.parse(handed), `${TEST_CONFIG_VARIABLE}`, process.cwd())
      : undefined;
  const selected = selectedAdapters();
  const wanted = options.adapters ? parseAdapterList(options.adapters.join(',')).filter((a) => selected.includes(a)) : selected;
  if (wanted.length === 0) return;
  const profiles = resolveProfiles({ adapters: wanted, profiles: options.profiles, settings: options.settings, config }).filter((p) =>
    wanted.includes(p.adapter as AdapterName),
  );
  const source: ServerSource = {
    // Servers `dbmatrix test` started once for the whole run come first: every block and file shares them.
    urls: handedServers(),
    config: { servers: config?.servers as ServerChoices | undefined, images: config?.images as ServerChoices | undefined },
    log: (line: string) => process.stderr.write(`dbmatrix/jest: ${line}\n`),
  };
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (const profile of profiles) for (const { title, source: own } of eachServer(name, profile, source)) declare(title, profile, own);

  function declare(title: string, profile: Profile, own: ServerSource): void {
    const db = new NamespacedDatabase(title, profile, own);
    describe(db.title, () => {
      beforeAll(() => db.open(), timeout);
      try {
        body(db);
      } finally {
        // Declared after the body's hooks: jest runs afterAll hooks in the order declared, so the user's clean-up still has db.knex.
        afterAll(() => db.close(), timeout);
      }
    });
  }
}

/**
 * A block per server configured for the profile's adapter, each reaching that server alone: `name [postgres]` for the
 * one server, `name [postgres, server 2 of 2: postgres:17]` for each of several (its image, or its URL without the
 * password: the version it reports is known only once it answers).
 */
function eachServer(name: string, profile: Profile, source: ServerSource): { title: string; source: ServerSource }[] {
  const adapter = profile.adapter as AdapterName;
  const single = [{ title: `${name} [${label(profile)}]`, source }];
  if (!needsServer(adapter)) return single;
  const { urls, images } = configuredServers(adapter, source);
  // Each block is given its one server as if on the command line, which outranks every other source.
  const servers = urls.length
    ? urls.map((url) => ({ urls: { [adapter]: url.value }, images: {}, shown: redactedUrl(url.value) }))
    : images.map((image) => ({ urls: {}, images: { [adapter]: image.value }, shown: image.value }));
  if (servers.length < 2) return single;
  return servers.map(({ urls: u, images: i, shown }, n) => ({
    title: `${name} [${label(profile)}, server ${n + 1} of ${servers.length}: ${shown}]`,
    source: { ...source, urls: u, images: i },
  }));
}

/** `postgres` for an adapter's default profile, `postgres: postgres-async-commit` for another. */
function label(profile: Profile): string {
  const isDefault = adapterFor(profile.adapter as AdapterName).defaultProfiles[0]?.name === profile.name;
  return isDefault ? profile.adapter : `${profile.adapter}: ${profile.name}`;
}
