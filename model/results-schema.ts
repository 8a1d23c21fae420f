import { z } from 'zod';
import { ERROR_CLASSES } from '../adapters/contract';
import { PIN_STATUSES } from '../conformance/contract';
import { DRIVER_PATHS } from '../driver-paths/contract';

/** Bumped whenever a field changes meaning or disappears; readers refuse versions they do not know. */
export const RESULTS_SCHEMA_VERSION = 2;

const latencySchema = z
  .object({
    count: z.number().describe('Operations measured.'),
    mean: z.number().describe('Mean, ms.'),
    p50: z.number().describe('Median, ms.'),
    p90: z.number().describe('90th percentile, ms.'),
    p99: z.number().describe('99th percentile, ms.'),
    p999: z.number().describe('99.9th percentile, ms.'),
    max: z.number().describe('Slowest, ms.'),
  })
  .describe('Latency percentiles of one set of operations, ms.')
  .meta({ id: 'LatencySummary' });
/** Latency percentiles in milliseconds, from an HDR histogram recorded in microseconds. */
export type LatencySummary = z.infer<typeof latencySchema>;

const errorGroupSchema = z
  .object({
    count: z.number().describe('Failed operations in this class.'),
    retryable: z.boolean().describe('Whether a retry could cure this class.'),
    codes: z.record(z.string(), z.number()).describe('Counts by driver code.'),
    sample: z.string().describe('One message, credentials removed.'),
  })
  .describe('Failed operations of one error class.')
  .meta({ id: 'ErrorGroup' });
/** Errors of one class: how many, which driver codes, and one message to read. */
export type ErrorGroup = z.infer<typeof errorGroupSchema>;

const poolSampleSchema = z
  .object({
    atMs: z.number().describe('Milliseconds since the measured phase began.'),
    used: z.number().describe('Connections handed out.'),
    free: z.number().describe('Connections open and idle.'),
    pendingAcquires: z.number().describe('Queries waiting for a connection.'),
    pendingCreates: z.number().describe('Connections being opened.'),
  })
  .describe('One look at the connection pool.');
/** One look at the connection pool. */
export type PoolSample = z.infer<typeof poolSampleSchema>;

const errorWindowSchema = z
  .object({
    atMs: z.number().describe('Window start, ms since the measured phase began.'),
    completed: z.number().describe('Operations finished in the window.'),
    failed: z.number().describe('Of those, failed.'),
  })
  .describe('Operations finished in one window of the measured phase.');
/** Operations finished in one window of the measured phase. */
export type ErrorWindow = z.infer<typeof errorWindowSchema>;

const timelinePointSchema = z
  .object({
    atMs: z.number().describe('Milliseconds since the measured phase began.'),
    completed: z.number().describe('Operations finished so far.'),
    failed: z.number().describe('Of those, failed.'),
  })
  .describe('Operations finished since measuring began, at one moment.');
/** Operations finished since measuring began, at one moment. */
export type TimelinePoint = z.infer<typeof timelinePointSchema>;

const backpressureEventSchema = z
  .object({
    atMs: z.number().describe('Milliseconds since the measured phase began.'),
    activeWorkers: z.number().describe('Workers allowed to run from then on.'),
    reason: z.string().describe('What triggered it.'),
  })
  .describe('A change of how many workers may run, and why.');
/** A change of how many workers may run, and why. */
export type BackpressureEvent = z.infer<typeof backpressureEventSchema>;

const ceilingSchema = z
  .object({
    tool: z.string().describe("The native client as it named itself, e.g. 'pgbench 15.20' or 'sysbench 1.0.20'."),
    opsPerSec: z.number().describe('Median statements per second of the native client over its rounds.'),
    rounds: z.array(z.number()).describe("Each round's statements per second, taken in turns with the cell's repeats."),
    share: z
      .number()
      .describe("The cell's ops/s as a share of the native client's (0.43: 43 % of the rate the server gave a C client came through this stack)."),
    command: z.string().describe("The last round's command line, without the password, to rerun by hand beside `script`."),
    script: z.string().describe('The script file the command names, as it was written.'),
  })
  .describe("With --ceiling: the server's own benchmark client on the cell's statement, table shape and concurrency, in turns with the cell's repeats.");
/** The native client's rate beside a cell. */
export type Ceiling = z.infer<typeof ceilingSchema>;

const cpuUseSchema = z
  .object({
    cores: z.number().describe('Logical CPUs of the machine.'),
    machineBusy: z.number().describe("Share of all the machine's CPU time that was busy (0 to 1), whoever used it."),
    harnessCores: z.number().describe('CPU used by the dbmatrix process and its worker threads, in cores.'),
    harnessCpuMs: z
      .number()
      .optional()
      .describe(
        "CPU time the dbmatrix process and its worker threads used while measuring, ms; divided by the operations, the client's cost of one. Absent in older files.",
      ),
    harnessUsPerOperation: z
      .number()
      .optional()
      .describe(
        "The client's cost of one operation: CPU time of the dbmatrix process, all its threads, per measured operation, µs (harnessCpuMs over the operations). Absent in older files.",
      ),
    iowait: z
      .number()
      .optional()
      .describe("Share of all the machine's CPU time spent idle with disk I/O outstanding (0 to 1), from /proc/stat; absent off Linux and in older files."),
  })
  .describe("Where the machine's CPU went while the cell measured.");
/** CPU use over the measured phase. */
export type CpuUse = z.infer<typeof cpuUseSchema>;

const healthSchema = z
  .object({
    sampled: z.boolean().describe('Whether the pool was sampled (not for a file database: one connection per worker thread).'),
    samples: z.array(poolSampleSchema).describe('Pool samples every 100 ms, thinned to ~120.'),
    maxUsed: z.number().describe('Most connections in use at once.'),
    maxPendingAcquires: z.number().describe('Most queries waiting for a connection at once.'),
    acquireWaitMs: latencySchema.describe('Time queries waited for a connection, ms.'),
    windows: z.array(errorWindowSchema).describe('Completed and failed operations per one-second window.'),
    eventLoopLagMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }).describe("Delay of the harness's event loop, ms."),
    eventLoopBusy: z.number().describe("Share of the measured time (0 to 1) the harness's event loop ran callbacks rather than waited for I/O."),
    backpressure: z.array(backpressureEventSchema).describe('When and why the number of running workers changed.'),
    clientBound: z.object({ flagged: z.boolean(), reasons: z.array(z.string()) }).describe('Whether the client, not the database, limited the cell, and why.'),
    timeline: z.array(timelinePointSchema).describe('Operations finished so far, sampled every 100 ms (thinned to at most ~200 points): throughput over time.'),
    cpu: cpuUseSchema,
  })
  .describe('Pool, event loop, error windows and backpressure during the measured phase (see matrix/pool-health.ts).')
  .meta({ id: 'PoolHealth' });
/** What the pool and the client did during a cell. */
export type PoolHealth = z.infer<typeof healthSchema>;

const histogramsSchema = z
  .object({
    latency: z.string().describe('Successful operations, end to end.'),
    failedLatency: z.string().describe('Failed operations.'),
    attemptLatency: z.string().describe('Single attempts.'),
  })
  .describe('HDR histograms in microseconds, compressed and base64-encoded (hdr-histogram-js), so runs merge exactly.')
  .meta({ id: 'Histograms' });

const sampleSchema = z
  .object({
    opsPerSec: z.number().describe('Successful operations per second.'),
    rowsPerSec: z.number().describe('Rows per second.'),
    p50: z.number().describe('Median latency, ms.'),
    p99: z.number().describe('99th percentile latency, ms.'),
    durationMs: z.number().describe('Measured wall time, ms.'),
    failed: z.number().describe('Failed operations.'),
  })
  .describe('The figures of one repeat of a cell; compare uses their spread as the noise of the measurement.')
  .meta({ id: 'RepeatSample' });
export type Sample = z.infer<typeof sampleSchema>;

const lockWaitsSchema = z
  .object({
    samples: z.number().int().describe("Looks at the server's sessions, every 100 ms while measuring."),
    sessions: z.number().int().describe("The run's sessions in a statement or transaction, summed over the samples."),
    waiting: z.number().int().describe('Of those, the ones waiting for a lock, summed over the samples.'),
    byWait: z
      .record(z.string(), z.number())
      .describe("Waiting sessions by what they waited on, in the server's own words (a wait event such as transactionid, relation or tuple; row lock)."),
  })
  .describe(
    "Lock waits of the run's own sessions, sampled from the server while measuring (pg_stat_activity, information_schema.innodb_trx): a wait that ends in time raises no error.",
  )
  .meta({ id: 'LockWaits' });
export type LockWaits = z.infer<typeof lockWaitsSchema>;

export const figuresSchema = z
  .object({
    workers: z.number().describe('Concurrent workers that ran.'),
    segment: z
      .object({
        index: z.number().int().min(1),
        count: z.number().int().min(1),
        startedAt: z.number().describe('When this segment started measuring, ms since the epoch.'),
        endedAt: z.number().describe('When its last measured operation ended, ms since the epoch.'),
      })
      .optional()
      .describe("With --segment: which segment of the cell's load this process ran, and its measured window; merge joins segments over their common window."),
    driverPath: z
      .enum(DRIVER_PATHS)
      .optional()
      .describe(
        "How the statements reached the driver: 'knex' (query builder per operation) or 'prepared' (compiled once, prepared statements on knex's connections); absent in files written before the field existed (knex).",
      ),
    clientThreads: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Event loops the workers ran on: worker threads for a server adapter, or 1; a file database runs one thread per worker. Absent in older files (1).',
      ),
    mode: z
      .enum(['closed-loop', 'open-loop'])
      .optional()
      .describe(
        "'closed-loop': each worker sent its next operation when the last returned, latency from its actual start; 'open-loop' (--rate): operations were due on a fixed schedule, latency from each one's due time, so a stall shows in full. Absent in older files (closed-loop).",
      ),
    targetRate: z
      .number()
      .positive()
      .optional()
      .describe('Open loop only: the operations per second the schedule asked for (opsPerSec well below it means the cell fell behind).'),
    operations: z.object({ total: z.number(), succeeded: z.number(), failed: z.number() }).describe('Measured operations by outcome.'),
    rows: z.number().describe('Rows written or read by successful measured operations.'),
    durationMs: z.number().describe('Wall time of the measured phase, ms.'),
    opsPerSec: z.number().describe('Successful operations per second of measured wall time.'),
    rowsPerSec: z.number().describe('Rows per second of measured wall time.'),
    latencyMs: latencySchema.describe(
      "Latency of successful operations end to end, retries and backoff included, ms; open loop: from each operation's due time, so time spent waiting behind a backlog counts.",
    ),
    failedLatencyMs: latencySchema.describe('Latency of failed operations, ms (how long a failure took to surface; open loop: from the due time).'),
    attemptLatencyMs: latencySchema.describe('Latency of each single attempt, ms (retries make end-to-end latency larger than this).'),
    retries: z.partialRecord(z.enum(ERROR_CLASSES), z.number()).describe('Retries by the error class that caused them.'),
    retriedOps: z.number().describe('Operations that succeeded only after at least one retry.'),
    batchTrajectory: z
      .array(z.object({ workerId: z.number(), points: z.array(z.tuple([z.number(), z.number()])) }))
      .describe(
        "With adaptive batching: each worker's rows per operation over time, [ms, rows] (empty when sizes stayed fixed); repeats on one time axis, as health.",
      ),
    errors: z.partialRecord(z.enum(ERROR_CLASSES), errorGroupSchema).describe('Failures (after retries) by error class.'),
    warmup: z.object({ operations: z.number(), failed: z.number() }).describe('Warm-up operations, excluded from the figures.'),
    loadMs: z.number().describe('Time to create tables and load data, ms.'),
    verifyMs: z.number().describe('Time verify() took, ms.'),
    health: healthSchema.describe(
      "Pool health, error windows, event-loop lag and backpressure; with several repeats, pooled on one time axis (the repeats' measured phases end to end), the wait and lag percentiles the worst repeat's.",
    ),
    ceiling: ceilingSchema.optional(),
    lockWaits: lockWaitsSchema.optional().describe("Sampled lock waits of the run's sessions; absent for a file database and in older files."),
    statements: z
      .number()
      .optional()
      .describe('Statements the harness sent while measuring, transaction control (BEGIN, COMMIT) and retries included; absent in older files.'),
    busyWaits: z
      .object({
        count: z.number().int().describe('Statements that found the database file locked and waited.'),
        ms: z.number().describe('The time they waited in all, ms.'),
      })
      .optional()
      .describe(
        "A file database's waits for its file lock while measuring, timed by the harness, which does busy_timeout's waiting itself so it can time it; absent for servers and in older files.",
      ),
    roundTripMs: z
      .number()
      .optional()
      .describe('Median time of SELECT 1 through knex right after measuring, ms: one round trip to the server. Absent for a file database and in older files.'),
    serverActivity: z
      .record(z.string(), z.number())
      .describe(
        "Change of the server's own cumulative counters over the measured phase (commits, log flushes, lock waits; server-wide, so other clients count too); for a file database, data_version: above 0 when the writer threads committed.",
      ),
    histograms: histogramsSchema.describe('The latency histograms the summaries above come from.'),
    samples: z.array(sampleSchema).min(1).describe('One entry per repeat of the cell, in the order they ran.'),
  })
  .describe('Measured figures of one cell; warm-up is excluded from all of them.')
  .meta({ id: 'Figures' });
export type Figures = z.infer<typeof figuresSchema>;

export const verificationSchema = z
  .object({
    ok: z.boolean().describe('Every check held.'),
    acknowledged: z.number().describe('Rows or increments the ledger says were acknowledged.'),
    failed: z.number().describe('Writes that failed cleanly (rolled back).'),
    ambiguous: z.number().describe('Writes whose outcome was unknown (connection lost mid-operation), resolved by reading the database.'),
    ambiguousCommitted: z.number().describe('Of those, how many had committed.'),
    lost: z.number().describe('Acknowledged but absent.'),
    phantom: z.number().describe('Present but never acknowledged.'),
    duplicated: z.number().describe('Present more than once.'),
    mismatched: z.number().describe('Present with unexpected values, or reads that saw them.'),
    problems: z.array(z.string()).describe('One line per failed check.'),
  })
  .describe('What verify() found in the data.')
  .meta({ id: 'Verification' });
/** The result of checking the data, not the counters. */
export type Verification = z.infer<typeof verificationSchema>;

export const cellKeySchema = z
  .object({
    adapter: z.string().describe('Adapter name.'),
    profile: z.string().describe('Profile name.'),
    workload: z.string().describe('Workload name.'),
    serverLabel: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Which of its adapter's servers the cell ran on, by its flavour and the version number it reported ('<flavour> 17.12'), when the run had several servers for that adapter; absent otherwise and in older files.",
      ),
  })
  .describe('Which cell of the matrix a result belongs to.')
  .meta({ id: 'CellKey' });
export type CellKey = z.infer<typeof cellKeySchema>;

/** A cell's name in reports and the key that matches it across runs: adapter[@server]/profile/workload. */
export function cellName(key: CellKey): string {
  return `${columnName(key)}/${key.workload}`;
}

/** The column a cell belongs to in a side-by-side report: adapter[@server]/profile. */
export function columnName(key: Pick<CellKey, 'adapter' | 'profile' | 'serverLabel'>): string {
  return `${databaseName(key)}/${key.profile}`;
}

/** One database of a run: its adapter, and which of the adapter's servers when the run had several (adapter@server). */
export function databaseName(key: { adapter: string; serverLabel?: string }): string {
  return key.serverLabel ? `${key.adapter}@${key.serverLabel}` : key.adapter;
}

const targetSchema = z
  .object({
    provider: z.enum(['file', 'url', 'testcontainers']).describe('How the server was obtained.'),
    address: z.string().describe('Server URL with any password removed, or the database file.'),
    serverVersion: z.string().describe('Server or library version.'),
    settings: z.record(z.string(), z.string()).describe('Settings read back from the connection after the session settings were applied.'),
  })
  .describe('The database side of a cell: where it ran and what was in force.')
  .meta({ id: 'Target' });

export const cellResultSchema = z
  .discriminatedUnion('state', [
    z.object({
      state: z.literal('completed'),
      cell: cellKeySchema,
      target: targetSchema,
      figures: figuresSchema,
      verification: verificationSchema,
    }),
    z.object({
      state: z.literal('failed'),
      cell: cellKeySchema,
      reasons: z.array(z.string()).describe('Why the cell failed, one line each.'),
      target: targetSchema.optional(),
      figures: figuresSchema.optional(),
      verification: verificationSchema.optional(),
    }),
    z.object({
      state: z.literal('skipped'),
      cell: cellKeySchema,
      reason: z.string().describe('Why it did not run.'),
    }),
  ])
  .describe("One cell's outcome, discriminated on state.");
export type CellResult = z.infer<typeof cellResultSchema>;

export const environmentSchema = z
  .object({
    node: z.string().describe('Node.js version.'),
    platform: z.string().describe('Operating system.'),
    release: z.string().describe('Kernel release.'),
    arch: z.string().describe('CPU architecture.'),
    cpuModel: z.string().describe('CPU model.'),
    cpuCount: z.number().describe('Logical CPUs.'),
    totalMemoryMiB: z.number().describe('Memory, MiB.'),
    gitCommit: z.string().nullable().describe('Git commit of the dbmatrix checkout, when known.'),
    packages: z.record(z.string(), z.string()).describe('Versions of knex and the drivers.'),
  })
  .describe('The machine and software a run measured.')
  .meta({ id: 'Environment' });

/** One database's answers to the conformance cases. */
export const conformanceSchema = z
  .object({
    adapter: z.string().describe('Adapter asked.'),
    profile: z.string().describe('Profile whose settings the connections had.'),
    serverLabel: z
      .string()
      .min(1)
      .optional()
      .describe("Which of the adapter's servers answered, as the cells name it, when the run had several for that adapter; absent otherwise."),
    serverVersion: z.string().describe('Server (or library) version that answered.'),
    server: z
      .object({
        flavour: z.string().min(1).describe('Server flavour, as its adapter names it (one adapter may reach several).'),
        version: z
          .string()
          .describe(
            'Version at pinning granularity, as its adapter reads it: the part of the version number within which answers do not change (a major, or major.minor).',
          ),
        key: z.string().describe('<flavour>-<version>: the name of its pins file, adapters/<adapter>/pins/<key>.json.'),
      })
      .optional()
      .describe('Which server answered, as its answers are pinned; absent in older files, or when the version string named no known flavour.'),
    pinned: z.boolean().optional().describe('Whether pins for that flavour and version, measured with this profile, exist; absent in older files.'),
    answers: z.array(
      z
        .object({
          id: z.string().describe('Case id, <group>.<name>.'),
          outcome: z
            .enum(['same', 'different', 'error'])
            .describe('same: as the reference; different: another value; error: an error where a value was expected, or of another class.'),
          answer: z.string().describe('What came back, canonical JSON, or error:<class> (<driver code>).'),
          reference: z.string().describe('What the case expects: the value written, or error:<class>.'),
          errorClass: z.enum(ERROR_CLASSES).optional().describe('The class of the error raised, when one was.'),
          pin: z
            .enum(PIN_STATUSES)
            .optional()
            .describe(
              "Against the server's pins: 'as pinned', 'differs from pin' (a change of behaviour), or 'not pinned' (neither pass nor fail); absent in older files.",
            ),
          pinnedAnswer: z.string().optional().describe('The pinned answer, when this one differs from it.'),
        })
        .describe('One case on one database.'),
    ),
  })
  .describe("One database's answers to the conformance cases.")
  .meta({ id: 'ConformanceAnswers' });
export type ConformanceAnswers = z.infer<typeof conformanceSchema>;

/** One sqllogictest file on the databases of a run. */
export const sltFileSchema = z
  .object({
    file: z.string().describe('The file, as given (relative to the working directory when inside it).'),
    sha256: z.string().describe("SHA-256 of the file's bytes: compare holds records against each other only when it is unchanged."),
    records: z.number().int().min(0).describe('Statement and query records in the file.'),
    databases: z.array(
      z
        .object({
          database: z.string().describe('Adapter, or adapter@server when the run had several servers for it.'),
          adapter: z.string().describe('Adapter that ran the file.'),
          profile: z.string().describe('Profile whose connection settings it ran with.'),
          serverVersion: z.string().describe('Server (or library) version that answered.'),
          engine: z.string().describe('The engine name its skipif/onlyif lines were matched against.'),
          passed: z.number().int().min(0).describe('Records that gave what the file expects.'),
          failed: z.number().int().min(0).describe('Records that did not (known differences included).'),
          known: z.number().int().min(0).describe('Of the failed records, those a --known file gives a cause for.'),
          knownPassing: z.array(z.number().int()).describe('Lines the --known file lists for this engine that passed: no longer a difference.'),
          skipped: z.number().int().min(0).describe('Records its skipif/onlyif lines leave out for this engine, or after a halt.'),
          durationMs: z.number().min(0).describe('Wall time of the file on this database, ms (namespace set-up and clean-up left out).'),
          haltedAt: z.number().int().optional().describe('Line of the halt that ended the file on this database.'),
          marks: z.string().describe('One letter per record in file order: p passed, f failed, s skipped (what compare holds record by record).'),
          failures: z
            .array(
              z.object({
                line: z.number().int().describe('Line of the record.'),
                sql: z.string().describe('Its SQL.'),
                expected: z.string().describe("What the file expects: ok, error, values one per line, or 'N values hashing to H'."),
                actual: z.string().describe('What came back, in the same form, or error: <message>.'),
                known: z.string().optional().describe('The cause a --known file gives for it, when it is a known difference.'),
              }),
            )
            .describe("The failed records, the first 1,000, in file order (so the n-th 'f' of marks is the n-th failure)."),
        })
        .describe('The file on one database.'),
    ),
    disagreements: z
      .object({
        total: z.number().int().min(0).describe('Records that two or more databases ran and answered differently from one another.'),
        records: z
          .array(
            z.object({
              line: z.number().int().describe('Line of the record.'),
              sql: z.string().describe('Its SQL.'),
              answers: z.record(z.string(), z.string()).describe("Each database's answer (that ran it), by database."),
            }),
          )
          .describe('The first 1,000 of them, in file order.'),
      })
      .describe('Where the databases of the run disagree with each other, whatever the file expects.'),
  })
  .describe('One sqllogictest file on the databases of a run.')
  .meta({ id: 'SltFile' });
export type SltFileResults = z.infer<typeof sltFileSchema>;

export const runLengthSchema = z
  .object({
    repeats: z.number().int().min(1).describe('Times each cell ran; the figures pool all repeats.'),
    ops: z.number().nullable().describe('Measured operations per cell and repeat; null when bounded by time.'),
    durationMs: z.number().nullable().describe('Measured time per cell and repeat, ms; null when bounded by operations.'),
    warmupOps: z.number().nullable().describe('Warm-up operations per cell; null: a tenth of ops, at least one per worker.'),
    maxErrorRate: z.number().describe('Share of failed operations a cell could have and still pass.'),
    rate: z.number().positive().nullable().optional().describe('--rate: operations per second per cell, open loop; null or absent: closed loop.'),
    shard: z
      .object({ index: z.number().int().min(1), count: z.number().int().min(1) })
      .optional()
      .describe('The shard of the matrix this run ran (--shard i/n); absent: every cell, or a merge of shards.'),
    segment: z
      .object({ index: z.number().int().min(1), count: z.number().int().min(1) })
      .optional()
      .describe("The segment of every cell's load this process ran (--segment i/n); absent: the whole load, or a merge of segments."),
  })
  .describe('How the run was bounded.')
  .meta({ id: 'RunLength' });
/** How a run is bounded: the one shape from the choices of the CLI, run() and the config file to results.json. */
export type RunLength = z.infer<typeof runLengthSchema>;

export const runResultsSchema = z
  .object({
    schemaVersion: z.literal(RESULTS_SCHEMA_VERSION).describe('Version of this layout.'),
    runId: z.string().describe("Run id (for a merged file: the ids joined with '+')."),
    startedAt: z.string().describe('When the run began, ISO 8601.'),
    finishedAt: z.string().describe('When it ended, ISO 8601.'),
    environment: environmentSchema.describe('The machine and software measured.'),
    mergedFrom: z
      .array(z.object({ runId: z.string(), file: z.string(), adapters: z.array(z.string()) }))
      .optional()
      .describe('For a merged file: the runs it was made from.'),
    options: runLengthSchema,
    profiles: z.array(z.record(z.string(), z.unknown())).describe('Every profile that ran, with all values in force.'),
    workloadParams: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .optional()
      .describe("Each workload's own parameters in force, by workload name (workloads with none are left out); absent in older files."),
    cells: z.array(cellResultSchema),
    conformance: z.array(conformanceSchema).optional().describe('The conformance matrix, per database (run with --conformance).'),
    sqllogictest: z.array(sltFileSchema).optional().describe('sqllogictest files run on each database (dbmatrix conformance --slt), per file.'),
    interrupted: z.boolean().describe('Whether the run was stopped early (Ctrl-C).'),
  })
  .describe('One results.json.');
export type RunResults = z.infer<typeof runResultsSchema>;
