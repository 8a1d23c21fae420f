// The runner-free core of dbmatrix/jest and dbmatrix/vitest: each gives it its runner's describe and hooks.
import { resolve } from 'node:path';
import { type Profile, redactedUrl } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { type ConfigFile, checkConfig, loadConfigFile } from '../config/config-file';
import { parseAdapterList, resolveProfiles } from '../config/profiles';
import { configuredServers, needsServer, type ServerChoices, underCi, urlVariable } from '../servers/resolve';
import { dockerMayAnswer } from '../servers/testcontainers';
import { NamespacedDatabase, type ProjectSetup, type ServerSource, type TestDatabase } from './database';
import { handedServers, selectedAdapters, TEST_CONFIG_VARIABLE } from './selection';

export { selectedAdapters, TEST_ADAPTERS_VARIABLE } from './selection';

/** The parts of a test runner the helper declares with: Jest's globals, or Vitest's imports. */
export interface TestRunner {
  /** The helper's import name, which starts its lines: dbmatrix/jest or dbmatrix/vitest. */
  name: string;
  /** Declare a block. */
  describe(name: string, body: () => void): void;
  /** A hook before the block's first test, with a timeout in milliseconds. */
  beforeAll(hook: () => Promise<void>, timeoutMs: number): void;
  /** A hook after the block's last test, with a timeout in milliseconds. */
  afterAll(hook: () => Promise<void>, timeoutMs: number): void;
}

/** Options of describeEachAdapter. */
export interface EachAdapterOptions extends ProjectSetup {
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
export function declareEachAdapter(runner: TestRunner, name: string, body: (db: TestDatabase) => void, options: EachAdapterOptions = {}): void {
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
    log: (line: string) => process.stderr.write(`${runner.name}: ${line}\n`),
  };
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (const profile of profiles) {
    if (!reachable(profile.adapter as AdapterName, source)) continue;
    for (const { title, source: own } of eachServer(name, profile, source)) declare(title, profile, own);
  }

  function declare(title: string, profile: Profile, own: ServerSource): void {
    const project = { knex: options.knex, migrations: options.migrations, seeds: options.seeds };
    const db = new NamespacedDatabase(title, profile, own, undefined, undefined, project);
    runner.describe(db.title, () => {
      runner.beforeAll(() => db.open(), timeout);
      // Two afterAll hooks around the body's, the second to run closing: Jest runs afterAll hooks in the order declared,
      // Vitest by default in reverse, and either way the user's clean-up still has db.knex.
      let ran = 0;
      const closeSecond = () => (++ran === 2 ? db.close() : Promise.resolve());
      runner.afterAll(closeSecond, timeout);
      try {
        body(db);
      } finally {
        runner.afterAll(closeSecond, timeout);
      }
    });
  }
}

/** Adapters already said to be left out, in this test file. */
const leftOut = new Set<AdapterName>();

/**
 * Whether an adapter's blocks can reach a server: a file database, a server handed down or configured, or a Docker
 * engine that may start one. Without any (plain `jest` or an IDE on a machine without servers), its blocks are left out
 * with one line, rather than each failing in beforeAll; under CI they are declared and fail, since a run that quietly
 * tests fewer databases proves less.
 */
function reachable(adapter: AdapterName, source: ServerSource): boolean {
  if (!needsServer(adapter) || underCi() || source.urls?.[adapter]?.length || configuredServers(adapter, source).urls.length || dockerMayAnswer()) return true;
  if (!leftOut.has(adapter)) {
    leftOut.add(adapter);
    source.log(
      `${adapter}: no server (no ${urlVariable(adapter)}, none in the config file, no Docker engine): its blocks are left out of this run (under CI they fail)`,
    );
  }
  return false;
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
