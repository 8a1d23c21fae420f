import type { CellKey, CellResult, RunResults } from './results-schema';
import { relativeShift } from './noise';

/** How large and how sure a change must be before compare calls it. */
export interface CompareThresholds {
  /** Relative throughput loss that counts (0.1 = 10 %). */
  throughput: number;
  /** Relative latency growth that counts, for p50 and p99. */
  latency: number;
  /** Confidence level of the interval that must exclude "no change" (0.95). */
  confidence: number;
}

/** Defaults: latency tails move more from run to run than throughput does. */
export const DEFAULT_THRESHOLDS: CompareThresholds = { throughput: 0.1, latency: 0.25, confidence: 0.95 };

/** What compare concluded about one metric or one cell. */
export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';

/** The metrics compare judges. */
export type MetricName = 'ops/s' | 'p50 ms' | 'p99 ms';

/** One metric of one cell, before and after. */
export interface MetricChange {
  /** Which metric. */
  metric: MetricName;
  /** Pooled baseline figure. */
  baseline: number;
  /** Pooled current figure. */
  current: number;
  /** Relative change of the per-repeat geometric means (-0.2 = 20 % lower). */
  change: number;
  /** Confidence interval of change; null with fewer than two repeats on a side. */
  interval: [number, number] | null;
  /** Repeats behind each side. */
  samples: { baseline: number; current: number };
  /** Verdict on this metric. */
  verdict: Verdict;
}

/** Where a cell stands between the two runs. */
export type CellStatus = Verdict | 'newly failed' | 'still failing' | 'fixed' | 'new' | 'missing';

/** One cell of the comparison. */
export interface CellComparison {
  /** Which cell. */
  cell: CellKey;
  /** Overall status: the worst of its metrics, or a change of state. */
  status: CellStatus;
  /** Per-metric changes (both sides completed). */
  metrics: MetricChange[];
  /** Why, one line each (failure reasons, inconclusive changes). */
  notes: string[];
}

/** A setting or profile value that differs between the runs: often the explanation of a change. */
export interface SettingChange {
  /** Adapter and profile. */
  where: string;
  /** Setting or profile key. */
  key: string;
  /** Baseline value (undefined when absent). */
  baseline?: string;
  /** Current value. */
  current?: string;
}

/** The comparison of two runs. */
export interface Comparison {
  /** The baseline run. */
  baseline: { label: string; runId: string; commit: string | null };
  /** The current run. */
  current: { label: string; runId: string; commit: string | null };
  /** Thresholds used. */
  thresholds: CompareThresholds;
  /** Cells, regressions first. */
  cells: CellComparison[];
  /** Settings and profile values that differ. */
  settingChanges: SettingChange[];
  /** Conformance cases a database now answers differently (a server or driver upgrade, say): each is a regression. */
  answerChanges: AnswerChange[];
  /** Whether any cell regressed or newly failed, or any conformance answer changed: the exit code is 1 then. */
  regressed: boolean;
}

/** A conformance case whose answer on one database is not what it was. */
export interface AnswerChange {
  /** The database. */
  adapter: string;
  /** The case. */
  id: string;
  /** The answer in the baseline. */
  baseline: string;
  /** The answer now. */
  current: string;
}

/** Cases both runs asked the same database, answered differently; a case asked on one side only is no change. */
function answerChanges(baseline: RunResults, current: RunResults): AnswerChange[] {
  const changes: AnswerChange[] = [];
  for (const now of current.conformance ?? []) {
    const before = baseline.conformance?.find((b) => b.adapter === now.adapter);
    if (!before) continue;
    for (const a of now.answers) {
      const was = before.answers.find((b) => b.id === a.id);
      if (was && was.answer !== a.answer) changes.push({ adapter: now.adapter, id: a.id, baseline: was.answer, current: a.answer });
    }
  }
  return changes;
}

const keyOf = (c: CellKey) => `${c.adapter}/${c.profile}/${c.workload}`;
type Ran = Exclude<CellResult, { state: 'skipped' }>;
type Completed = Extract<CellResult, { state: 'completed' }>;

/** Verdict on a metric: beyond the threshold and outside the noise, in which direction. */
function judge(change: number, interval: [number, number] | null, threshold: number, biggerIsBetter: boolean): Verdict {
  if (Math.abs(change) <= threshold) return 'unchanged';
  if (!interval) return 'inconclusive';
  const worse = biggerIsBetter ? interval[1] < 0 : interval[0] > 0;
  const better = biggerIsBetter ? interval[0] > 0 : interval[1] < 0;
  if (worse) return 'regressed';
  if (better) return 'improved';
  return 'inconclusive';
}

function compareMetrics(b: Completed, c: Completed, t: CompareThresholds): MetricChange[] {
  const specs: { metric: MetricName; pooled: (r: Completed) => number; sample: (s: Completed['figures']['samples'][number]) => number; threshold: number; bigger: boolean }[] = [
    { metric: 'ops/s', pooled: (r) => r.figures.opsPerSec, sample: (s) => s.opsPerSec, threshold: t.throughput, bigger: true },
    { metric: 'p50 ms', pooled: (r) => r.figures.latencyMs.p50, sample: (s) => s.p50, threshold: t.latency, bigger: false },
    { metric: 'p99 ms', pooled: (r) => r.figures.latencyMs.p99, sample: (s) => s.p99, threshold: t.latency, bigger: false },
  ];
  return specs.map((s) => {
    const bs = b.figures.samples.map(s.sample);
    const cs = c.figures.samples.map(s.sample);
    const { change, interval } = relativeShift(bs, cs, t.confidence);
    return {
      metric: s.metric,
      baseline: s.pooled(b),
      current: s.pooled(c),
      change,
      interval,
      samples: { baseline: bs.length, current: cs.length },
      verdict: judge(change, interval, s.threshold, s.bigger),
    };
  });
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

function compareCell(key: CellKey, b: Ran | undefined, c: Ran | undefined, t: CompareThresholds): CellComparison {
  if (!c) return { cell: key, status: 'missing', metrics: [], notes: ['not in the current run'] };
  if (!b) return { cell: key, status: c.state === 'failed' ? 'newly failed' : 'new', metrics: [], notes: c.state === 'failed' ? c.reasons : ['not in the baseline'] };
  if (c.state === 'failed') {
    const dataBroke = b.verification?.ok && c.verification && !c.verification.ok;
    const notes = [...(dataBroke ? ['verification newly failed'] : []), ...c.reasons];
    return { cell: key, status: b.state === 'failed' ? 'still failing' : 'newly failed', metrics: [], notes };
  }
  if (b.state === 'failed') return { cell: key, status: 'fixed', metrics: [], notes: [`failed in the baseline: ${b.reasons.join('; ')}`] };
  const metrics = compareMetrics(b, c, t);
  const notes = metrics
    .filter((m) => m.verdict === 'inconclusive')
    .map((m) =>
      m.interval
        ? `${m.metric} ${pct(m.change)} is beyond the threshold but inside the noise (${Math.round(t.confidence * 100)} % interval ${pct(m.interval[0])} to ${pct(m.interval[1])})`
        : `${m.metric} ${pct(m.change)} from one repeat per side: the noise is unknown; run with --repeat 3 or more for a verdict`,
    );
  const order: Verdict[] = ['regressed', 'improved', 'inconclusive', 'unchanged'];
  const status = order.find((v) => metrics.some((m) => m.verdict === v)) ?? 'unchanged';
  return { cell: key, status, metrics, notes };
}

/** Profile values and read-back settings that differ between the runs, per profile. */
function settingChanges(baseline: RunResults, current: RunResults): SettingChange[] {
  const out: SettingChange[] = [];
  const flatten = (o: Record<string, unknown>, prefix = ''): Record<string, string> =>
    Object.fromEntries(
      Object.entries(o).flatMap(([k, v]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(flatten(v as Record<string, unknown>, `${prefix}${k}.`)) : [[`${prefix}${k}`, JSON.stringify(v)]],
      ),
    );
  const diff = (where: string, a: Record<string, string>, b: Record<string, string>) => {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (a[key] !== b[key]) out.push({ where, key, baseline: a[key], current: b[key] });
    }
  };
  const profiles = (r: RunResults) => new Map(r.profiles.map((p) => [String(p.name), p]));
  const [pb, pc] = [profiles(baseline), profiles(current)];
  for (const [name, p] of pc) {
    const before = pb.get(name);
    if (before) diff(`${String(p.adapter)}/${name} profile`, flatten(before), flatten(p));
  }
  const settings = (r: RunResults) => {
    const m = new Map<string, Record<string, string>>();
    for (const c of r.cells) if (c.state !== 'skipped' && c.target && !m.has(`${c.cell.adapter}/${c.cell.profile}`)) m.set(`${c.cell.adapter}/${c.cell.profile}`, c.target.settings);
    return m;
  };
  const [sb, sc] = [settings(baseline), settings(current)];
  for (const [where, s] of sc) {
    const before = sb.get(where);
    if (before) diff(`${where} settings`, before, s);
  }
  // Open-loop latency counts from the due time, closed-loop from the actual start: the two do not compare.
  const load = (r: RunResults) => (r.options.rate ? `open loop, ${r.options.rate} ops/s` : 'closed loop');
  if (load(baseline) !== load(current)) out.push({ where: 'run', key: 'load (--rate)', baseline: load(baseline), current: load(current) });
  return out;
}

const STATUS_ORDER: CellStatus[] = ['newly failed', 'regressed', 'still failing', 'inconclusive', 'missing', 'new', 'fixed', 'improved', 'unchanged'];

/** Compare two runs cell by cell; regressions and new failures come first. */
export function compareRuns(baseline: RunResults, current: RunResults, thresholds: CompareThresholds, labels = { baseline: 'baseline', current: 'current' }): Comparison {
  const index = (r: RunResults) => new Map(r.cells.filter((c): c is Ran => c.state !== 'skipped').map((c) => [keyOf(c.cell), c]));
  const [b, c] = [index(baseline), index(current)];
  const keys = new Map<string, CellKey>();
  for (const r of [...current.cells, ...baseline.cells]) if (!keys.has(keyOf(r.cell))) keys.set(keyOf(r.cell), r.cell);
  const cells = [...keys.entries()]
    .map(([k, key]) => compareCell(key, b.get(k), c.get(k), thresholds))
    .sort((x, y) => STATUS_ORDER.indexOf(x.status) - STATUS_ORDER.indexOf(y.status));
  const changed = answerChanges(baseline, current);
  return {
    baseline: { label: labels.baseline, runId: baseline.runId, commit: baseline.environment.gitCommit },
    current: { label: labels.current, runId: current.runId, commit: current.environment.gitCommit },
    thresholds,
    cells,
    settingChanges: settingChanges(baseline, current),
    answerChanges: changed,
    regressed: changed.length > 0 || cells.some((x) => x.status === 'regressed' || x.status === 'newly failed'),
  };
}
