import { closeSync, openSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Database, Statement } from 'better-sqlite3';
import type { Knex } from 'knex';
import { z } from 'zod';
import { type Adapter, checkNamespaceName, classified, classifyClientSide, errorCode, NamespaceTakenError, type Profile, quietKnexLog } from '../contract';
import { PROFILE_BASE } from '../shared';
import { busyTimeoutOf, reportSqliteLockWaits, timeLockWaits } from './busy-wait';
import { identifySqlite } from './identity';
import { sqliteTuneAxes } from './tune-axes';

/** Prepared statements by connection: better-sqlite3 compiles a statement once and runs it many times. */
const preparedByConnection = new WeakMap<Database, Map<string, Statement>>();

/** PRAGMAs applied to every SQLite connection. */
export const sqliteSessionSchema = z
  .object({
    /** PRAGMA journal_mode; WAL lets readers run beside the one writer. */
    journal_mode: z.enum(['WAL', 'DELETE', 'TRUNCATE', 'PERSIST', 'MEMORY', 'OFF']),
    /** PRAGMA synchronous; NORMAL is durable enough under WAL and avoids a sync per commit. */
    synchronous: z.enum(['OFF', 'NORMAL', 'FULL', 'EXTRA']),
    /** PRAGMA busy_timeout in ms; 0 makes a contended writer fail at once with SQLITE_BUSY. */
    busy_timeout: z.number().int().min(0).max(600_000),
    /** PRAGMA cache_size; negative values are KiB, positive values pages. */
    cache_size: z.number().int(),
    /** PRAGMA temp_store. */
    temp_store: z.enum(['DEFAULT', 'FILE', 'MEMORY']),
    /** PRAGMA mmap_size in bytes. */
    mmap_size: z.number().int().min(0),
  })
  .strict();
export type SqliteSession = z.infer<typeof sqliteSessionSchema>;

const common = {
  ...PROFILE_BASE,
  adapter: 'sqlite',
  // One writer at a time, and each thread runs SQLite itself: `dbmatrix tune` found the fastest at one thread per core
  // (docs/methodology.md, "Defaults"); more threads add contention, not throughput.
  workers: Math.max(2, cpus().length),
  // better-sqlite3 is synchronous: one connection per knex instance; concurrency comes from threads.
  pool: { min: 1, max: 1, idleTimeoutMs: 30_000, acquireTimeoutMs: 10_000 },
  // A busy file lock clears in milliseconds: retry sooner and wait less than against a server.
  retry: { maxAttempts: 10, baseDelayMs: 2, maxDelayMs: 200, maxElapsedMs: 30_000 },
};

const walSession: SqliteSession = {
  journal_mode: 'WAL',
  synchronous: 'NORMAL',
  busy_timeout: 5000,
  cache_size: -20_000,
  temp_store: 'MEMORY',
  mmap_size: 268_435_456,
};

/** SQLite through better-sqlite3 on a local file. */
export const sqlite: Adapter<SqliteSession> = {
  name: 'sqlite',
  client: 'better-sqlite3',
  nativeDriver: true,
  capabilities: {
    returning: true,
    maxBindParams: 32_766,
    maxRowsPerInsert: 500,
    singleWriterLock: true,
    threadedWorkers: true,
  },
  sessionSchema: sqliteSessionSchema,
  label: 'SQLite',
  flavours: ['sqlite'],
  sltEngine: 'sqlite',
  sltSession: [],
  identify: identifySqlite,
  urlSchemes: [],
  tuneAxes: sqliteTuneAxes,
  durableCommits(s) {
    const wal = s.journal_mode === 'wal';
    const sync = Number(s.synchronous);
    // In WAL mode synchronous=NORMAL syncs only at checkpoints; in the rollback-journal modes it syncs every commit.
    return (wal ? sync >= 2 : sync >= 1) ? `journal_mode=${s.journal_mode}, synchronous=${s.synchronous}` : null;
  },
  relaxedCommits: 'journal_mode=WAL with synchronous=NORMAL',
  reportClientLockWaits: reportSqliteLockWaits,
  defaultProfiles: [
    { ...common, name: 'sqlite-wal', description: 'WAL journal, synchronous=NORMAL, 5 s busy timeout', session: walSession },
    {
      ...common,
      name: 'sqlite-delete',
      description: 'rollback journal (DELETE), synchronous=FULL: the SQLite default durability',
      session: { ...walSession, journal_mode: 'DELETE', synchronous: 'FULL' },
    },
    {
      ...common,
      name: 'sqlite-nowait',
      description: 'WAL with busy_timeout=0, no retries, no backpressure: contended writers fail with SQLITE_BUSY',
      session: { ...walSession, busy_timeout: 0 },
      retry: { ...common.retry, maxAttempts: 1 },
      backpressureErrorRate: 1,
    },
    {
      ...common,
      name: 'sqlite-prepared',
      description: 'sqlite-wal settings, statements compiled once and run as better-sqlite3 prepared statements instead of through the query builder',
      session: walSession,
      driverPath: 'prepared',
    },
  ],
  prepared: {
    async execute(connection, sql, bindings) {
      const db = connection as Database;
      let statements = preparedByConnection.get(db);
      if (!statements) preparedByConnection.set(db, (statements = new Map()));
      let stmt = statements.get(sql);
      if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
      if (stmt.reader) return stmt.all(bindings) as Record<string, unknown>[];
      stmt.run(bindings);
      return [];
    },
    async control(connection, sql) {
      (connection as Database).exec(sql);
    },
    async text(connection, sql) {
      const db = connection as Database;
      let stmt: Statement<unknown[]>;
      try {
        stmt = db.prepare(sql);
      } catch (err) {
        // Several statements in one text (sqlite3_exec's way): run them all, as SQLite's own shell and runner do.
        if (err instanceof RangeError && /more than one statement/.test(err.message)) {
          db.exec(sql);
          return [];
        }
        throw err;
      }
      // safeIntegers: a 64-bit integer arrives whole, as SQLite computed it.
      if (stmt.reader) return stmt.raw(true).safeIntegers(true).all() as unknown[][];
      stmt.run();
      return [];
    },
  },
  knexConfig(server: { url: string }, profile: Profile<SqliteSession>): Knex.Config {
    const s = profile.session;
    return {
      client: 'better-sqlite3',
      log: quietKnexLog,
      connection: { filename: server.url },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        idleTimeoutMillis: profile.pool.idleTimeoutMs,
        acquireTimeoutMillis: profile.pool.acquireTimeoutMs,
        // busy_timeout first: switching journal_mode itself needs the lock another thread may hold.
        afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
          try {
            conn.pragma(`busy_timeout = ${s.busy_timeout}`);
            conn.pragma(`journal_mode = ${s.journal_mode}`);
            conn.pragma(`synchronous = ${s.synchronous}`);
            conn.pragma(`cache_size = ${s.cache_size}`);
            conn.pragma(`temp_store = ${s.temp_store}`);
            conn.pragma(`mmap_size = ${s.mmap_size}`);
            // From here on the harness waits for the lock instead of SQLite, so that the waits are measured.
            timeLockWaits(conn as Database, s.busy_timeout);
            done(null, conn);
          } catch (err) {
            done(err as Error, conn);
          }
        },
      },
    };
  },
  async afterFailure(knex) {
    // A COMMIT that fails with SQLITE_BUSY leaves the transaction open (SQLite lets the caller retry the COMMIT), and
    // knex hands the connection back as it is: the next BEGIN would fail with "cannot start a transaction within a
    // transaction". Rolling it back makes the failed operation fail cleanly, as its ledger already records it.
    const client = knex.client as {
      acquireConnection(): Promise<{ inTransaction: boolean; exec(sql: string): unknown }>;
      releaseConnection(c: unknown): Promise<void>;
    };
    const conn = await client.acquireConnection();
    try {
      if (conn.inTransaction) conn.exec('ROLLBACK');
    } finally {
      await client.releaseConnection(conn);
    }
  },
  classify(err) {
    const client = classifyClientSide(err);
    if (client) return client;
    const code = errorCode(err);
    if (!code) return classified('other');
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return classified('busy', code);
    if (code.startsWith('SQLITE_CONSTRAINT')) return classified('constraint', code);
    if (code.startsWith('SQLITE_CANTOPEN')) return classified('connection', code);
    return classified('other', code);
  },
  async readSettings(knex) {
    const names = ['journal_mode', 'synchronous', 'cache_size', 'temp_store', 'mmap_size', 'page_size', 'locking_mode'];
    const settings: Record<string, string> = {};
    for (const name of names) {
      const rows = (await knex.raw(`PRAGMA ${name}`)) as Record<string, unknown>[];
      const first = rows[0];
      settings[name] = first ? String(Object.values(first)[0]) : '';
    }
    // PRAGMA busy_timeout reads 0 where the harness does the waiting (sqlite-busy-wait.ts): ask the connection.
    const client = knex.client as { acquireConnection(): Promise<Database>; releaseConnection(c: unknown): Promise<void> };
    const conn = await client.acquireConnection();
    try {
      settings.busy_timeout = String(busyTimeoutOf(conn));
    } finally {
      await client.releaseConnection(conn);
    }
    return settings;
  },
  async readActivity(knex) {
    // SQLite keeps no counters of commits or syncs. data_version, read on this connection, moves when another connection
    // (a writer thread) has committed since this one last looked: by how much is not a count, but a measured phase that
    // leaves it unchanged committed nothing.
    const rows = (await knex.raw('PRAGMA data_version')) as { data_version: number }[];
    return { data_version: Number(rows[0]?.data_version ?? 0) };
  },
  async serverVersion(knex) {
    const rows = (await knex.raw('select sqlite_version() as v')) as { v: string }[];
    return `SQLite ${rows[0]?.v ?? '?'}`;
  },
  // A SQLite server is one file, so the namespace is the server's file itself; it must not exist yet.
  testNamespaces: {
    kind: 'file',
    async create(server, _profile, name) {
      checkNamespaceName(name);
      try {
        // 'wx' is SQLite's plain CREATE: it fails on an existing file instead of opening it. SQLite reads an empty file as an empty database.
        closeSync(openSync(server.url, 'wx'));
      } catch (err) {
        if (errorCode(err) === 'EEXIST') throw new NamespaceTakenError('sqlite', 'file', server.url, server);
        throw err;
      }
    },
    async drop(server) {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${server.url}${suffix}`, { force: true });
    },
    knexConfig(server, profile) {
      return sqlite.knexConfig(server, profile);
    },
  },
};
