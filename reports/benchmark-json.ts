import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CellResult, databaseName, type RunResults } from '../model/results-schema';

/** One entry of github-action-benchmark's custom tools (customBiggerIsBetter / customSmallerIsBetter). */
export interface BenchmarkEntry {
  /** Series name, stable across commits. */
  name: string;
  /** Unit shown on the chart. */
  unit: string;
  /** The figure. */
  value: number;
  /** Spread over the repeats, as text ("± 3.2"). */
  range?: string;
  /** Free text shown with the point. */
  extra?: string;
}

type Completed = Extract<CellResult, { state: 'completed' }>;

function spread(xs: number[]): string | undefined {
  if (xs.length < 2) return undefined;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
  return `± ${Number(sd.toPrecision(3))}`;
}

/**
 * The verified cells of a run as github-action-benchmark input: throughput bigger-is-better, latency smaller-is-better.
 * Failed cells are left out: a figure whose data did not verify must not land on a chart as if it had.
 */
export function benchmarkEntries(results: RunResults): { bigger: BenchmarkEntry[]; smaller: BenchmarkEntry[] } {
  const bigger: BenchmarkEntry[] = [];
  const smaller: BenchmarkEntry[] = [];
  for (const c of results.cells.filter((x): x is Completed => x.state === 'completed')) {
    const name = `${databaseName(c.cell)} ${c.cell.profile} ${c.cell.workload}`;
    const f = c.figures;
    const extra = `${f.samples.length} repeat(s), ${f.operations.total} operations, ${f.operations.failed} failed, data verified; ${c.target.serverVersion}`;
    bigger.push({ name: `${name} throughput`, unit: 'ops/s', value: f.opsPerSec, range: spread(f.samples.map((s) => s.opsPerSec)), extra });
    smaller.push({ name: `${name} p50`, unit: 'ms', value: f.latencyMs.p50, range: spread(f.samples.map((s) => s.p50)), extra });
    smaller.push({ name: `${name} p99`, unit: 'ms', value: f.latencyMs.p99, range: spread(f.samples.map((s) => s.p99)), extra });
  }
  return { bigger, smaller };
}

/** Write bigger-is-better.json and smaller-is-better.json into dir; returns their paths. */
export function writeBenchmarkJson(results: RunResults, dir: string): string[] {
  const { bigger, smaller } = benchmarkEntries(results);
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'bigger-is-better.json'), join(dir, 'smaller-is-better.json')];
  writeFileSync(files[0]!, `${JSON.stringify(bigger, null, 2)}\n`);
  writeFileSync(files[1]!, `${JSON.stringify(smaller, null, 2)}\n`);
  return files;
}
