import { int } from '../model/format';
import type { Figures } from '../model/results-schema';

/**
 * How a cell's load was generated, for the reports. Only open-loop cells are labelled: closed loop is the default and
 * what every older results file ran.
 */

/** An open-loop cell that achieved less than this share of its target rate did not keep to its schedule. */
export const BEHIND_SHARE = 0.9;

/** Operations per second the cell finished, failed ones included (they were due as well). */
function achievedRate(f: Figures): number {
  return f.durationMs > 0 ? f.operations.total / (f.durationMs / 1000) : 0;
}

/** "open-loop 200/s" for an open-loop cell; null for a closed-loop one. */
export function modeLabel(f: Figures): string | null {
  if (f.mode !== 'open-loop' || !f.targetRate) return null;
  return `open-loop ${rateText(f.targetRate)}/s`;
}

/**
 * Why an open-loop cell's figures do not describe its target rate, or null when it kept up (or ran closed loop).
 * A saturated open loop is not a run at the target rate: the database could not take it, and the latency holds the
 * backlog that built up.
 */
export function behindSchedule(f: Figures): string | null {
  if (f.mode !== 'open-loop' || !f.targetRate) return null;
  const achieved = achievedRate(f);
  if (achieved >= BEHIND_SHARE * f.targetRate) return null;
  return `fell behind its open-loop schedule: ${rateText(achieved)} of ${rateText(f.targetRate)} ops/s; the rate did not hold and the latency includes the backlog`;
}

/** A rate as a short number: whole above 10, else up to two decimals. */
function rateText(r: number): string {
  return r >= 10 ? int(r) : String(Number(r.toFixed(2)));
}
