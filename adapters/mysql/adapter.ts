import type { Knex } from 'knex';
import type { Connection, ExecuteValues } from 'mysql2';
import { z } from 'zod';
import { type Adapter, checkNamespaceName, classified, classifyClientSide, errorCode, NamespaceTakenError, type Profile, quietKnexLog } from '../contract';
import { onOneConnection, PROFILE_BASE, sessionPool } from '../shared';
import { identifyMysql } from './identity';
import { mysqlPeer } from './native-peer';
import { mysqlServer } from './server';
import { mysqlTuneAxes } from './tune-axes';

/** Session settings applied to every MySQL / MariaDB connection (syntax both accept). */
export const mysqlSessionSchema = z
  .object({
    /** SET SESSION TRANSACTION ISOLATION LEVEL. */
    isolation: z.enum(['READ UNCOMMITTED', 'READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE']),
    /** innodb_lock_wait_timeout in seconds. */
    innodb_lock_wait_timeout: z.number().int().min(1).max(1_073_741_824),
    /** Milliseconds allowed to open a connection before giving up. */
    connect_timeout: z.number().int().min(100).max(120_000),
  })
  .strict();
export type MysqlSession = z.infer<typeof mysqlSessionSchema>;

const common = { ...PROFILE_BASE, adapter: 'mysql' };

const defaultSession: MysqlSession = { isolation: 'REPEATABLE READ', innodb_lock_wait_timeout: 10, connect_timeout: 5_000 };

/** Server error numbers (shared by MySQL 8 and MariaDB) mapped onto the taxonomy. */
const ERRNO_CLASS: Record<number, Parameters<typeof classified>[0]> = {
  1213: 'deadlock',
  1205: 'lock-timeout',
  1969: 'statement-timeout', // MariaDB: max_statement_time exceeded
  3024: 'statement-timeout', // MySQL: max_execution_time exceeded
  1020: 'serialization', // MariaDB: record changed since last read (snapshot isolation)
  1062: 'constraint',
  1048: 'constraint',
  1364: 'constraint',
  1451: 'constraint',
  1452: 'constraint',
  3819: 'constraint',
  1040: 'connection', // too many connections
  1053: 'connection', // server shutdown in progress
  1927: 'connection', // MariaDB: connection killed
  2002: 'connection',
  2003: 'connection',
  2006: 'connection',
  2013: 'connection',
};

/** Parse a mysql:// URL into mysql2 connection options. */
function connectionFromUrl(url: string, connectTimeout: number) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    // pg reads ?password= too: the same URL works with both.
    password: decodeURIComponent(u.password) || (u.searchParams.get('password') ?? ''),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined,
    connectTimeout,
    supportBigNumbers: true,
  };
}

/** MySQL 8 and MariaDB through mysql2. */
export const mysql: Adapter<MysqlSession> = {
  name: 'mysql',
  client: 'mysql2',
  nativeDriver: false,
  capabilities: {
    returning: false,
    maxBindParams: 65_535,
    maxRowsPerInsert: 65_535,
    singleWriterLock: false,
    threadedWorkers: false,
  },
  sessionSchema: mysqlSessionSchema,
  label: 'MySQL',
  flavours: ['mysql', 'mariadb'],
  // MariaDB too: the corpus has no name of its own for it.
  sltEngine: 'mysql',
  sltSession: [],
  identify: identifyMysql,
  nativePeer: mysqlPeer,
  urlSchemes: ['mysql:', 'mariadb:'],
  tuneAxes: mysqlTuneAxes,
  durableCommits: (s) => (s.innodb_flush_log_at_trx_commit === '1' ? 'innodb_flush_log_at_trx_commit=1' : null),
  relaxedCommits: 'innodb_flush_log_at_trx_commit=2 (a server setting)',
  server: mysqlServer,
  defaultProfiles: [
    { ...common, name: 'mysql-default', description: 'InnoDB, REPEATABLE READ, 8 workers, pool of 8', session: defaultSession },
    {
      ...common,
      name: 'mysql-read-committed',
      description: 'READ COMMITTED: fewer gap locks under concurrent inserts',
      session: { ...defaultSession, isolation: 'READ COMMITTED' },
    },
    {
      ...common,
      name: 'mysql-prepared',
      description: 'mysql-default settings, statements compiled once and run as prepared statements (mysql2 execute()) instead of through the query builder',
      session: defaultSession,
      driverPath: 'prepared',
    },
  ],
  prepared: {
    // knex holds mysql2's callback connections; execute() prepares once per connection and caches the statement.
    execute: (connection, sql, bindings) =>
      new Promise((resolve, reject) =>
        (connection as Connection).execute(sql, bindings as ExecuteValues[], (err, rows) =>
          err ? reject(err) : resolve(Array.isArray(rows) ? (rows as Record<string, unknown>[]) : []),
        ),
      ),
    control: (connection, sql) => new Promise((resolve, reject) => (connection as Connection).query(sql, (err) => (err ? reject(err) : resolve()))),
    text: (connection, sql) =>
      new Promise((resolve, reject) =>
        (connection as Connection).query({ sql, rowsAsArray: true }, (err, rows) =>
          err ? reject(err) : resolve(Array.isArray(rows) ? (rows as unknown as unknown[][]) : []),
        ),
      ),
  },
  knexConfig(server, profile: Profile<MysqlSession>): Knex.Config {
    const s = profile.session;
    const setup = [`SET SESSION TRANSACTION ISOLATION LEVEL ${s.isolation}`, `SET SESSION innodb_lock_wait_timeout = ${s.innodb_lock_wait_timeout}`];
    return {
      client: 'mysql2',
      log: quietKnexLog,
      connection: connectionFromUrl(server.url, s.connect_timeout),
      pool: sessionPool(profile.pool, setup),
    };
  },
  classify(err) {
    const errno = (err as { errno?: unknown } | null)?.errno;
    if (typeof errno === 'number' && ERRNO_CLASS[errno]) return classified(ERRNO_CLASS[errno], errorCode(err) ?? String(errno));
    const code = errorCode(err);
    if (code === 'PROTOCOL_CONNECTION_LOST' || code === 'ER_CON_COUNT_ERROR') return classified('connection', code);
    return classifyClientSide(err) ?? classified('other', code);
  },
  async readSettings(knex) {
    // tx_isolation (MariaDB) and transaction_isolation (MySQL 8) name the same thing; ask for both.
    const names = [
      'tx_isolation',
      'transaction_isolation',
      'innodb_lock_wait_timeout',
      'innodb_flush_log_at_trx_commit',
      'sync_binlog',
      'innodb_buffer_pool_size',
      'max_connections',
      'autocommit',
    ];
    const [rows] = await knex.raw(`SHOW SESSION VARIABLES WHERE Variable_name IN (${names.map(() => '?').join(',')})`, names);
    const settings: Record<string, string> = {};
    for (const row of rows as { Variable_name: string; Value: string }[]) settings[row.Variable_name] = row.Value;
    return settings;
  },
  async readActivity(knex) {
    // Global status counters are live; the set differs between MySQL and MariaDB (Innodb_deadlocks, Innodb_os_log_fsyncs), so ask for all and keep what answers.
    const names = [
      'Innodb_os_log_fsyncs',
      'Innodb_data_fsyncs',
      'Innodb_row_lock_waits',
      'Innodb_row_lock_time',
      'Innodb_deadlocks',
      'Com_commit',
      'Handler_commit',
    ];
    const [rows] = await knex.raw(`SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map(() => '?').join(',')})`, names);
    return Object.fromEntries((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, Number(r.Value)]));
  },
  async sampleLockWaits(knex, prefix) {
    // InnoDB's open transactions: one in LOCK WAIT is blocked on a row lock (or a table's) until it is granted or
    // innodb_lock_wait_timeout ends it. The statement text names the run's tables, as in the processlist.
    const [rows] = await knex.raw(
      `select trx_state as state, count(*) as n from information_schema.innodb_trx
        where trx_query like ? and trx_mysql_thread_id <> connection_id() group by trx_state`,
      [`%${prefix}%`],
    );
    const counts = rows as { state: string; n: number | string }[];
    const waiting = Number(counts.find((r) => r.state === 'LOCK WAIT')?.n ?? 0);
    const byWait: Record<string, number> = waiting > 0 ? { 'row lock': waiting } : {};
    return { sessions: counts.reduce((n, r) => n + Number(r.n), 0), waiting: byWait };
  },
  async serverVersion(knex) {
    const [rows] = await knex.raw('select version() as v');
    const v = String(rows[0].v);
    return /mariadb/i.test(v) ? `MariaDB ${v}` : `MySQL ${v}`;
  },
  testNamespaces: {
    kind: 'database',
    async create(server, profile, name) {
      await onOneConnection(mysql.knexConfig(server, profile), async (knex) => {
        try {
          // utf8mb4 spelled out: MariaDB's server default may still be latin1, which would reject the user's emoji.
          await knex.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4', [checkNamespaceName(name)]);
        } catch (err) {
          if ((err as { errno?: unknown }).errno === 1007) throw new NamespaceTakenError('mysql', 'database', name, server);
          throw err;
        }
      });
    },
    async drop(server, profile, name) {
      // IF EXISTS only spares an error when the suite dropped its own database; the name is one `create` made.
      await onOneConnection(mysql.knexConfig(server, profile), (knex) => knex.raw('DROP DATABASE IF EXISTS ??', [checkNamespaceName(name)]));
    },
    knexConfig(server, profile, name) {
      const base = mysql.knexConfig(server, profile);
      return { ...base, connection: { ...(base.connection as object), database: checkNamespaceName(name) } };
    },
  },
};
