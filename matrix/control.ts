/** Slots of the shared control block every worker (thread or in-process) reads and updates with Atomics. */
export const SLOT = {
  /** Phase of the cell: see PHASE. */
  phase: 0,
  /** Warm-up operations claimed so far. */
  warmupClaimed: 1,
  /** Measured operations claimed so far. */
  measuredClaimed: 2,
  /** Measured operations finished (ok or not), for progress. */
  completed: 3,
  /** Measured operations that failed, for progress. */
  failed: 4,
  /** Workers that finished warming up. */
  warmed: 5,
  /** Workers allowed to run: those numbered at or above it wait (backpressure). */
  active: 6,
} as const;

/**
 * Cell phases; workers wait in WARMUP until every worker is warm, then run until STOP or their quota is used.
 * STOP ends the measured phase normally: operations in flight finish, retries included. ABORT (Ctrl-C, a crashed
 * worker) also gives up on pending retries.
 */
export const PHASE = { warmup: 0, measure: 1, stop: 2, abort: 3 } as const;

/** A control block shared between the runner and its workers (threads see the same memory). */
export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT));
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
