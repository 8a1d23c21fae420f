import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { type Capabilities, errorMessage, type Profile, type ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { newRunId } from '../matrix/namespace';
import { firstServers, needsServer, resolveServers, type ServerSources } from '../servers/resolve';
import { onTopOfProject, type ProjectKnex, type ProjectMigrations, type ProjectSeeds, projectBase, projectOptions } from './project-knex';

/** What the tests of one adapter work with: a namespace of their own on a live database. */
export interface TestDatabase {
  /** The adapter under test: sqlite, postgres or mysql. */
  readonly adapter: AdapterName;
  /** The profile the database runs under, resolved and validated (pool, session settings …). */
  readonly profile: Profile;
  /** What the database can do (RETURNING, bind limits …), for tests that branch on data rather than on adapter names. */
  readonly capabilities: Capabilities;
  /** The namespace's name: the PostgreSQL schema, the MySQL database, the SQLite file's name without `.db`. */
  readonly namespace: string;
  /** A live knex on the namespace, so plain table names land in it; only inside a test or hook of the block (it lives from its beforeAll to its afterAll). */
  readonly knex: Knex;
}

/** Where a block's server comes from, as the runner resolves it. */
export interface ServerSource extends ServerSources {
  /** Lines for the user (a container starting). */
  log: (line: string) => void;
}

/** What the project brings to each block's database: its knex configuration, migrations and seeds. */
export interface ProjectSetup {
  /** The project's knex configuration as the base of the block's knex (the block decides client, server, namespace, pool and session). */
  knex?: ProjectKnex;
  /** Migrations run to the latest in the namespace before the block's tests. */
  migrations?: ProjectMigrations;
  /** Seeds run after the migrations. */
  seeds?: ProjectSeeds;
}

/** One describe block's database: resolved, given a new namespace in `open`, all of it given back in `close`. */
export class NamespacedDatabase implements TestDatabase {
  readonly adapter: AdapterName;
  readonly capabilities: Capabilities;
  /** The knex on the namespace, from `open` to `close`. */
  private live: Knex | undefined;
  /** The server as resolved (SQLite: the namespace's file). */
  private server: ServerAddress | undefined;
  /** Whether `open` created the namespace: the one thing that lets `close` drop it. */
  private created = false;
  /** Stops a container the block started. */
  private release: (() => Promise<void>) | undefined;
  /** The SQLite folder `open` made, removed by `close`. */
  private madeDir: string | undefined;
  /** The first line of what made `open` fail. */
  private setUpError: string | undefined;
  /** Whether `close` ran. */
  private closed = false;

  /**
   * @param title the describe block's name, for messages
   * @param namespace new and random by default; given only by tests that check what happens when a name is taken
   * @param sqliteDir the folder for the SQLite file; by default a new one, removed in `close`
   */
  constructor(
    readonly title: string,
    readonly profile: Profile,
    private readonly source: ServerSource,
    readonly namespace: string = `dbmx_${newRunId()}`,
    private readonly sqliteDir?: string,
    private readonly project: ProjectSetup = {},
  ) {
    this.adapter = profile.adapter as AdapterName;
    this.capabilities = adapterFor(this.adapter).capabilities;
  }

  get knex(): Knex {
    if (this.live) return this.live;
    if (this.setUpError) throw new Error(`db.knex of '${this.title}': its set-up failed (${this.setUpError})`);
    if (this.closed) throw new Error(`db.knex of '${this.title}' was closed when the block ended; use it in the block's own tests and hooks`);
    throw new Error(
      `db.knex of '${this.title}' is only available inside its tests and hooks: the database exists from the block's beforeAll to its afterAll, and the describe callback runs before either`,
    );
  }

  /** Resolve the server, create the namespace, open a knex on it. */
  async open(): Promise<void> {
    const namespaces = adapterFor(this.adapter).testNamespaces;
    try {
      const resolved = await resolveServers([this.adapter], { ...this.source, oneEach: 'the Jest helper' });
      this.release = resolved.release;
      this.server = firstServers(resolved)[this.adapter] ?? this.newFile();
      await namespaces.create(this.server, this.profile, this.namespace);
      this.created = true;
      const base = projectBase(this.project.knex, this.adapter);
      const live = knexFactory(onTopOfProject(base?.config, namespaces.knexConfig(this.server, this.profile, this.namespace)));
      this.live = live;
      const dir = base?.dir ?? process.cwd();
      if (this.project.migrations) await live.migrate.latest(projectOptions(this.project.migrations, base?.config.migrations, dir, 'migrations'));
      if (this.project.seeds) await live.seed.run(projectOptions(this.project.seeds, base?.config.seeds, dir, 'seeds'));
    } catch (err) {
      this.setUpError = errorMessage(err).split('\n')[0];
      throw err;
    }
  }

  /** Close the knex, drop the namespace if `open` created it, release a container and the SQLite folder; every step is tried. */
  async close(): Promise<void> {
    const failures: string[] = [];
    const attempt = async (what: string, step: () => unknown) => {
      try {
        await step();
      } catch (err) {
        failures.push(`${what}: ${errorMessage(err).split('\n')[0]}`);
      }
    };
    const live = this.live;
    this.live = undefined;
    this.closed = true;
    if (live) await attempt('closing knex', () => live.destroy());
    if (this.created && this.server) {
      const namespaces = adapterFor(this.adapter).testNamespaces;
      await attempt(`dropping ${namespaces.kind} ${this.namespace}`, () => namespaces.drop(this.server!, this.profile, this.namespace));
      this.created = false;
    }
    if (this.release) await attempt('releasing the server', this.release);
    this.release = undefined;
    if (this.madeDir) await attempt("removing the database file's folder", () => rmSync(this.madeDir!, { recursive: true, force: true }));
    this.madeDir = undefined;
    if (failures.length > 0) throw new Error(`cleaning up '${this.title}': ${failures.join('; ')}`);
  }

  /** A file database's address: `<namespace>.db` in the folder given, else in a new folder of its own. */
  private newFile(): ServerAddress {
    if (needsServer(this.adapter)) throw new Error(`no ${this.adapter} server was resolved`);
    const dir = this.sqliteDir ?? (this.madeDir = mkdtempSync(join(tmpdir(), `dbmatrix-${this.namespace}-`)));
    return { url: join(dir, `${this.namespace}.db`), provider: 'file' };
  }
}
