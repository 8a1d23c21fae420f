import { dirname, isAbsolute, resolve } from 'node:path';
import type { Knex } from 'knex';
import type { AdapterName } from '../adapters/registry';
import { defaultExport, requireUserModule } from '../config/user-module';
import { UserError } from '../model/user-error';

/**
 * The project's own knex configuration, the base of every block's knex: an object, a function of the adapter (to give
 * each database its own), or the path of a knexfile (JavaScript or TypeScript; one with environments gives the one
 * NODE_ENV names, else `development`, as the knex CLI picks).
 */
export type ProjectKnex = Knex.Config | ((adapter: AdapterName) => Knex.Config | undefined) | string;

/** Migrations to run in each block's namespace before its tests: true for the knex config's own `migrations`, a folder, or knex's migration options. */
export type ProjectMigrations = true | string | Knex.MigratorConfig;

/** Seeds to run after the migrations: true for the knex config's own `seeds`, a folder, or knex's seed options. */
export type ProjectSeeds = true | string | Knex.SeederConfig;

/** The project's knex configuration for one adapter, and the folder its relative paths (migrations, seeds) start from. */
export interface ProjectBase {
  /** The configuration as the project wrote it. */
  config: Knex.Config;
  /** The knexfile's folder, else the working directory. */
  dir: string;
}

/** Connection keys that say where to connect: the block decides those (the run's server, its own namespace). */
const ADDRESS_KEYS = new Set(['host', 'port', 'user', 'password', 'database', 'connectionString', 'filename', 'socketPath', 'uri', 'url', 'schema']);

/** The project's knex configuration for `adapter`, or undefined when none was given. */
export function projectBase(given: ProjectKnex | undefined, adapter: AdapterName): ProjectBase | undefined {
  if (given === undefined) return undefined;
  if (typeof given === 'function') {
    const config = given(adapter);
    return config ? { config, dir: process.cwd() } : undefined;
  }
  if (typeof given !== 'string') return { config: given, dir: process.cwd() };
  const file = resolve(given);
  const mod = requireUserModule(file, 'knexfile');
  const loaded = defaultExport(mod) ?? mod;
  const chosen = typeof loaded === 'function' ? (loaded as (a: AdapterName) => unknown)(adapter) : loaded;
  if (typeof chosen !== 'object' || chosen === null) throw new UserError(`knexfile ${file} exports no knex configuration object`);
  return { config: forEnvironment(chosen as Record<string, unknown>, file), dir: dirname(file) };
}

/** A knexfile with one section per environment gives NODE_ENV's (else development's); a plain configuration is itself. */
function forEnvironment(exported: Record<string, unknown>, file: string): Knex.Config {
  if ('client' in exported || 'connection' in exported) return exported as Knex.Config;
  const environment = process.env.NODE_ENV || 'development';
  const section = exported[environment];
  if (typeof section !== 'object' || section === null)
    throw new UserError(`knexfile ${file} has no '${environment}' section (it has ${Object.keys(exported).join(', ') || 'none'}); set NODE_ENV to one of them`);
  return section as Knex.Config;
}

/**
 * The block's knex configuration: the project's as the base (postProcessResponse, wrapIdentifier, the driver's
 * connection options such as typeCast …), with the block's on top, which decides the client, where to connect (the
 * server and the namespace) and the profile's pool and session settings. A pool.afterCreate of the project's runs
 * first, then the profile's session settings, so those are what the tests run under.
 */
export function onTopOfProject(base: Knex.Config | undefined, block: Knex.Config): Knex.Config {
  if (!base) return block;
  const { migrations: _m, seeds: _s, ...rest } = base;
  const theirs = typeof base.connection === 'object' && base.connection !== null ? base.connection : {};
  const connectionOptions = Object.fromEntries(Object.entries(theirs).filter(([key]) => !ADDRESS_KEYS.has(key)));
  const pool = {
    ...base.pool,
    ...block.pool,
    afterCreate: chained(base.pool?.afterCreate as AfterCreate | undefined, block.pool?.afterCreate as AfterCreate | undefined),
  };
  return { ...rest, ...block, log: base.log ?? block.log, connection: { ...connectionOptions, ...(block.connection as object) }, pool };
}

/** A pool.afterCreate callback. */
type AfterCreate = (conn: unknown, done: (err: Error | null, conn: unknown) => void) => void;

/** The project's afterCreate, then the block's, each in knex's callback form. */
function chained(first: AfterCreate | undefined, then: AfterCreate | undefined): AfterCreate | undefined {
  if (!first || !then) return first ?? then;
  return (conn, done) => first(conn, (err, c) => (err ? done(err, c) : then(c, done)));
}

/**
 * Options for knex.migrate or knex.seed: the config's own for `true`, a folder, or options as given. Relative folders
 * start from the knexfile's (the knex CLI runs there), and the default folder is knex's own: ./migrations, ./seeds.
 */
export function projectOptions<T extends { directory?: string | readonly string[] }>(
  given: true | string | T,
  own: T | undefined,
  dir: string,
  what: 'migrations' | 'seeds',
): T {
  const options = given === true ? own : typeof given === 'string' ? ({ directory: given } as T) : given;
  if (!options) throw new UserError(`${what}: true takes them from the knex config, which has no '${what}' section`);
  const at = (d: string) => (isAbsolute(d) ? d : resolve(dir, d));
  const folders = options.directory ?? what;
  const directory = Array.isArray(folders) ? folders.map(at) : at(folders as string);
  return { ...options, directory };
}
