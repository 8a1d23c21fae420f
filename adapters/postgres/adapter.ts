import type { Knex } from 'knex';
import type { Client } from 'pg';
import { z } from 'zod';
import {
  type Adapter,
  checkNamespaceName,
  classified,
  classifyClientSide,
  errorCode,
  errorMessage,
  NamespaceTakenError,
  type Profile,
  quietKnexLog,
} from '../contract';
import { onOneConnection, PROFILE_BASE, sessionPool } from '../shared';
import { identifyPostgres } from './identity';
import { postgresPeer } from './native-peer';
import { postgresServer } from './server';
import { postgresTuneAxes } from './tune-axes';

/** Session settings applied to every PostgreSQL connection. */
export const postgresSessionSchema = z
  .object({
    /** synchronous_commit; off trades the last few commits after a crash for speed. */
    synchronous_commit: z.enum(['on', 'off', 'local', 'remote_write', 'remote_apply']),
    /** default_transaction_isolation. */
    isolation: z.enum(['read committed', 'repeatable read', 'serializable']),
    /** statement_timeout in ms (0 = none). */
    statement_timeout: z.number().int().min(0),
    /** lock_timeout in ms (0 = none). */
    lock_timeout: z.number().int().min(0),
    /** Milliseconds allowed to open a connection before giving up. */
    connect_timeout: z.number().int().min(100).max(120_000),
  })
  .strict();
export type PostgresSession = z.infer<typeof postgresSessionSchema>;

const common = { ...PROFILE_BASE, adapter: 'postgres' };

const defaultSession: PostgresSession = {
  synchronous_commit: 'on',
  isolation: 'read committed',
  statement_timeout: 30_000,
  lock_timeout: 10_000,
  connect_timeout: 5_000,
};

/** Names of named statements by SQL text: pg parses a named statement once per connection and reuses it. */
const statementNames = new Map<string, string>();

/** Class-level SQLSTATE prefixes and exact codes, mapped onto the shared taxonomy; `message` tells apart the causes one code covers. */
function classifySqlState(code: string, message: string) {
  // 57014 is any cancelled statement: statement_timeout's, or a cancel request (pg_cancel_backend, a client's cancel).
  if (code === '57014') return classified(/statement timeout/i.test(message) ? 'statement-timeout' : 'other', code);
  if (code === '40001') return classified('serialization', code);
  if (code === '40P01') return classified('deadlock', code);
  if (code === '55P03') return classified('lock-timeout', code);
  if (code.startsWith('23')) return classified('constraint', code);
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return classified('connection', code);
  return classified('other', code);
}

/** PostgreSQL through pg. */
export const postgres: Adapter<PostgresSession> = {
  name: 'postgres',
  client: 'pg',
  nativeDriver: false,
  capabilities: {
    returning: true,
    maxBindParams: 65_535,
    maxRowsPerInsert: 65_535,
    singleWriterLock: false,
    threadedWorkers: false,
  },
  sessionSchema: postgresSessionSchema,
  label: 'PostgreSQL',
  flavours: ['postgres'],
  sltEngine: 'postgresql',
  // The scripts' tables are tiny and never analysed, so the planner's guesses for their cross joins pass jit_above_cost
  // and a query spends 10-100 ms compiling what runs in under one: the corpus's GROUP BY file took 4.2 s of server time
  // with JIT and 1.7 s without. JIT changes how a plan runs, never what it returns.
  sltSession: ['SET jit = off'],
  identify: identifyPostgres,
  nativePeer: postgresPeer,
  urlSchemes: ['postgres:', 'postgresql:'],
  tuneAxes: postgresTuneAxes,
  durableCommits: (s) =>
    s.synchronous_commit !== undefined && s.synchronous_commit !== 'off' && s.fsync !== 'off'
      ? `synchronous_commit=${s.synchronous_commit}, fsync=${s.fsync ?? '?'}`
      : null,
  relaxedCommits: 'synchronous_commit=off (the postgres-async-commit profile)',
  server: postgresServer,
  defaultProfiles: [
    { ...common, name: 'postgres-default', description: 'read committed, synchronous_commit=on, 8 workers, pool of 8', session: defaultSession },
    {
      ...common,
      name: 'postgres-async-commit',
      description: 'synchronous_commit=off: commits return before the WAL reaches disk',
      session: { ...defaultSession, synchronous_commit: 'off' },
    },
    {
      ...common,
      name: 'postgres-prepared',
      description:
        'postgres-default settings, statements compiled once and run as prepared statements (pg named statements) instead of through the query builder',
      session: defaultSession,
      driverPath: 'prepared',
    },
  ],
  prepared: {
    async execute(connection, sql, bindings) {
      let name = statementNames.get(sql);
      if (!name) statementNames.set(sql, (name = `dbmatrix_${statementNames.size + 1}`));
      const result = await (connection as Client).query({ name, text: sql, values: bindings as unknown[] });
      return result.rows;
    },
    async control(connection, sql) {
      await (connection as Client).query(sql);
    },
    async text(connection, sql) {
      // Several statements in one text come back as one result each: the last one's rows are the text's.
      const result: unknown = await (connection as Client).query({ text: sql, rowMode: 'array' });
      const last = (Array.isArray(result) ? result.at(-1) : result) as { rows?: unknown[][] } | undefined;
      return last?.rows ?? [];
    },
  },
  knexConfig(server, profile: Profile<PostgresSession>): Knex.Config {
    const s = profile.session;
    const setup = [
      `SET synchronous_commit = '${s.synchronous_commit}'`,
      `SET default_transaction_isolation = '${s.isolation}'`,
      `SET statement_timeout = ${s.statement_timeout}`,
      `SET lock_timeout = ${s.lock_timeout}`,
      `SET application_name = 'dbmatrix'`,
    ];
    return {
      client: 'pg',
      log: quietKnexLog,
      connection: { connectionString: server.url, connectionTimeoutMillis: s.connect_timeout },
      pool: sessionPool(profile.pool, setup),
    };
  },
  classify(err) {
    const code = errorCode(err);
    // SQLSTATE first: a server-side 57P01 also carries a "terminated" message.
    if (code && /^[0-9A-Z]{5}$/.test(code)) return classifySqlState(code, errorMessage(err));
    return classifyClientSide(err) ?? classified('other', code);
  },
  async readSettings(knex) {
    const names = [
      'synchronous_commit',
      'default_transaction_isolation',
      'statement_timeout',
      'lock_timeout',
      'fsync',
      'wal_level',
      'shared_buffers',
      'max_connections',
    ];
    const result = await knex.raw('select name, setting, unit from pg_settings where name = any(?)', [names]);
    const settings: Record<string, string> = {};
    for (const row of result.rows as { name: string; setting: string; unit: string | null }[]) {
      settings[row.name] = row.unit ? `${row.setting} (${row.unit})` : row.setting;
    }
    return settings;
  },
  async readActivity(knex) {
    // Only the WAL position is live: pg_stat_* counters reach the statistics when a backend reports them, up to seconds
    // later, so their change over a short cell reads as zero.
    const result = await knex.raw(`select (pg_current_wal_lsn() - '0/0'::pg_lsn)::float8 as wal_bytes`);
    return { wal_bytes: Number(result.rows[0].wal_bytes) };
  },
  async sampleLockWaits(knex, prefix) {
    // A backend blocked on a heavyweight lock (a row's transaction, a table, a tuple) shows wait_event_type 'Lock' for as
    // long as it waits, with no error before lock_timeout: the only place such a wait can be seen while it happens.
    const result = await knex.raw(
      `select wait_event_type, wait_event, count(*)::int as n from pg_stat_activity
        where query like ? and state in ('active', 'idle in transaction') and pid <> pg_backend_pid()
        group by 1, 2`,
      [`%${prefix}%`],
    );
    const rows = result.rows as { wait_event_type: string | null; wait_event: string | null; n: number }[];
    const waiting: Record<string, number> = {};
    for (const r of rows) if (r.wait_event_type === 'Lock') waiting[r.wait_event ?? 'lock'] = (waiting[r.wait_event ?? 'lock'] ?? 0) + r.n;
    return { sessions: rows.reduce((n, r) => n + r.n, 0), waiting };
  },
  async serverVersion(knex) {
    const result = await knex.raw('show server_version');
    return `PostgreSQL ${result.rows[0].server_version}`;
  },
  testNamespaces: {
    kind: 'schema',
    async create(server, profile, name) {
      await onOneConnection(postgres.knexConfig(server, profile), async (knex) => {
        try {
          await knex.raw('CREATE SCHEMA ??', [checkNamespaceName(name)]);
        } catch (err) {
          if (errorCode(err) === '42P06') throw new NamespaceTakenError('postgres', 'schema', name, server);
          throw err;
        }
      });
    },
    async drop(server, profile, name) {
      // IF EXISTS only spares an error when the suite dropped its own schema; the name is one `create` made.
      await onOneConnection(postgres.knexConfig(server, profile), (knex) => knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [checkNamespaceName(name)]));
    },
    knexConfig(server, profile, name) {
      // The schema alone, without public: a plain table name never reaches a table outside the namespace.
      return { ...postgres.knexConfig(server, profile), searchPath: [checkNamespaceName(name)] };
    },
  },
};
