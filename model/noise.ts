import { jStat } from 'jstat';

/** How a metric moved between two sets of repeated measurements. */
export interface Shift {
  /** Geometric-mean ratio current / baseline, minus one (-0.2 = 20 % lower). */
  change: number;
  /** Confidence interval of `change`; null when a side has fewer than two samples, so the noise is unknown. */
  interval: [number, number] | null;
}

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
};

/**
 * The relative shift of a positive metric with a Welch t confidence interval, on logarithms: throughput and latency
 * vary by factors, not by fixed amounts, and the interval of a ratio stays on the right side of -100 %.
 */
export function relativeShift(baseline: number[], current: number[], confidence: number): Shift {
  // A zero (no operation succeeded) has no logarithm; the floor keeps it as "far lower" instead of breaking the maths.
  const logs = (xs: number[]) => xs.map((x) => Math.log(Math.max(x, 1e-9)));
  const [b, c] = [logs(baseline), logs(current)];
  const diff = mean(c) - mean(b);
  const change = Math.exp(diff) - 1;
  if (b.length < 2 || c.length < 2) return { change, interval: null };
  const [vb, vc] = [variance(b) / b.length, variance(c) / c.length];
  const se = Math.sqrt(vb + vc);
  if (se === 0) return { change, interval: [change, change] };
  const dof = (vb + vc) ** 2 / (vb ** 2 / (b.length - 1) + vc ** 2 / (c.length - 1));
  const t = jStat.studentt.inv(1 - (1 - confidence) / 2, dof);
  return { change, interval: [Math.exp(diff - t * se) - 1, Math.exp(diff + t * se) - 1] };
}
