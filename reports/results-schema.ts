import { z } from 'zod';
import { ERROR_CLASSES } from '../adapters/contract';

/** Bumped whenever a field changes meaning or disappears; readers refuse versions they do not know. */
export const RESULTS_SCHEMA_VERSION = 1;

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
  sampled: z.boolean(),
  samples: z.array(z.object({ atMs: z.number(), used: z.number(), free: z.number(), pendingAcquires: z.number(), pendingCreates: z.number() })),
  maxUsed: z.number(),
  maxPendingAcquires: z.number(),
  acquireWaitMs: latencySchema,
  windows: z.array(z.object({ atMs: z.number(), completed: z.number(), failed: z.number() })),
  eventLoopLagMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  backpressure: z.array(z.object({ atMs: z.number(), activeWorkers: z.number(), reason: z.string() })),
  clientBound: z.object({ flagged: z.boolean(), reasons: z.array(z.string()) }),
});

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
  /** Pool health, error windows, event-loop lag and backpressure. */
  health: healthSchema,
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
  node: z.string(),
  platform: z.string(),
  release: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cpuCount: z.number(),
  totalMemoryMiB: z.number(),
  /** Git commit of the dbmatrix checkout, when known. */
  gitCommit: z.string().nullable(),
  /** Versions of knex and the drivers. */
  packages: z.record(z.string(), z.string()),
});

/** One results.json. */
export const runResultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  environment: environmentSchema,
  /** How the run was bounded. */
  options: z.object({
    ops: z.number().nullable(),
    durationMs: z.number().nullable(),
    /** Warm-up operations per cell; null: a tenth of ops, at least one per worker. */
    warmupOps: z.number().nullable(),
    maxErrorRate: z.number(),
  }),
  /** Every profile that ran, with all values in force. */
  profiles: z.array(z.record(z.string(), z.unknown())),
  cells: z.array(cellResultSchema),
  /** Whether the run was stopped early (Ctrl-C). */
  interrupted: z.boolean(),
});
export type RunResults = z.infer<typeof runResultsSchema>;
