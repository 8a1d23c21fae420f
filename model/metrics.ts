import * as hdr from 'hdr-histogram-js';
import type { ClassifiedError, ErrorClass } from '../adapters/contract';
import type { CpuUse, ErrorGroup, LatencySummary } from './results-schema';

/** Errors by class. */
export type ErrorTally = Partial<Record<ErrorClass, ErrorGroup>>;

/** A histogram for operation latency in microseconds (1 µs to 1 h, 3 significant digits). */
export function newLatencyHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

/** Encode a histogram so it can cross a thread boundary or be stored. */
export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Merge encoded histograms into one. */
export function mergeHistograms(encoded: string[]): hdr.Histogram {
  const total = newLatencyHistogram();
  for (const e of encoded) total.add(hdr.decodeFromCompressedBase64(e));
  return total;
}

const ms = (us: number) => Math.round(us) / 1000;

/** Percentiles of a microsecond histogram, in milliseconds. */
export function summarizeLatency(h: hdr.Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: h.totalCount,
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  };
}

/** Remove anything that looks like a password from a message. */
export function scrub(message: string): string {
  return message
    .replace(/(\/\/[^:@/\s]+):[^@/\s]*@/g, '$1:***@')
    .replace(/(password[=:]\s*)\S+/gi, '$1***')
    .slice(0, 500);
}

/** Count one classified error. */
export function tallyError(tally: ErrorTally, c: ClassifiedError, message: string): void {
  const group = (tally[c.errorClass] ??= { count: 0, retryable: c.retryable, codes: {}, sample: scrub(message) });
  group.count++;
  const code = c.code ?? 'none';
  group.codes[code] = (group.codes[code] ?? 0) + 1;
}

/** Merge several tallies into one. */
export function mergeTallies(tallies: ErrorTally[]): ErrorTally {
  const out: ErrorTally = {};
  for (const t of tallies) {
    for (const [cls, g] of Object.entries(t) as [ErrorClass, ErrorGroup][]) {
      const into = (out[cls] ??= { count: 0, retryable: g.retryable, codes: {}, sample: g.sample });
      into.count += g.count;
      for (const [code, n] of Object.entries(g.codes)) into.codes[code] = (into.codes[code] ?? 0) + n;
    }
  }
  return out;
}

/** Sum per-key counts. */
export function mergeCounts<K extends string>(counts: Partial<Record<K, number>>[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const c of counts) for (const [k, n] of Object.entries(c) as [K, number][]) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** "busy 812, deadlock 3" */
export function describeCounts(counts: Partial<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([cls, n]) => `${cls} ${n}`)
    .join(', ');
}

/** Failures of a tally, as describeCounts. */
export function describeTally(tally: ErrorTally): string {
  return describeCounts(Object.fromEntries(Object.entries(tally).map(([cls, g]) => [cls, g!.count])));
}

/** The CPU use with the client's cost per operation filled in from its CPU time and the measured operations (left out where the CPU time was not recorded). */
export function withCostPerOperation(cpu: CpuUse, operations: number): CpuUse {
  if (cpu.harnessCpuMs === undefined) return cpu;
  return { ...cpu, harnessUsPerOperation: Math.round(((cpu.harnessCpuMs * 1000) / Math.max(1, operations)) * 10) / 10 };
}

/** The client's cost as the reports show it: `28 µs/op, 0.82 cores` (µs of CPU per operation, the cores it kept busy); '-' where not recorded. */
export function clientCostText(cpu: CpuUse, operations: number): string {
  const us = withCostPerOperation(cpu, operations).harnessUsPerOperation;
  return us === undefined ? '-' : `${Number(us.toPrecision(3))} µs/op, ${Number(cpu.harnessCores.toPrecision(2))} cores`;
}
