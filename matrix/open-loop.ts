import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { measureStart, PHASE, read, SLOT } from './control';

/**
 * Open-loop measurement (--rate): operations arrive on a fixed schedule shared by every worker of a cell, in every
 * thread, and each one's latency counts from when it was due, not from when a worker got round to it. A closed loop
 * sends the next operation only after the last one returned, so a stalled database also stalls the client and the
 * operations that should have been waiting never exist (coordinated omission); wrk2 and YCSB's -target with intended
 * times measure the same way.
 */

/** Longest single sleep while ahead of schedule, ms: the phase is checked again after it (a duration may end meanwhile). */
const MAX_NAP_MS = 50;

/** A fixed-rate schedule: operation k is due at start + k × 1000 / rate, on this thread's performance.now() timeline. */
export class Schedule {
  /** Gap between two due times, ms. */
  readonly intervalMs: number;

  constructor(
    /** When operation 0 is due (performance.now() ms). */
    readonly startMs: number,
    /** Operations per second, for the whole cell. */
    readonly rate: number,
  ) {
    this.intervalMs = 1000 / rate;
  }

  /** When operation k is due (performance.now() ms). */
  dueAt(k: number): number {
    return this.startMs + k * this.intervalMs;
  }
}

/**
 * Wait until `due` (performance.now() ms) without spinning: sleep whole milliseconds, then yield to the event loop for
 * what is left. Returns at once when already late (a backlog is run straight away; its wait shows as latency), and
 * false when `keepWaiting` turns false first.
 */
export async function waitUntil(due: number, keepWaiting: () => boolean): Promise<boolean> {
  for (;;) {
    const ahead = due - performance.now();
    if (ahead <= 0) return true;
    if (!keepWaiting()) return false;
    // Timers count whole milliseconds on a loop clock cut to the millisecond, so a nap of floor(ahead) usually ends up
    // to a millisecond early and the rest is yielded away. Napping a millisecond less and yielding for it timed no
    // better here (median 0.002 ms late at 300 ops/s) and cost four times the CPU (0.35 against 0.08 cores).
    if (ahead >= 1) await sleep(Math.min(MAX_NAP_MS, Math.floor(ahead)));
    else await yieldToLoop();
  }
}

/** What the open loop needs of a worker: what the closed loop does with one operation, timed from a given start. */
export interface OpenLoopWorker {
  /** The worker, for backpressure (workers numbered at or above SLOT.active wait). */
  workerId: number;
  /** The cell's control block: phase, backpressure, the ticket counter and the schedule's start. */
  control: Int32Array;
  /** Measured operations for the whole cell; null when bounded by duration. */
  measuredOps: number | null;
  /** Operations per second for the whole cell. */
  rate: number;
  /** Run one measured operation and record its latency from `startMs` (its due time, performance.now() ms). */
  measureOne(startMs: number): Promise<void>;
}

/**
 * The measured phase, open loop: claim the next ticket k of the cell (SLOT.measuredClaimed, shared by all threads),
 * wait until it is due, run it. Behind schedule a worker never waits. Ends at the quota, at STOP (a duration) or ABORT;
 * a ticket whose due time the phase did not reach is dropped, not measured.
 */
export async function runOpenLoop(w: OpenLoopWorker): Promise<void> {
  const { control, measuredOps } = w;
  const measuring = () => read(control, SLOT.phase) === PHASE.measure;
  if (!measuring()) return;
  const schedule = new Schedule(measureStart(control), w.rate);
  while (measuring()) {
    if (w.workerId >= read(control, SLOT.active)) {
      // Held back by backpressure: the others keep to the schedule, or fall behind and it shows as latency.
      if (measuredOps !== null && read(control, SLOT.measuredClaimed) >= measuredOps) break;
      await sleep(5);
      continue;
    }
    const k = Atomics.add(control, SLOT.measuredClaimed, 1);
    if (measuredOps !== null && k >= measuredOps) break;
    const due = schedule.dueAt(k);
    if (!(await waitUntil(due, measuring))) break;
    await w.measureOne(due);
  }
}
