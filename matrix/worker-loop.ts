import { setTimeout as sleep } from 'node:timers/promises';
import { backOff } from 'exponential-backoff';
import type { Knex } from 'knex';
import type { Adapter, ClassifiedError, ErrorClass, Profile, RetryPolicy } from '../adapters/contract';
import { errorMessage } from '../adapters/contract';
import { knexPath } from '../driver-paths/knex-path';
import { preparedPath } from '../driver-paths/prepared-path';
import { type ErrorTally, encodeHistogram, newLatencyHistogram, tallyError } from '../model/metrics';
import { BatchSizer, type TrajectoryPoint } from './adaptive-batch';
import { claim, measureStart, PHASE, read, SLOT } from './control';
import { runOpenLoop } from './open-loop';
import { countedDriver } from './statement-count';
import { driverPathOf, type OpOutcome, type WorkerSession, type Workload, type WorkloadParams } from './workloads/contract';

/** How many operations to run; the measured phase ends at its quota or when the runner says stop. */
export interface LoopPlan {
  /** Warm-up operations shared by all workers (not measured). */
  warmupOps: number;
  /** Measured operations shared by all workers; null when the run is bounded by duration. */
  measuredOps: number | null;
  /** How failed operations are retried. */
  retry: RetryPolicy;
  /** Open loop at this many operations per second for the whole cell (see open-loop.ts); absent or null: closed loop. */
  rate?: number | null;
}

/** Retries by the class of the error that caused them. */
export type RetryTally = Partial<Record<ErrorClass, number>>;

/** What one worker reports when it stops. */
export interface WorkerReport {
  /** The worker. */
  workerId: number;
  /** Latency of successful measured operations, µs, encoded HDR histogram. */
  latency: string;
  /** Latency of failed measured operations, µs, encoded HDR histogram. */
  failedLatency: string;
  /** Latency of every single attempt of a measured operation, µs, encoded HDR histogram. */
  attemptLatency: string;
  /** Measured retries by the error class that caused them. */
  retries: RetryTally;
  /** Measured operations that succeeded only after at least one retry. */
  retriedOps: number;
  /** How this worker's rows per operation moved (one point when fixed). */
  trajectory: TrajectoryPoint[];
  /** Measured operations that succeeded. */
  succeeded: number;
  /** Measured operations that failed. */
  failed: number;
  /** Rows written or read by successful measured operations. */
  rows: number;
  /** Measured failures by class. */
  errors: ErrorTally;
  /** Warm-up operations run and failed. */
  warmup: { operations: number; failed: number };
  /** When this worker's last measured operation ended (ms since the epoch, sub-ms precision). */
  endedAt: number;
  /** The workload's ledger. */
  ledger: unknown;
}

const now = () => performance.timeOrigin + performance.now();
const micros = (since: number) => Math.max(1, Math.round((performance.now() - since) * 1000));

/** What a retried operation reports as it goes. */
interface RetryHooks {
  /** After every attempt: its latency in µs and whether it succeeded. */
  onAttempt(us: number, ok: boolean): void;
  /** Before every retry, with the class of the error that caused it. */
  onRetry(cls: ErrorClass): void;
}

/**
 * One operation with retries: the whole operation (statement or transaction) is repeated, never part of one.
 * Only retryable classes are retried, within the attempt and time caps, and not once the run is aborted. Built once
 * per worker: the first attempt runs without the backoff machinery or any new closure, since most operations succeed at
 * once and the measured loop is the hot path.
 */
class RetriedOperation {
  constructor(
    private readonly op: (attempt: number) => Promise<OpOutcome | void>,
    private readonly classify: (err: unknown) => ClassifiedError,
    private readonly policy: RetryPolicy,
    private readonly stopping: () => boolean,
    private readonly recover: (() => Promise<void>) | undefined,
  ) {}

  /**
   * Run the operation until it succeeds or may not be retried; throws the last error. `started` is the caller's clock
   * reading for the operation's start, so the first attempt needs none of its own.
   */
  async run(hooks: RetryHooks, started = performance.now()): Promise<OpOutcome | void> {
    // The first attempt inline, not through attempt(): one async frame and one clock reading fewer per operation.
    try {
      const outcome = await this.op(1);
      hooks.onAttempt(micros(started), true);
      return outcome;
    } catch (err) {
      // Only failed attempts pay for it: the connection is made clean before a retry or the next operation.
      if (this.recover) await this.recover();
      hooks.onAttempt(micros(started), false);
      if (!this.retryable(err, 1, started, hooks)) throw err;
    }
    let attempt = 1;
    return backOff(() => this.attempt(hooks, ++attempt), {
      numOfAttempts: this.policy.maxAttempts - 1,
      startingDelay: this.policy.baseDelayMs,
      maxDelay: this.policy.maxDelayMs,
      timeMultiple: 2,
      jitter: 'full',
      // The first retry waits too, as the second attempt of one backoff sequence would.
      delayFirstAttempt: true,
      retry: (err: unknown, retried: number) => this.retryable(err, 1 + retried, started, hooks),
    });
  }

  private async attempt(hooks: RetryHooks, attempt: number): Promise<OpOutcome | void> {
    const t = performance.now();
    let ok = false;
    try {
      const outcome = await this.op(attempt);
      ok = true;
      return outcome;
    } catch (err) {
      // Only failed attempts pay for it: the connection is made clean before a retry or the next operation.
      if (this.recover) await this.recover();
      throw err;
    } finally {
      hooks.onAttempt(micros(t), ok);
    }
  }

  /** Whether a failure after `attempts` attempts gets another one; counts the retry when it does. */
  private retryable(err: unknown, attempts: number, started: number, hooks: RetryHooks): boolean {
    const c = this.classify(err);
    if (!c.retryable || attempts >= this.policy.maxAttempts || this.stopping()) return false;
    if (performance.now() - started > this.policy.maxElapsedMs) return false;
    hooks.onRetry(c.errorClass);
    return true;
  }
}

/** Run one worker through warm-up and the measured phase, as coordinated through the control block. */
export async function runWorkerLoop(
  workerId: number,
  session: WorkerSession<unknown>,
  classify: (err: unknown) => ClassifiedError,
  control: Int32Array,
  plan: LoopPlan,
  sizer: BatchSizer,
  recover?: () => Promise<void>,
): Promise<WorkerReport> {
  const warmup = { operations: 0, failed: 0 };
  const stopping = () => read(control, SLOT.phase) === PHASE.abort;
  const operation = new RetriedOperation((attempt) => session.op(attempt), classify, plan.retry, stopping, recover);
  const warmupHooks: RetryHooks = { onAttempt: (us, ok) => sizer.onAttempt(ok, us / 1000), onRetry: () => {} };
  while (read(control, SLOT.phase) === PHASE.warmup && claim(control, SLOT.warmupClaimed, plan.warmupOps)) {
    warmup.operations++;
    try {
      await operation.run(warmupHooks);
    } catch {
      warmup.failed++;
    }
  }
  Atomics.add(control, SLOT.warmed, 1);
  while (read(control, SLOT.phase) === PHASE.warmup) await sleep(1);
  // On the measured phase's clock, as every other series of the cell: the warm-up's sizes are not part of the figures.
  // (A loop driven without the runner's start mark, as in the unit tests, starts its clock now.)
  const measuredFrom = measureStart(control);
  sizer.startMeasuring(measuredFrom > 0 ? measuredFrom : performance.now());

  const latency = newLatencyHistogram();
  const failedLatency = newLatencyHistogram();
  const attemptLatency = newLatencyHistogram();
  const retries: RetryTally = {};
  let retriedOps = 0;
  const errors: ErrorTally = {};
  let succeeded = 0;
  let failed = 0;
  let rows = 0;
  let endedAt = now();
  // Built once, not per operation: the measured loop is the hot path.
  let retriedThisOp = false;
  const hooks: RetryHooks = {
    onAttempt(us, ok) {
      attemptLatency.recordValue(us);
      sizer.onAttempt(ok, us / 1000);
    },
    onRetry(cls) {
      retries[cls] = (retries[cls] ?? 0) + 1;
      retriedThisOp = true;
    },
  };
  // How one measured operation ends, timed from `start` (its send, or its due time in an open loop). Plain functions, not
  // an async body shared by both loops: the closed loop would pay one more await per operation for that.
  // One clock reading gives both the latency and the end time.
  const succeededFrom = (start: number, outcome: OpOutcome | void) => {
    const end = performance.now();
    latency.recordValue(Math.max(1, Math.round((end - start) * 1000)));
    succeeded++;
    if (retriedThisOp) retriedOps++;
    rows += outcome?.rows ?? 1;
    Atomics.add(control, SLOT.completed, 1);
    endedAt = performance.timeOrigin + end;
  };
  const failedFrom = (start: number, err: unknown) => {
    const end = performance.now();
    failedLatency.recordValue(Math.max(1, Math.round((end - start) * 1000)));
    failed++;
    tallyError(errors, classify(err), errorMessage(err));
    Atomics.add(control, SLOT.failed, 1);
    Atomics.add(control, SLOT.completed, 1);
    endedAt = performance.timeOrigin + end;
  };
  if (plan.rate) {
    const measureOne = async (due: number) => {
      retriedThisOp = false;
      try {
        succeededFrom(due, await operation.run(hooks));
      } catch (err) {
        failedFrom(due, err);
      }
    };
    await runOpenLoop({ workerId, control, measuredOps: plan.measuredOps, rate: plan.rate, measureOne });
  } else {
    while (read(control, SLOT.phase) === PHASE.measure) {
      if (workerId >= read(control, SLOT.active)) {
        // Held back by backpressure; once the others have used up the quota there is nothing left to wait for.
        if (plan.measuredOps !== null && read(control, SLOT.measuredClaimed) >= plan.measuredOps) break;
        await sleep(5);
        continue;
      }
      if (plan.measuredOps !== null && !claim(control, SLOT.measuredClaimed, plan.measuredOps)) break;
      const start = performance.now();
      retriedThisOp = false;
      try {
        // End-to-end latency, retries and backoff included, is the primary figure.
        succeededFrom(start, await operation.run(hooks, start));
      } catch (err) {
        failedFrom(start, err);
      }
    }
  }
  return {
    workerId,
    latency: encodeHistogram(latency),
    failedLatency: encodeHistogram(failedLatency),
    attemptLatency: encodeHistogram(attemptLatency),
    retries,
    retriedOps,
    trajectory: sizer.trajectory(),
    succeeded,
    failed,
    rows,
    errors,
    warmup,
    endedAt,
    ledger: session.ledger(),
  };
}

/** What every worker of a cell shares, in a thread or on the cell's pool: plain data, sent to threads as it is. */
export interface CellWork {
  /** Profile in force. */
  profile: Profile;
  /** The workload's own parameters in force. */
  params: WorkloadParams;
  /** The workload's setup state. */
  state: unknown;
  /** The shared control block. */
  control: Int32Array;
  /** Operation quotas. */
  plan: LoopPlan;
  /** With --segment: the cell-wide id of this process's first worker, so workloads that key rows by worker never collide across segments. */
  firstWorkerId?: number;
}

/** Build one worker (its batch sizer, context and session) and run it; the same for threads and pooled workers. */
export async function runWorker(
  knex: Knex,
  adapter: Adapter,
  workload: Workload,
  cell: CellWork,
  workerId: number,
  workersOnPool: number,
): Promise<WorkerReport> {
  const { profile, params, state, control, plan } = cell;
  const sizer = new BatchSizer(workload.sizedBy ? profile[workload.sizedBy] : 1, workload.sizedBy && profile.adaptive.enabled ? profile.adaptive : undefined);
  // A worker keeps a connection only when the pool has one for every worker: otherwise the others would starve.
  const statements =
    driverPathOf(workload, profile) === 'prepared'
      ? preparedPath(knex, countedDriver(adapter.prepared, control), workersOnPool <= profile.pool.max)
      : knexPath(knex);
  const session = workload.worker(
    { knex, adapter, profile, params, statements, workerId: workerId + (cell.firstWorkerId ?? 0), batchRows: () => sizer.size() },
    state,
  );
  const recover = adapter.afterFailure ? () => adapter.afterFailure!(knex) : undefined;
  try {
    return await runWorkerLoop(workerId, session, (err) => adapter.classify(err), control, plan, sizer, recover);
  } finally {
    await statements.close();
  }
}
