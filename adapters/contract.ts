import type { Knex } from 'knex';
import { z } from 'zod';
import { DRIVER_PATHS, type PreparedDriver } from '../driver-paths/contract';

/** How a workload picks the key of its next read or update, as YCSB's requestdistribution names them. */
export const KEY_DISTRIBUTIONS = ['uniform', 'zipfian', 'latest'] as const;
export type KeyDistribution = (typeof KEY_DISTRIBUTIONS)[number];

/** The shared taxonomy every adapter maps its driver errors onto. */
export const ERROR_CLASSES = [
  'busy',
  'serialization',
  'deadlock',
  'lock-timeout',
  'connection',
  'pool-timeout',
  'statement-timeout',
  'constraint',
  'other',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Classes that mean the database refused or delayed work over a lock: the evidence of lock contention. */
export const LOCK_ERROR_CLASSES = ['busy', 'deadlock', 'lock-timeout', 'serialization'] as const satisfies readonly ErrorClass[];

/** One driver error after classification. */
export interface ClassifiedError {
  /** Where the error sits in the shared taxonomy. */
  errorClass: ErrorClass;
  /** Whether repeating the whole statement or transaction could succeed. */
  retryable: boolean;
  /** The driver's own code (SQLITE_BUSY, 40P01, ER_LOCK_DEADLOCK …), when it gave one. */
  code?: string;
}

/** Error classes a retry can cure; the same for every adapter, so a retry policy needs no per-database branch. */
export const RETRYABLE: Record<ErrorClass, boolean> = {
  busy: true,
  serialization: true,
  deadlock: true,
  'lock-timeout': true,
  connection: true,
  'pool-timeout': true,
  // A statement stopped for running past its limit would again: retrying only adds load where the server is slowest.
  'statement-timeout': false,
  constraint: false,
  other: false,
};

/** What one database can do, as data the workloads read instead of branching on adapter names. */
export interface Capabilities {
  /** INSERT … RETURNING is available (knex `.returning()` yields rows). */
  returning: boolean;
  /** The most bind parameters one statement may carry. */
  maxBindParams: number;
  /** The most rows knex may put in one multi-row INSERT (SQLite: 500, knex's compound SELECT limit). */
  maxRowsPerInsert: number;
  /** Concurrent writers contend for one database-wide lock (SQLite) rather than row locks. */
  singleWriterLock: boolean;
  /** Concurrency comes from worker_threads with a connection each (true) or from one event loop over a pool (false). */
  threadedWorkers: boolean;
}

/** Where a server lives; for SQLite, the file. Never logged as is: see `redactedUrl`. */
export interface ServerAddress {
  /** Connection URL (postgres://, mysql://) or the SQLite file path. */
  url: string;
  /** How the server was obtained. */
  provider: 'file' | 'url' | 'testcontainers';
  /** How reports tell it apart (its flavour and the version it reported) when a run has several servers for one adapter. */
  label?: string;
}

/** Connection pool settings, common to every adapter. */
export const poolSchema = z
  .object({
    /** Connections kept open when idle. */
    min: z.number().int().min(0),
    /** Most connections open at once. */
    max: z.number().int().min(1),
    /** Milliseconds an idle connection stays open. */
    idleTimeoutMs: z.number().int().min(1),
    /** Milliseconds a query waits for a free connection before failing. */
    acquireTimeoutMs: z.number().int().min(1),
  })
  .strict()
  .refine((p) => p.min <= p.max, { message: 'pool.min must not exceed pool.max' });
export type PoolSettings = z.infer<typeof poolSchema>;

/** How failed operations are retried: exponential backoff with full jitter, capped in attempts and in time. */
export const retrySchema = z
  .object({
    /** Attempts per operation, the first included (1 = no retries). */
    maxAttempts: z.number().int().min(1).max(1000),
    /** Delay before the first retry, ms; doubles with each retry (full jitter). */
    baseDelayMs: z.number().int().min(0).max(60_000),
    /** Longest delay between two attempts, ms. */
    maxDelayMs: z.number().int().min(0).max(600_000),
    /** No retry starts once this much time has passed since the first attempt, ms. */
    maxElapsedMs: z.number().int().min(0).max(3_600_000),
  })
  .strict();
export type RetryPolicy = z.infer<typeof retrySchema>;

/** Adaptive batch sizing (AIMD) for the batch workloads. */
export const adaptiveSchema = z
  .object({
    /** Whether batch sizes adapt; off, they stay at batchSize / transactionBatchSize. */
    enabled: z.boolean(),
    /** Smallest batch, rows. */
    minRows: z.number().int().min(1).max(100_000),
    /** Largest batch, rows. */
    maxRows: z.number().int().min(1).max(100_000),
    /** An attempt slower than this shrinks the batch, ms. */
    targetLatencyMs: z.number().min(0.1).max(600_000),
  })
  .strict()
  .refine((a) => a.minRows <= a.maxRows, { message: 'adaptive.minRows must not exceed adaptive.maxRows' });
export type AdaptiveBatching = z.infer<typeof adaptiveSchema>;

/** The adapter-independent part of a tuning profile. */
export const baseProfileShape = {
  /** Concurrent workers for the concurrent workloads (threads on SQLite, pooled connections elsewhere). */
  workers: z.number().int().min(1).max(1000),
  /** Rows per multi-row INSERT (insert-bulk, high-volume-insert). */
  batchSize: z.number().int().min(1).max(100_000),
  /** Rows committed per transaction (insert-transaction-batch). */
  transactionBatchSize: z.number().int().min(1).max(100_000),
  /** Connection pool. */
  pool: poolSchema,
  /** Retry policy for retryable errors. */
  retry: retrySchema,
  /** Share of failed operations in a second that halves the running workers (1 = no backpressure). */
  backpressureErrorRate: z.number().min(0).max(1),
  /** Adaptive batch sizing. */
  adaptive: adaptiveSchema,
  /** How statements reach the driver: knex's query builder per operation, or prepared statements compiled once. */
  driverPath: z.enum(DRIVER_PATHS),
  /** Worker threads a server adapter's workers are spread over (1: one event loop); SQLite always runs a thread per worker. */
  clientThreads: z.number().int().min(1).max(64),
  /** How read-point, read-range and hot-row-update pick keys: uniform, zipfian or latest (as YCSB defines them). */
  keyDistribution: z.enum(KEY_DISTRIBUTIONS),
};

/** What every profile holds besides its session: its name and adapter, then the adapter-independent settings. */
export const profileShape = {
  /** Unique name across adapters, e.g. sqlite-wal. */
  name: z.string(),
  /** The adapter this profile belongs to. */
  adapter: z.string(),
  /** One line on what the profile is for. */
  description: z.string(),
  ...baseProfileShape,
};

/** A tuning profile: data, overridable from a config file or `--set`, validated by the adapter's schema; `session` holds the settings applied to every new connection (PRAGMAs, SET …). */
export type Profile<Session = Record<string, unknown>> = z.infer<z.ZodObject<typeof profileShape>> & { session: Session };

/**
 * Where a user's test suite keeps its tables on one server (dbmatrix/jest): a PostgreSQL schema, a MySQL database, a
 * SQLite file. Always a new one: an existing namespace of that name makes `create` fail, and is never written or dropped.
 */
export interface TestNamespaces<Session extends Record<string, unknown> = Record<string, unknown>> {
  /** What a namespace is called on this database, for messages: schema, database, file. */
  kind: string;
  /** Create namespace `name` with a plain CREATE, never IF NOT EXISTS; throws NamespaceTakenError, having changed nothing, when it exists. */
  create(server: ServerAddress, profile: Profile<Session>, name: string): Promise<void>;
  /** Drop namespace `name` and all it holds; only ever called for a namespace `create` made. */
  drop(server: ServerAddress, profile: Profile<Session>, name: string): Promise<void>;
  /** Knex configuration for namespace `name`: the adapter's for the server and profile, pointed at it so plain table names land there. */
  knexConfig(server: ServerAddress, profile: Profile<Session>, name: string): Knex.Config;
}

/** A namespace name that already exists on the server: the test suite stops before writing to it, and nothing is dropped. */
export class NamespaceTakenError extends Error {
  override name = 'NamespaceTakenError';

  constructor(adapter: string, kind: string, namespace: string, server: ServerAddress) {
    super(`${adapter} ${kind} ${namespace} already exists at ${redactedUrl(server.url)} and was not created by this test run; it was left untouched`);
  }
}

/** Namespace names dbmatrix creates: lower-case letters, digits and underscores, so they need no quoting anywhere. */
export function checkNamespaceName(name: string): string {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`namespace name '${name}' must be a lower-case letter, then letters, digits or underscores (at most 63)`);
  return name;
}

/** Which server flavour answered, and its version at the granularity its answers are pinned at. */
export interface ServerFlavour {
  /** The flavour, one of the adapter's `flavours`. */
  flavour: string;
  /** Its version: the part of the version number within which answers do not change (a major, or major.minor). */
  version: string;
}

/** One database, as a Knex-backed adapter. */
export interface Adapter<Session extends Record<string, unknown> = Record<string, unknown>> {
  /** Registry key, also the `--adapter` name. */
  name: string;
  /** The knex client package this adapter drives. */
  client: 'better-sqlite3' | 'pg' | 'mysql2';
  /** Its driver holds native code built for one Node version, so CI runs it on every supported Node, not the newest alone. */
  nativeDriver: boolean;
  /** What this database can do. */
  capabilities: Capabilities;
  /** Schema for `profile.session`; strict, so an unknown key is a user error. */
  sessionSchema: z.ZodType<Session>;
  /** Named profiles; the first is the default. */
  defaultProfiles: Profile<Session>[];
  /** The database's name as people write it, in reports: SQLite, PostgreSQL, MySQL. */
  label: string;
  /** URL schemes accepted for a server (empty for file databases). */
  urlSchemes: string[];
  /** How its server is reached and started in a container; absent for a file database. */
  server?: ServerKind;
  /** The profile values `dbmatrix tune` varies, in the order it tries them. */
  tuneAxes: TuneAxis[];
  /** The settings read back (readSettings) that make every commit wait for a flush, e.g. 'synchronous_commit=on, fsync=on'; null when commits return first. */
  durableCommits(settings: Record<string, string>): string | null;
  /** The change that lets commits return before the flush, as the diagnosis advises it. */
  relaxedCommits: string;
  /** The driver used directly for the prepared path, on connections from knex's pool. */
  prepared: PreparedDriver;
  /** Knex configuration for one server and profile; session settings go in pool.afterCreate. */
  knexConfig(server: ServerAddress, profile: Profile<Session>): Knex.Config;
  /** Map a driver error onto the shared taxonomy. */
  classify(err: unknown): ClassifiedError;
  /** Settings actually in force on a connection, read back from the server. */
  readSettings(knex: Knex): Promise<Record<string, string>>;
  /** Server (or library) version string. */
  serverVersion(knex: Knex): Promise<string>;
  /** The server flavours it reaches whose answers are pinned apart (the first is the usual one). */
  flavours: readonly string[];
  /** The engine name sqllogictest scripts give its databases in skipif/onlyif lines. */
  sltEngine: string;
  /** Session statements run before a sqllogictest script, on top of the profile's: only ones that cannot change an answer. */
  sltSession: readonly string[];
  /** The flavour and pinning version behind a reported version string (with or without its product-name prefix); undefined when it names none of `flavours`. */
  identify(reported: string): ServerFlavour | undefined;
  /** Bring the connection back to a clean state after a failed operation, before the next one or a retry (optional). */
  afterFailure?(knex: Knex): Promise<void>;
  /** Server-wide cumulative counters (commits, log flushes, lock waits); their change over a cell is evidence for the diagnosis. Empty where the database keeps none. */
  readActivity(knex: Knex): Promise<Record<string, number>>;
  /**
   * One look at the server's sessions running statements on tables named with `prefix` (this run's): how many there
   * are, and which wait events hold those that wait for a lock. Absent where there is no server to ask (SQLite).
   */
  sampleLockWaits?(knex: Knex, prefix: string): Promise<LockWaitSample>;
  /** Sets what every lock wait timed in the client on this thread is reported to, with its length in ms (SQLite waits for its file lock in the client); absent where the server waits. */
  reportClientLockWaits?(listener: ((ms: number) => void) | undefined): void;
  /** A namespace of its own on a server for a user's test suite, as dbmatrix/jest makes and removes it. */
  testNamespaces: TestNamespaces<Session>;
  /** The server's own benchmark client, which `npm run bench` runs over the same statements for the ceiling a C client reaches; absent where there is none (a file database's peer is its driver alone, in a bare loop). */
  nativePeer?: NativePeer;
}

/** One profile value tune varies. */
export interface TuneAxis {
  /** Profile key as `--set` takes it after the target (workers, pool.max, journal_mode …). */
  key: string;
  /** Values to try, the adapter default among them. */
  values: (string | number)[];
  /** Values that trade safety for speed: measured and reported, but adopted only when the user allows it. */
  risky?: { values: (string | number)[]; why: string };
  /** Which workloads the value can matter to. */
  appliesTo: 'all' | 'concurrent' | 'batchSize' | 'transactionBatchSize' | 'writes';
}

/** What a server adapter's server is, for URL messages, images and Testcontainers. */
export interface ServerKind {
  /** The servers it reaches, as a flag's help names them: PostgreSQL; MySQL / MariaDB. */
  serves: string;
  /** The port an example URL in a message names. */
  defaultPort: number;
  /** The official image Testcontainers starts by default (pulled from a registry when not on the machine). */
  image: string;
  /** The stand-in built from Debian's packages (local-image/spec.sh in the adapter's folder), for machines without a registry. */
  localImage: string;
  /** The images CI tests, a leg each, the first merged into the reported run; with the stand-in that .ci/run starts instead (null: none can be built here). */
  ciImages: { image: string; localImage: string | null }[];
  /** The versions CI runs side by side in one run (the server-versions leg), oldest first, each with its stand-in (null: none can be built here). */
  versionImages: { image: string; localImage: string | null }[];
  /** The Testcontainers module package startContainer imports, for the line that says what to install when it is missing. */
  containerPackage: string;
  /** Start `image` in a container with these labels and wait until the server accepts connections. */
  startContainer(image: string, options: ContainerStart): Promise<RunningContainer>;
}

/** How one container is started. */
export interface ContainerStart {
  /** Labels naming the process that owns the container, so leftovers of a killed run can be removed. */
  labels: Record<string, string>;
  /** Publish the server on this host port instead of a random one, so the URL survives a restart. */
  hostPort?: number;
  /** Milliseconds the server may take to become ready. */
  startupTimeoutMs: number;
}

/** A server running in a container this process started. */
export interface RunningContainer {
  /** Connection URL (carries the container's throwaway password; redact before logging). */
  url: string;
  /** Kill the container and start it again, waiting until ready. */
  restart(): Promise<void>;
  /** Stop and remove the container. */
  stop(): Promise<void>;
}

/** The run's sessions on a server at one moment. */
export interface LockWaitSample {
  /** Sessions of the run in a statement or transaction. */
  sessions: number;
  /** Of those, the ones waiting for a lock, by what they wait on (PostgreSQL's wait event, 'row lock' on InnoDB). */
  waiting: Record<string, number>;
}

/** The error's own message, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The driver code of an error, if any (string or number). */
export function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') return String(code);
  }
  return undefined;
}

/** Errors raised by node's net layer when a server is down or the link breaks. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** Classification shared by the server adapters for errors that come from the client side, not the server. */
export function classifyClientSide(err: unknown): ClassifiedError | undefined {
  const code = errorCode(err);
  if (err && typeof err === 'object' && (err as { name?: string }).name === 'KnexTimeoutError') {
    return { errorClass: 'pool-timeout', retryable: true, code: 'KnexTimeoutError' };
  }
  if (code && NETWORK_CODES.has(code)) return { errorClass: 'connection', retryable: true, code };
  const message = errorMessage(err);
  // pg's connectionTimeoutMillis ends a connect with a bare 'timeout expired' (no code): a loaded server or port proxy, retryable.
  if (/Connection terminated|connection.*(closed|lost|ended)|Client has encountered a connection error|^timeout expired$/i.test(message)) {
    return { errorClass: 'connection', retryable: true, code };
  }
  return undefined;
}

/** Build a classification with the shared retryable flag. */
export function classified(errorClass: ErrorClass, code?: string): ClassifiedError {
  return { errorClass, retryable: RETRYABLE[errorClass], code };
}

/**
 * A knex logger that drops knex's own console output ("Acquire connection error" …): every failure reaches
 * the caller as an error, is classified and counted there, and a user sees one line, not knex's log.
 */
export const quietKnexLog = { warn() {}, error() {}, debug() {}, deprecate() {} };

/** Query parameters a driver reads a password from (pg: password, sslpassword; mysql: password), any case. */
const PASSWORD_PARAMETER = /([?&](?:ssl)?password=)[^&#]*/gi;

/** User info with a password: runs to the URL's last '@', since a password may hold an unencoded '/', '@', ':' or '?'. */
const USER_INFO_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*):[\s\S]+@([^@]*)$/i;

/**
 * A URL with every password replaced, safe for logs and reports: in the user info (encoded or not, so read without a
 * URL parser, which would misplace the host) and in `?password=`. A '@' later in the URL hides the host too: safe, not exact.
 */
export function redactedUrl(url: string): string {
  return url.replace(PASSWORD_PARAMETER, '$1***').replace(USER_INFO_PASSWORD, '$1:***@$2');
}

/** The statement shapes both tools run: the insert and point-select workloads' single statements. */
export type PeerStatement = 'insert' | 'point-select';

/** How a script's parameter is drawn, as a native client's script can draw it (an SQL-script workload's generators, `latest` aside). */
export type PeerParam =
  | { /** first, first+1, … unique across clients: client c of n takes first+c, first+c+n, … */ sequence: { first: number } }
  | { /** Every integer in [min, max] equally likely. */ uniform: { min: number; max: number } }
  | { /** Integers in [min, max], a few far more often (the tool's own zipfian). */ zipfian: { min: number; max: number } }
  | { /** Random letters of this length. */ string: { length: number } };

/** An SQL-script workload for a native client: its tables made and loaded already by the caller. */
export interface PeerScriptRequest {
  /** The statements; each operation runs one, chosen by weight, its parts in one transaction when there are several. */
  statements: { name: string; weight: number; parts: string[] }[];
  /** The parameters the parts name as `:name`, tables already in place. */
  params: Record<string, PeerParam>;
  /** Concurrent connections. */
  clients: number;
  /** Operations in all. */
  ops: number;
  /** The server. */
  url: string;
}

/** One peer measurement; the caller owns the table (created, loaded and dropped outside). */
export interface PeerRequest {
  /** Existing table to run against; quoted here per dialect. */
  table: string;
  /** Which statement every transaction issues. */
  statement: PeerStatement;
  /** Rows loaded for point-select (ids 1..rows); ignored for insert. */
  rows: number;
  /** Concurrent connections. */
  clients: number;
  /** Total statements; pgbench rounds up to a whole number per client. */
  ops: number;
  /** postgres:// for pgbench, mysql:// or mariadb:// for sysbench. */
  url: string;
}

/** What a peer tool measured, with enough to rerun it by hand. */
export interface PeerResult {
  /** Tool and version as it reported itself, e.g. 'pgbench 15.20' or 'sysbench 1.0.20'. */
  tool: string;
  /** Statements per second as the tool computed it. */
  opsPerSec: number;
  /** The command line as run, without the password (pgbench reads it from PGPASSWORD, sysbench from MYSQL_PWD), in a directory holding `script` as `scriptName`. */
  command: string;
  /** File name the command refers to. */
  scriptName: string;
  /** Contents of that file, since the temp copy is gone by the time anyone reads the report. */
  script: string;
}

/** A server's own benchmark client, as an adapter offers it. */
export interface NativePeer {
  /** The tool's command name, e.g. pgbench. */
  tool: string;
  /** How to install it where it is missing, e.g. 'Debian: apt-get install postgresql-client'. */
  install: string;
  /** Run the tool over one statement against a table the caller owns. */
  run(req: PeerRequest): Promise<PeerResult>;
  /** Run the tool over an SQL-script workload's statements, on tables the caller owns. */
  runScript(req: PeerScriptRequest): Promise<PeerResult>;
}
