import { int, percent } from '../model/format';
import type { Figures } from '../model/results-schema';

/** The native ceiling as every report words it: `14 % of pgbench 15.20's rate came through (5,476 of 39,919 ops/s)`; undefined without one. */
export function ceilingText(f: Figures | undefined): string | undefined {
  const c = f?.ceiling;
  if (!c) return undefined;
  return `${percent(c.share)} of ${c.tool}'s rate came through this stack (${int(f.opsPerSec)} of ${int(c.opsPerSec)} ops/s, same statement and connections)`;
}
