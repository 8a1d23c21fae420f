import { ERROR_CLASSES } from '../../adapters/contract';
import { mergeHistograms } from '../../model/metrics';
import { type CellResult, cellName, columnName, databaseName, type Figures, type RunResults } from '../../model/results-schema';

/** One point of a line on a linear x axis. */
export interface XY {
  x: number;
  y: number;
}

/** One dataset as the browser script hands it to Chart.js. */
export interface DatasetSpec {
  label: string;
  /** Line and border colour. */
  color: string;
  /** Bar fill; the line colour when absent. */
  fill?: string;
  /** Bars with the same stack id pile up. */
  stack?: string;
  /** Drawn as steps: each y holds from the previous x up to its own. */
  stepped?: boolean;
  /** Values per x label (null: no value), or points on a linear x axis. */
  data: (number | null)[] | XY[];
}

/** Everything the page and the browser script need to draw one chart; plain JSON. */
export interface ChartSpec {
  /** The canvas's data-chart attribute. */
  id: string;
  /** Which part of the page the chart belongs to. */
  group: 'throughput' | 'percentiles' | 'timeline' | 'errors';
  kind: 'bar' | 'line';
  title: string;
  caption: string;
  /** Category labels; an array label is drawn as several lines. */
  x: { title: string; linear: boolean; labels?: (string | string[])[] };
  y: { title: string; log: boolean; stacked: boolean; integer?: boolean };
  datasets: DatasetSpec[];
}

/** An adapter/profile pair: one colour and one legend entry in every chart. */
export interface Series {
  /** adapter[@server]/profile (columnName). */
  key: string;
  /** The adapter. */
  adapter: string;
  /** The database: the adapter, or adapter@server when the run had several servers for it. */
  database: string;
  /** The profile. */
  profile: string;
  /** Its colour on every chart. */
  color: string;
}

/** Tableau 10: distinguishable, and still readable for the common kinds of colour blindness. */
const SERIES_PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7', '#bab0ac'];

/** Fixed per error class, so the same class has the same colour in every report. */
const ERROR_CLASS_COLORS: Record<(typeof ERROR_CLASSES)[number], string> = {
  busy: '#e15759',
  serialization: '#f28e2b',
  deadlock: '#b07aa1',
  'lock-timeout': '#edc948',
  connection: '#4e79a7',
  'pool-timeout': '#76b7b2',
  'statement-timeout': '#ff9da7',
  constraint: '#9c755f',
  other: '#79706e',
};

/** Percentiles of the latency curves; the tail is where databases differ, so it is sampled densely. */
export const CURVE_PERCENTILES = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

const percentileLabel = (p: number) => (p === 0 ? 'min' : p === 100 ? 'max' : `p${p}`);

/** Key of the series a cell belongs to. */
export const seriesKey = (c: CellResult) => columnName(c.cell);

/** A cell as one string: adapter[@server]/profile/workload. */
export const cellLabel = (c: CellResult) => cellName(c.cell);

/** Adapter/profile pairs in the order the run first reached them, each with its colour. */
export function seriesOf(results: RunResults): Series[] {
  const seen = new Map<string, Series>();
  for (const c of results.cells) {
    const key = seriesKey(c);
    if (!seen.has(key))
      seen.set(key, {
        key,
        adapter: c.cell.adapter,
        database: databaseName(c.cell),
        profile: c.cell.profile,
        color: SERIES_PALETTE[seen.size % SERIES_PALETTE.length]!,
      });
  }
  return [...seen.values()];
}

/** Workloads in run order. */
export function workloadsOf(results: RunResults): string[] {
  return [...new Set(results.cells.map((c) => c.cell.workload))];
}

/** Figures of a cell, when it has any (failed cells may). */
export function figuresOf(c: CellResult): Figures | undefined {
  return c.state === 'skipped' ? undefined : c.figures;
}

function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** End-to-end latency at each curve percentile, ms; null when the cell measured no successful operation. */
export function percentileCurve(f: Figures): (number | null)[] {
  const h = mergeHistograms([f.histograms.latency]);
  if (h.totalCount === 0) return CURVE_PERCENTILES.map(() => null);
  return CURVE_PERCENTILES.map((p) => (p === 100 ? h.maxValue : h.getValueAtPercentile(p)) / 1000);
}

/**
 * Successful operations per second between consecutive timeline points, as the corners of a step line (s since measuring
 * began): each rate holds from one sample to the next, so a short last interval shows as the short step it is.
 */
export function throughputOverTime(f: Figures): XY[] {
  const t = f.health.timeline;
  const out: XY[] = [];
  for (let i = 1; i < t.length; i++) {
    const dtMs = t[i]!.atMs - t[i - 1]!.atMs;
    if (dtMs <= 0) continue;
    const rate = ((t[i]!.completed - t[i - 1]!.completed) * 1000) / dtMs;
    if (out.length === 0) out.push({ x: t[i - 1]!.atMs / 1000, y: rate });
    out.push({ x: t[i]!.atMs / 1000, y: rate });
  }
  return out;
}

/** All charts of a run, in page order. */
export function buildCharts(results: RunResults): ChartSpec[] {
  const series = seriesOf(results);
  const workloads = workloadsOf(results);
  const figuresAt = (s: Series, workload: string) => {
    const cell = results.cells.find((c) => seriesKey(c) === s.key && c.cell.workload === workload);
    return cell && figuresOf(cell);
  };
  const repeats = results.options.repeats;
  const pooled = repeats > 1 ? `${repeats} repeats pooled` : 'one repeat';

  const charts: ChartSpec[] = [
    {
      id: 'throughput',
      group: 'throughput',
      kind: 'bar',
      title: 'Throughput by workload',
      caption: `Successful operations per second of measured wall time, ${pooled}. A missing bar: the cell was skipped or failed without figures.`,
      x: { title: 'workload', linear: false, labels: workloads },
      y: { title: 'throughput (ops/s)', log: false, stacked: false },
      datasets: series.map((s) => ({ label: s.key, color: s.color, data: workloads.map((w) => figuresAt(s, w)?.opsPerSec ?? null) })),
    },
  ];

  for (const w of workloads) {
    const lines = series.map((s) => {
      const f = figuresAt(s, w);
      return { label: s.key, color: s.color, data: f ? percentileCurve(f) : CURVE_PERCENTILES.map(() => null) };
    });
    const values = lines.flatMap((l) => l.data).filter((v): v is number => v !== null);
    // A log axis cannot place zero; a linear one is the honest fallback when some value is zero or nothing was measured.
    const log = values.length > 0 && values.every((v) => v > 0);
    charts.push({
      id: `percentiles:${w}`,
      group: 'percentiles',
      kind: 'line',
      title: `Latency percentiles: ${w}`,
      caption: `End-to-end latency of successful operations (retries and backoff included), ${pooled}, from the HDR histograms.`,
      x: { title: 'percentile', linear: false, labels: CURVE_PERCENTILES.map(percentileLabel) },
      y: { title: `latency (ms${log ? ', log scale' : ''})`, log, stacked: false },
      datasets: lines,
    });
  }

  for (const w of workloads) {
    charts.push({
      id: `timeline:${w}`,
      group: 'timeline',
      kind: 'line',
      title: `Throughput over time: ${w}`,
      caption: 'Successful operations per second between consecutive samples (every 100 ms, and at the end) of the measured phase, first repeat.',
      x: { title: 'time since measuring began (s)', linear: true },
      y: { title: 'throughput (ops/s)', log: false, stacked: false },
      datasets: series.map((s) => {
        const f = figuresAt(s, w);
        return { label: s.key, color: s.color, stepped: true, data: f ? throughputOverTime(f) : [] };
      }),
    });
  }

  charts.push(errorsChart(results));
  return charts;
}

function errorsChart(results: RunResults): ChartSpec {
  const cells = results.cells;
  const failedClasses = ERROR_CLASSES.filter((cls) => cells.some((c) => figuresOf(c)?.errors[cls]));
  const retriedClasses = ERROR_CLASSES.filter((cls) => cells.some((c) => (figuresOf(c)?.retries[cls] ?? 0) > 0));
  const datasets: DatasetSpec[] = [
    ...failedClasses.map((cls) => ({
      label: `failed: ${cls}`,
      color: ERROR_CLASS_COLORS[cls],
      stack: 'failed',
      data: cells.map((c) => figuresOf(c)?.errors[cls]?.count ?? 0),
    })),
    ...retriedClasses.map((cls) => ({
      label: `retried: ${cls}`,
      color: ERROR_CLASS_COLORS[cls],
      fill: withAlpha(ERROR_CLASS_COLORS[cls], 0.35),
      stack: 'retried',
      data: cells.map((c) => figuresOf(c)?.retries[cls] ?? 0),
    })),
  ];
  const failed = datasets.filter((d) => d.stack === 'failed').reduce((n, d) => n + (d.data as number[]).reduce((a, b) => a + b, 0), 0);
  const retried = datasets.filter((d) => d.stack === 'retried').reduce((n, d) => n + (d.data as number[]).reduce((a, b) => a + b, 0), 0);
  // Zero bars still give the chart its axes and one legend entry, so an error-free run shows the same chart, empty.
  if (datasets.length === 0) datasets.push({ label: 'failed operations', color: '#79706e', stack: 'failed', data: cells.map(() => 0) });
  const caption =
    failed + retried === 0
      ? 'No errors: no operation failed and none was retried.'
      : `${failed} failed operations (left bar of each cell, after retries) and ${retried} retries (right bar, lighter), by error class.`;
  return {
    id: 'errors',
    group: 'errors',
    kind: 'bar',
    title: 'Errors and retries by class',
    caption,
    // Two lines per label: adapter/profile over workload, so six or more cells fit without slanted text.
    x: { title: 'adapter/profile, workload', linear: false, labels: cells.map((c) => [columnName(c.cell), c.cell.workload]) },
    y: { title: 'operations', log: false, stacked: true, integer: true },
    datasets,
  };
}
