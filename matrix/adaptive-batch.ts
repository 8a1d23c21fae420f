import type { AdaptiveBatching } from '../adapters/contract';

/** A point of a batch-size trajectory: [ms since the worker started measuring, rows per operation]. */
export type TrajectoryPoint = [number, number];

/** Most points kept per worker; older ones are thinned out rather than dropped from one end. */
const MAX_POINTS = 400;

/**
 * Rows per operation for one worker. Fixed unless adaptive batching is on; then additive increase while attempts
 * succeed under the latency target, multiplicative decrease on a failed attempt (halve) or a slow one (×0.8).
 */
export class BatchSizer {
  private current: number;
  private readonly points: TrajectoryPoint[] = [];
  private readonly step: number;
  private start = performance.now();

  constructor(
    initial: number,
    private readonly adaptive: AdaptiveBatching | undefined,
  ) {
    this.current = adaptive ? Math.min(adaptive.maxRows, Math.max(adaptive.minRows, initial)) : initial;
    this.step = Math.max(1, Math.round(this.current / 10));
    this.points.push([0, this.current]);
  }

  /** Measuring begins at `start` (performance.now()): the trajectory restarts there from the size the warm-up reached. */
  startMeasuring(start: number): void {
    this.start = start;
    this.points.splice(0, this.points.length, [0, this.current]);
  }

  /** Rows the next operation should carry. */
  size(): number {
    return this.current;
  }

  /** Learn from one attempt: whether it succeeded and how long it took. */
  onAttempt(ok: boolean, ms: number): void {
    const a = this.adaptive;
    if (!a) return;
    let next = this.current;
    if (!ok) next = Math.floor(this.current / 2);
    else if (ms > a.targetLatencyMs) next = Math.floor(this.current * 0.8);
    else next = this.current + this.step;
    next = Math.min(a.maxRows, Math.max(a.minRows, next));
    if (next === this.current) return;
    this.current = next;
    this.points.push([Math.round(performance.now() - this.start), next]);
    if (this.points.length > MAX_POINTS) this.thin();
  }

  private thin(): void {
    const kept = this.points.filter((_, i) => i % 2 === 0 || i === this.points.length - 1);
    this.points.splice(0, this.points.length, ...kept);
  }

  /** How the size moved; a single point when fixed. */
  trajectory(): TrajectoryPoint[] {
    return this.points;
  }
}
