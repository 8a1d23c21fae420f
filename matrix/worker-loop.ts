import { setTimeout as sleep } from 'node:timers/promises';
import type { ClassifiedError } from '../adapters/contract';
import { errorMessage } from '../adapters/contract';
import { PHASE, SLOT, claim, read } from './control';
import { type ErrorTally, encodeHistogram, newLatencyHistogram, tallyError } from './metrics';
import type { WorkerSession } from './workloads/contract';

/** How many operations to run; the measured phase ends at its quota or when the runner says stop. */
export interface LoopPlan {
  /** Warm-up operations shared by all workers (not measured). */
  warmupOps: number;
  /** Measured operations shared by all workers; null when the run is bounded by duration. */
  measuredOps: number | null;
}

/** What one worker reports when it stops. */
export interface WorkerReport {
  /** The worker. */
  workerId: number;
  /** Latency of successful measured operations, µs, encoded HDR histogram. */
  latency: string;
  /** Latency of failed measured operations, µs, encoded HDR histogram. */
  failedLatency: string;
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

/** Run one worker through warm-up and the measured phase, as coordinated through the control block. */
export async function runWorkerLoop(
  workerId: number,
  session: WorkerSession<unknown>,
  classify: (err: unknown) => ClassifiedError,
  control: Int32Array,
  plan: LoopPlan,
): Promise<WorkerReport> {
  const warmup = { operations: 0, failed: 0 };
  while (read(control, SLOT.phase) === PHASE.warmup && claim(control, SLOT.warmupClaimed, plan.warmupOps)) {
    warmup.operations++;
    try {
      await session.op();
    } catch {
      warmup.failed++;
    }
  }
  Atomics.add(control, SLOT.warmed, 1);
  while (read(control, SLOT.phase) === PHASE.warmup) await sleep(1);

  const latency = newLatencyHistogram();
  const failedLatency = newLatencyHistogram();
  const errors: ErrorTally = {};
  let succeeded = 0;
  let failed = 0;
  let rows = 0;
  let endedAt = now();
  while (read(control, SLOT.phase) === PHASE.measure) {
    if (plan.measuredOps !== null && !claim(control, SLOT.measuredClaimed, plan.measuredOps)) break;
    const start = performance.now();
    try {
      const outcome = await session.op();
      latency.recordValue(Math.max(1, Math.round((performance.now() - start) * 1000)));
      succeeded++;
      rows += outcome?.rows ?? 1;
    } catch (err) {
      failedLatency.recordValue(Math.max(1, Math.round((performance.now() - start) * 1000)));
      failed++;
      tallyError(errors, classify(err), errorMessage(err));
      Atomics.add(control, SLOT.failed, 1);
    }
    Atomics.add(control, SLOT.completed, 1);
    endedAt = now();
  }
  return {
    workerId,
    latency: encodeHistogram(latency),
    failedLatency: encodeHistogram(failedLatency),
    succeeded,
    failed,
    rows,
    errors,
    warmup,
    endedAt,
    ledger: session.ledger(),
  };
}
