import { z } from 'zod';
import { ERROR_CLASSES } from '../adapters/contract';

/** Bumped whenever a field changes meaning or disappears; readers refuse versions they do not know. */
export const RESULTS_SCHEMA_VERSION = 2;

const latencySchema = z.object({
  /** Operations measured. */
  count: z.number(),
  /** Mean, ms. */
  mean: z.number(),
  /** Median, ms. */
  p50: z.number(),
  /** 90th percentile, ms. */
  p90: z.number(),
  /** 99th percentile, ms. */
  p99: z.number(),
  /** 99.9th percentile, ms. */
  p999: z.number(),
  /** Slowest, ms. */
  max: z.number(),
});

const errorGroupSchema = z.object({
  /** Failed operations in this class. */
  count: z.number(),
  /** Whether a retry could cure this class. */
  retryable: z.boolean(),
  /** Counts by driver code. */
  codes: z.record(z.string(), z.number()),
  /** One message, credentials removed. */
  sample: z.string(),
});

/** Pool, event loop, error windows and backpressure during the measured phase (see matrix/pool-health.ts). */
const healthSchema = z.object({
  /** Whether the pool was sampled (not for SQLite: one connection per thread). */
  sampled: z.boolean(),
  /** Pool samples every 100 ms, thinned to ~120: ms since measuring began, connections used and free, queries waiting, connections opening. */
  samples: z.array(z.object({ atMs: z.number(), used: z.number(), free: z.number(), pendingAcquires: z.number(), pendingCreates: z.number() })),
  /** Most connections in use at once. */
  maxUsed: z.number(),
  /** Most queries waiting for a connection at once. */
  maxPendingAcquires: z.number(),
  /** Time queries waited for a connection, ms. */
  acquireWaitMs: latencySchema,
  /** Completed and failed operations per one-second window. */
  windows: z.array(z.object({ atMs: z.number(), completed: z.number(), failed: z.number() })),
  /** Delay of the harness's event loop, ms. */
  eventLoopLagMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  /** When and why the number of running workers changed. */
  backpressure: z.array(z.object({ atMs: z.number(), activeWorkers: z.number(), reason: z.string() })),
  /** Whether the client, not the database, limited the cell, and why. */
  clientBound: z.object({ flagged: z.boolean(), reasons: z.array(z.string()) }),
  /** Operations finished so far, sampled every 100 ms (thinned to at most ~200 points): throughput over time. */
  timeline: z.array(z.object({ atMs: z.number(), completed: z.number(), failed: z.number() })),
});

/** HDR histograms in microseconds, compressed and base64-encoded (hdr-histogram-js), so runs merge exactly. */
const histogramsSchema = z.object({
  /** Successful operations, end to end. */
  latency: z.string(),
  /** Failed operations. */
  failedLatency: z.string(),
  /** Single attempts. */
  attemptLatency: z.string(),
});

/** The figures of one repeat of a cell; compare uses their spread as the noise of the measurement. */
const sampleSchema = z.object({
  /** Successful operations per second. */
  opsPerSec: z.number(),
  /** Rows per second. */
  rowsPerSec: z.number(),
  /** Median latency, ms. */
  p50: z.number(),
  /** 99th percentile latency, ms. */
  p99: z.number(),
  /** Measured wall time, ms. */
  durationMs: z.number(),
  /** Failed operations. */
  failed: z.number(),
});
export type Sample = z.infer<typeof sampleSchema>;

/** Measured figures of one cell; warm-up is excluded from all of them. */
export const figuresSchema = z.object({
  /** Concurrent workers that ran. */
  workers: z.number(),
  /** Measured operations by outcome. */
  operations: z.object({ total: z.number(), succeeded: z.number(), failed: z.number() }),
  /** Rows written or read by successful measured operations. */
  rows: z.number(),
  /** Wall time of the measured phase, ms. */
  durationMs: z.number(),
  /** Successful operations per second of measured wall time. */
  opsPerSec: z.number(),
  /** Rows per second of measured wall time. */
  rowsPerSec: z.number(),
  /** Latency of successful operations end to end, retries and backoff included, ms. */
  latencyMs: latencySchema,
  /** Latency of failed operations, ms (how long a failure took to surface). */
  failedLatencyMs: latencySchema,
  /** Latency of each single attempt, ms (retries make end-to-end latency larger than this). */
  attemptLatencyMs: latencySchema,
  /** Retries by the error class that caused them. */
  retries: z.partialRecord(z.enum(ERROR_CLASSES), z.number()),
  /** Operations that succeeded only after at least one retry. */
  retriedOps: z.number(),
  /** With adaptive batching: each worker's rows per operation over time, [ms, rows] (empty when sizes stayed fixed). */
  batchTrajectory: z.array(z.object({ workerId: z.number(), points: z.array(z.tuple([z.number(), z.number()])) })),
  /** Failures (after retries) by error class. */
  errors: z.partialRecord(z.enum(ERROR_CLASSES), errorGroupSchema),
  /** Warm-up operations, excluded from the figures. */
  warmup: z.object({ operations: z.number(), failed: z.number() }),
  /** Time to create tables and load data, ms. */
  loadMs: z.number(),
  /** Time verify() took, ms. */
  verifyMs: z.number(),
  /** Pool health, error windows, event-loop lag and backpressure (of the first repeat when there were several). */
  health: healthSchema,
  /** The latency histograms the summaries above come from. */
  histograms: histogramsSchema,
  /** One entry per repeat of the cell, in the order they ran. */
  samples: z.array(sampleSchema).min(1),
});
export type Figures = z.infer<typeof figuresSchema>;

/** What verify() found in the data. */
export const verificationSchema = z.object({
  /** Every check held. */
  ok: z.boolean(),
  /** Rows or increments the ledger says were acknowledged. */
  acknowledged: z.number(),
  /** Writes that failed cleanly (rolled back). */
  failed: z.number(),
  /** Writes whose outcome was unknown (connection lost mid-operation), resolved by reading the database. */
  ambiguous: z.number(),
  /** Of those, how many had committed. */
  ambiguousCommitted: z.number(),
  /** Acknowledged but absent. */
  lost: z.number(),
  /** Present but never acknowledged. */
  phantom: z.number(),
  /** Present more than once. */
  duplicated: z.number(),
  /** Present with unexpected values, or reads that saw them. */
  mismatched: z.number(),
  /** One line per failed check. */
  problems: z.array(z.string()),
});

/** Which cell of the matrix a result belongs to. */
export const cellKeySchema = z.object({
  /** Adapter name. */
  adapter: z.string(),
  /** Profile name. */
  profile: z.string(),
  /** Workload name. */
  workload: z.string(),
});
export type CellKey = z.infer<typeof cellKeySchema>;

/** The database side of a cell: where it ran and what was in force. */
const targetSchema = z.object({
  /** How the server was obtained. */
  provider: z.enum(['file', 'url', 'testcontainers']),
  /** Server URL with any password removed, or the SQLite file. */
  address: z.string(),
  /** Server or library version. */
  serverVersion: z.string(),
  /** Settings read back from the connection after the session settings were applied. */
  settings: z.record(z.string(), z.string()),
});

/** One cell's outcome, discriminated on state. */
export const cellResultSchema = z.discriminatedUnion('state', [
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
    /** Why the cell failed, one line each. */
    reasons: z.array(z.string()),
    target: targetSchema.optional(),
    figures: figuresSchema.optional(),
    verification: verificationSchema.optional(),
  }),
  z.object({
    state: z.literal('skipped'),
    cell: cellKeySchema,
    /** Why it did not run. */
    reason: z.string(),
  }),
]);
export type CellResult = z.infer<typeof cellResultSchema>;

/** The machine and software a run measured. */
export const environmentSchema = z.object({
  /** Node.js version. */
  node: z.string(),
  /** Operating system. */
  platform: z.string(),
  /** Kernel release. */
  release: z.string(),
  /** CPU architecture. */
  arch: z.string(),
  /** CPU model. */
  cpuModel: z.string(),
  /** Logical CPUs. */
  cpuCount: z.number(),
  /** Memory, MiB. */
  totalMemoryMiB: z.number(),
  /** Git commit of the dbmatrix checkout, when known. */
  gitCommit: z.string().nullable(),
  /** Versions of knex and the drivers. */
  packages: z.record(z.string(), z.string()),
});

/** One results.json. */
export const runResultsSchema = z.object({
  /** Version of this layout. */
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  /** Run id (for a merged file: the ids joined with '+'). */
  runId: z.string(),
  /** When the run began, ISO 8601. */
  startedAt: z.string(),
  /** When it ended, ISO 8601. */
  finishedAt: z.string(),
  /** The machine and software measured. */
  environment: environmentSchema,
  /** For a merged file: the runs it was made from. */
  mergedFrom: z.array(z.object({ runId: z.string(), file: z.string(), adapters: z.array(z.string()) })).optional(),
  /** How the run was bounded. */
  options: z.object({
    /** Times each cell ran; the figures pool all repeats. */
    repeats: z.number().int().min(1),
    /** Measured operations per cell and repeat; null when bounded by time. */
    ops: z.number().nullable(),
    /** Measured time per cell and repeat, ms; null when bounded by operations. */
    durationMs: z.number().nullable(),
    /** Warm-up operations per cell; null: a tenth of ops, at least one per worker. */
    warmupOps: z.number().nullable(),
    /** Share of failed operations a cell could have and still pass. */
    maxErrorRate: z.number(),
  }),
  /** Every profile that ran, with all values in force. */
  profiles: z.array(z.record(z.string(), z.unknown())),
  cells: z.array(cellResultSchema),
  /** Whether the run was stopped early (Ctrl-C). */
  interrupted: z.boolean(),
});
export type RunResults = z.infer<typeof runResultsSchema>;
