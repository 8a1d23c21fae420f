/** Slots of the shared control block every worker (thread or in-process) reads and updates with Atomics. */
export const SLOT = {
  /** Phase of the cell: see PHASE. */
  phase: 0,
  /** Warm-up operations claimed so far. */
  warmupClaimed: 1,
  /** Measured operations claimed so far; in an open loop also the next ticket of the schedule (see open-loop.ts). */
  measuredClaimed: 2,
  /** Measured operations finished (ok or not), for progress. */
  completed: 3,
  /** Measured operations that failed, for progress. */
  failed: 4,
  /** Workers that finished warming up. */
  warmed: 5,
  /** Workers allowed to run: those numbered at or above it wait (backpressure). */
  active: 6,
  /** Statements sent to the database while measuring, transaction control included (see statement-count.ts). */
  statements: 7,
  /** SQLite statements that found the file locked and waited, while measuring (see adapters/sqlite-busy-wait.ts). */
  busyWaits: 8,
  /** The time they waited in all, ms. */
  busyWaitMs: 9,
} as const;

/**
 * Cell phases; workers wait in WARMUP until every worker is warm, then run until STOP or their quota is used.
 * STOP ends the measured phase normally: operations in flight finish, retries included. ABORT (Ctrl-C, a crashed
 * worker) also gives up on pending retries.
 */
export const PHASE = { warmup: 0, measure: 1, stop: 2, abort: 3 } as const;

/** Bytes of the Int32 slots; the open-loop schedule's start follows them, 8-byte aligned for a BigInt64 view. */
const SLOT_BYTES = 10 * Int32Array.BYTES_PER_ELEMENT;

/** A control block shared between the runner and its workers (threads see the same memory). */
export function newControl(): Int32Array {
  const buffer = new SharedArrayBuffer(SLOT_BYTES + BigInt64Array.BYTES_PER_ELEMENT);
  return new Int32Array(buffer, 0, SLOT_BYTES / Int32Array.BYTES_PER_ELEMENT);
}

/** The 64-bit slot after the Int32 ones: when the measured phase began, on the monotonic clock every thread shares. */
const startSlot = (control: Int32Array) => new BigInt64Array(control.buffer, SLOT_BYTES, 1);

/**
 * Record now as the start of the measured phase (t0 of the open-loop schedule); call before setPhase(measure), so a
 * worker that sees the phase also sees the start (Atomics order the two). hrtime, not performance.now(): each worker
 * thread's performance.now() counts from its own start.
 */
export function markMeasureStart(control: Int32Array): void {
  Atomics.store(startSlot(control), 0, process.hrtime.bigint());
}

/** The start of the measured phase on this thread's performance.now() timeline (both clocks are the monotonic clock). */
export function measureStart(control: Int32Array): number {
  return Number(Atomics.load(startSlot(control), 0)) / 1e6 - clockOffsetMs();
}

/**
 * hrtime minus performance.now(), in ms. The two clocks are read one after the other, and a thread preempted between
 * the reads would skew the offset by the pause: of a few readings, the one bracketed most tightly is kept.
 */
function clockOffsetMs(): number {
  let best = { width: Infinity, offset: 0 };
  for (let i = 0; i < 5; i++) {
    const before = performance.now();
    const hr = Number(process.hrtime.bigint()) / 1e6;
    const after = performance.now();
    if (after - before < best.width) best = { width: after - before, offset: hr - (before + after) / 2 };
  }
  return best.offset;
}

/** Read a slot. */
export function read(control: Int32Array, slot: number): number {
  return Atomics.load(control, slot);
}

/** Move the cell to a phase. */
export function setPhase(control: Int32Array, phase: number): void {
  Atomics.store(control, SLOT.phase, phase);
}

/** Claim the next operation of a quota; false once the quota is used up. */
export function claim(control: Int32Array, slot: number, quota: number): boolean {
  return Atomics.add(control, slot, 1) < quota;
}
