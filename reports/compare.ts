import { int, signedPercent } from '../model/format';
import { relativeShift } from '../model/noise';
import { type CellKey, type CellResult, cellName, columnName, databaseName, type RunResults } from '../model/results-schema';
import { type SltMissing, type SltRegression, sltChanges } from './slt-compare';

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

/** How many metrics compare judges per cell; a cell regresses when any of them does. */
const METRICS_PER_CELL = 3;

/**
 * The confidence of each metric's interval, so that the cell's three together hold at `confidence` (Bonferroni): at
 * 95 % apiece, a cell that did not change would read regressed about one time in seven by chance alone, and an A/A
 * comparison in CI did (p99 +48.6 %, 95 % interval +1.6 % to +117.4 %, of a cell of sub-millisecond latencies).
 */
export function metricConfidence(t: Pick<CompareThresholds, 'confidence'>): number {
  return 1 - (1 - t.confidence) / METRICS_PER_CELL;
}

/** A confidence level as people read it: 95 %, 98.3 %. */
export const confidenceText = (level: number) => `${Number((level * 100).toFixed(1))} %`;

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

/** What bounded a run: the options that must match for two runs to be compared like for like. */
export interface RunShape {
  /** Measured operations per cell and repeat; null when bounded by time. */
  ops: number | null;
  /** Measured time per cell and repeat, ms; null when bounded by operations. */
  durationMs: number | null;
  /** Warm-up operations per cell; null: the default (a tenth of ops, at least one per worker). */
  warmupOps: number | null;
  /** Times each cell ran. */
  repeats: number;
  /** Open-loop operations per second per cell; null: closed loop. */
  rate: number | null;
  /** The shard of the matrix the run covered; null: the whole matrix (or a merge of shards). */
  shard: { index: number; count: number } | null;
}

/** Whether two runs measured the same way; a verdict between runs of another length or repeat count is flagged. */
export interface LikeForLike {
  /** Whether length, warm-up, repeats, load and shard all match. */
  same: boolean;
  /** Each option that differs, as `name: baseline → current`. */
  differences: string[];
  /** One line for people: `like for like: …` or `not like for like: baseline …, current …`. */
  summary: string;
  /** Whether --require-like-for-like was given, so that a difference fails the gate. */
  required: boolean;
}

/** A cell the baseline ran that the current run lacks or skipped. */
export interface MissingCell {
  /** Which cell. */
  cell: CellKey;
  /** adapter/profile/workload. */
  key: string;
  /** Why it is missing: absent from the file, or skipped and why. */
  reason: string;
}

/** A conformance case the baseline answered on a database that the current run has no answer for. */
export interface MissingAnswer {
  /** The database: adapter, or adapter@server when the run had several servers for it. */
  adapter: string;
  /** The case. */
  id: string;
  /** The answer in the baseline. */
  baseline: string;
}

/** Each kind of finding that fails the gate. */
export type FailureKind =
  | 'interrupted'
  | 'newly failed'
  | 'regressed'
  | 'missing cell'
  | 'answer changed'
  | 'missing answers'
  | 'missing answer'
  | 'record regressed'
  | 'records missing'
  | 'not like for like';

/** One reason the gate failed. */
export interface GateFailure {
  /** What kind of problem. */
  kind: FailureKind;
  /** One line naming it, starting with the kind (`missing cell: sqlite/sqlite-wal/insert-bulk …`). */
  message: string;
}

/** Choices about what fails the gate beyond regressions, failures and missing results. */
export interface GateOptions {
  /** Fail when the runs differ in length, warm-up, repeats, load or shard, instead of only flagging it. */
  requireLikeForLike: boolean;
}

/** The comparison of two runs. */
export interface Comparison {
  /** The baseline run. */
  baseline: { label: string; runId: string; commit: string | null; shape: RunShape; interrupted: boolean };
  /** The current run. */
  current: { label: string; runId: string; commit: string | null; shape: RunShape; interrupted: boolean };
  /** Thresholds used. */
  thresholds: CompareThresholds;
  /** Cells, regressions first. */
  cells: CellComparison[];
  /** Settings and profile values that differ. */
  settingChanges: SettingChange[];
  /** Conformance cases a database now answers differently (a server or driver upgrade, say): each is a regression. */
  answerChanges: AnswerChange[];
  /** Conformance cases the baseline answered that the current run did not ask: each fails the gate. */
  missingAnswers: MissingAnswer[];
  /** sqllogictest records that passed on a database in the baseline and fail on it now: each is a regression. */
  sltRegressions: SltRegression[];
  /** sqllogictest files the baseline ran on a database that the current run did not, or ran changed: each fails the gate. */
  sltMissing: SltMissing[];
  /** Cells the baseline ran that the current run lacks or skipped: each fails the gate. */
  missingCells: MissingCell[];
  /** Whether the two runs measured alike; when not, every verdict is flagged. */
  likeForLike: LikeForLike;
  /** Every reason the gate failed, one line each, the interruption first; empty when it passed. */
  failures: GateFailure[];
  /** Whether the gate passed: exit code 0, else 1. */
  passed: boolean;
}

/** A conformance case whose answer on one database is not what it was. */
export interface AnswerChange {
  /** The database: adapter, or adapter@server when the run had several servers for it. */
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
    const before = baseline.conformance?.find((b) => databaseName(b) === databaseName(now));
    if (!before) continue;
    for (const a of now.answers) {
      const was = before.answers.find((b) => b.id === a.id);
      if (was && was.answer !== a.answer) changes.push({ adapter: databaseName(now), id: a.id, baseline: was.answer, current: a.answer });
    }
  }
  return changes;
}

/** Cases the baseline answered on a database that the current run has no answer for: a whole database's, or single cases. */
function missingAnswers(baseline: RunResults, current: RunResults): MissingAnswer[] {
  const missing: MissingAnswer[] = [];
  for (const before of baseline.conformance ?? []) {
    const now = new Set(current.conformance?.find((c) => databaseName(c) === databaseName(before))?.answers.map((a) => a.id) ?? []);
    for (const a of before.answers) if (!now.has(a.id)) missing.push({ adapter: databaseName(before), id: a.id, baseline: a.answer });
  }
  return missing;
}

/** What bounded a run, with absent options as null. */
function shapeOf(r: RunResults): RunShape {
  const o = r.options;
  return { ops: o.ops, durationMs: o.durationMs, warmupOps: o.warmupOps, repeats: o.repeats, rate: o.rate ?? null, shard: o.shard ?? null };
}

const plural = (n: number, word: string) => `${int(n)} ${word}${n === 1 ? '' : 's'}`;
const lengthText = (s: RunShape) => (s.ops !== null ? `${int(s.ops)} ops` : s.durationMs !== null ? `${s.durationMs / 1000} s` : 'unbounded');

/** One option that makes runs alike or not. */
interface Aspect {
  /** Its name in `differences`. */
  name: string;
  /** Its value, short. */
  value: (s: RunShape) => string;
  /** Its value in the one-line description of a run; absent: length and repeats say it already. */
  describe?: (s: RunShape) => string;
}

const ASPECTS: Aspect[] = [
  { name: 'ops', value: (s) => (s.ops === null ? 'none' : int(s.ops)) },
  { name: 'duration', value: (s) => (s.durationMs === null ? 'none' : `${s.durationMs / 1000} s`) },
  {
    name: 'warm-up',
    value: (s) => (s.warmupOps === null ? 'default' : int(s.warmupOps)),
    describe: (s) => (s.warmupOps === null ? 'default warm-up' : `warm-up ${int(s.warmupOps)}`),
  },
  { name: 'repeats', value: (s) => String(s.repeats) },
  {
    name: 'rate',
    value: (s) => (s.rate === null ? 'closed loop' : `${s.rate} ops/s`),
    describe: (s) => (s.rate === null ? 'closed loop' : `open loop at ${int(s.rate)} ops/s`),
  },
  {
    name: 'shard',
    value: (s) => (s.shard ? `${s.shard.index}/${s.shard.count}` : 'whole matrix'),
    describe: (s) => (s.shard ? `shard ${s.shard.index}/${s.shard.count}` : 'whole matrix'),
  },
];

/**
 * The two runs' shapes side by side. Length and repeats are always named (they set the noise of every figure);
 * warm-up, load and shard only when they differ, so the usual line stays short.
 */
function likeForLike(b: RunShape, c: RunShape, required: boolean): LikeForLike {
  const differing = ASPECTS.filter((a) => a.value(b) !== a.value(c));
  const describe = (s: RunShape) => {
    const extras = differing.flatMap((a) => (a.describe ? [a.describe(s)] : []));
    return `${lengthText(s)} × ${plural(s.repeats, 'repeat')}${extras.length ? ` (${extras.join(', ')})` : ''}`;
  };
  const same = differing.length === 0;
  return {
    same,
    differences: differing.map((a) => `${a.name}: ${a.value(b)} → ${a.value(c)}`),
    summary: same ? `like for like: ${describe(c)} on both sides` : `not like for like: baseline ${describe(b)}, current ${describe(c)}`,
    required,
  };
}

const keyOf = cellName;
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
  const specs: {
    metric: MetricName;
    pooled: (r: Completed) => number;
    sample: (s: Completed['figures']['samples'][number]) => number;
    threshold: number;
    bigger: boolean;
  }[] = [
    { metric: 'ops/s', pooled: (r) => r.figures.opsPerSec, sample: (s) => s.opsPerSec, threshold: t.throughput, bigger: true },
    { metric: 'p50 ms', pooled: (r) => r.figures.latencyMs.p50, sample: (s) => s.p50, threshold: t.latency, bigger: false },
    { metric: 'p99 ms', pooled: (r) => r.figures.latencyMs.p99, sample: (s) => s.p99, threshold: t.latency, bigger: false },
  ];
  return specs.map((s) => {
    const bs = b.figures.samples.map(s.sample);
    const cs = c.figures.samples.map(s.sample);
    const { change, interval } = relativeShift(bs, cs, metricConfidence(t));
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

const NOT_IN_CURRENT = 'not in the current run';

/** A cell one side has but did not run: why it was skipped (e.g. run interrupted). */
type Skipped = Extract<CellResult, { state: 'skipped' }>;

function compareCell(
  key: CellKey,
  b: Ran | undefined,
  c: Ran | undefined,
  skipped: { baseline?: Skipped; current?: Skipped },
  t: CompareThresholds,
): CellComparison {
  // Skipped on both sides: nothing was measured to compare, and nothing the baseline had is lost.
  if (!b && !c) return { cell: key, status: 'unchanged', metrics: [], notes: ['skipped in both runs'] };
  if (!c)
    return { cell: key, status: 'missing', metrics: [], notes: [skipped.current ? `skipped in the current run (${skipped.current.reason})` : NOT_IN_CURRENT] };
  if (!b) {
    const why = skipped.baseline ? `skipped in the baseline (${skipped.baseline.reason})` : 'not in the baseline';
    return { cell: key, status: c.state === 'failed' ? 'newly failed' : 'new', metrics: [], notes: c.state === 'failed' ? c.reasons : [why] };
  }
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
        ? `${m.metric} ${signedPercent(m.change)} is beyond the threshold but inside the noise (${confidenceText(metricConfidence(t))} interval ${signedPercent(m.interval[0])} to ${signedPercent(m.interval[1])})`
        : `${m.metric} ${signedPercent(m.change)} with a single repeat on a side: the noise is unknown; run with --repeat 3 or more for a verdict`,
    );
  const order: Verdict[] = ['regressed', 'improved', 'inconclusive', 'unchanged'];
  const status = order.find((v) => metrics.some((m) => m.verdict === v)) ?? 'unchanged';
  return { cell: key, status, metrics, notes };
}

/** Profile values and read-back settings that differ between the runs, per profile. */
/** The version each adapter's server reported: from its first cell that reached the server, else its conformance answers. */
function serverVersions(r: RunResults): Map<string, string> {
  const versions = new Map<string, string>();
  for (const c of r.cells)
    if (c.state !== 'skipped' && c.target && !versions.has(databaseName(c.cell))) versions.set(databaseName(c.cell), c.target.serverVersion);
  for (const t of r.conformance ?? []) if (!versions.has(databaseName(t))) versions.set(databaseName(t), t.serverVersion);
  return versions;
}

const SERVER_VERSION = 'server version';

/** Adapters whose server reported another version in the current run: what a cross-version comparison is about. */
export function serverChanges(cmp: Pick<Comparison, 'settingChanges'>): SettingChange[] {
  return cmp.settingChanges.filter((s) => s.key === SERVER_VERSION);
}

function settingChanges(baseline: RunResults, current: RunResults): SettingChange[] {
  const out: SettingChange[] = [];
  // The server first: when it changed, every other difference is read in its light.
  const before = serverVersions(baseline);
  for (const [adapter, now] of serverVersions(current)) {
    const was = before.get(adapter);
    if (was !== undefined && was !== now) out.push({ where: adapter, key: SERVER_VERSION, baseline: JSON.stringify(was), current: JSON.stringify(now) });
  }
  const flatten = (o: Record<string, unknown>, prefix = ''): Record<string, string> =>
    Object.fromEntries(
      Object.entries(o).flatMap(([k, v]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
          ? Object.entries(flatten(v as Record<string, unknown>, `${prefix}${k}.`))
          : [[`${prefix}${k}`, JSON.stringify(v)]],
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
  for (const [workload, values] of Object.entries(current.workloadParams ?? {})) {
    const before = baseline.workloadParams?.[workload];
    if (before) diff(`${workload} parameters`, flatten(before), flatten(values));
  }
  const settings = (r: RunResults) => {
    const m = new Map<string, Record<string, string>>();
    for (const c of r.cells) if (c.state !== 'skipped' && c.target && !m.has(columnName(c.cell))) m.set(columnName(c.cell), c.target.settings);
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

const STATUS_ORDER: CellStatus[] = ['newly failed', 'regressed', 'missing', 'still failing', 'inconclusive', 'new', 'fixed', 'improved', 'unchanged'];

/** Statuses that fail the gate. */
export const FAILING_STATUSES: readonly CellStatus[] = ['newly failed', 'regressed', 'missing'];

/** One line per reason the gate fails, the interruption first since it explains missing cells and answers. */
function gateFailures(cmp: Omit<Comparison, 'failures' | 'passed'>, unanswered: ReadonlySet<string>): GateFailure[] {
  const out: GateFailure[] = [];
  const add = (kind: FailureKind, detail: string) => out.push({ kind, message: `${kind}: ${detail}` });
  if (cmp.current.interrupted) add('interrupted', 'the current run was stopped before it finished (results.interrupted); its cells and answers are incomplete');
  for (const c of cmp.cells) {
    const key = keyOf(c.cell);
    if (c.status === 'newly failed') add('newly failed', `${key}: ${c.notes.join('; ')}`);
    if (c.status === 'regressed') {
      const worse = c.metrics.filter((m) => m.verdict === 'regressed');
      add(
        'regressed',
        `${key}: ${worse.map((m) => `${m.metric} ${signedPercent(m.change)}${m.interval ? ` (interval ${signedPercent(m.interval[0])} to ${signedPercent(m.interval[1])})` : ''}`).join(', ')}`,
      );
    }
  }
  for (const m of cmp.missingCells)
    add('missing cell', `${m.key} ran in the baseline but ${m.reason === NOT_IN_CURRENT ? 'is not in the current run' : `was ${m.reason}`}`);
  for (const a of cmp.answerChanges) add('answer changed', `${a.adapter} ${a.id}: ${a.baseline} -> ${a.current}`);
  // A database with no answers at all gets one line (the usual cause: the run lacked --conformance, or its leg failed).
  for (const adapter of new Set(cmp.missingAnswers.map((m) => m.adapter))) {
    const missing = cmp.missingAnswers.filter((m) => m.adapter === adapter);
    // An interrupted run never asks the conformance cases, so the flag is not what is missing then.
    const hint = cmp.current.interrupted ? 'an interrupted run asks none' : 'run it with --conformance';
    if (unanswered.has(adapter))
      add('missing answers', `${adapter}: the baseline answered ${missing.length} conformance case(s), the current run none (${hint})`);
    else for (const m of missing) add('missing answer', `${m.adapter} ${m.id}: the baseline answered ${m.baseline}, the current run has no answer`);
  }
  // Each record regressed is a line, up to ten per file and database; past that, one line counts them.
  const byFile = new Map<string, SltRegression[]>();
  for (const r of cmp.sltRegressions) byFile.set(`${r.database} ${r.file}`, [...(byFile.get(`${r.database} ${r.file}`) ?? []), r]);
  for (const [where, list] of byFile) {
    const at = (r: SltRegression) => (r.line !== undefined ? `:${r.line}` : ` record ${r.record}`);
    if (list.length <= 10)
      for (const r of list)
        add('record regressed', `${r.database} ${r.file}${at(r)} passed in the baseline and fails now${r.actual ? `: ${r.actual.split('\n')[0]}` : ''}`);
    else
      add(
        'record regressed',
        `${where}: ${list.length} records passed in the baseline and fail now (lines ${list
          .slice(0, 10)
          .map((r) => at(r).replace(/^:/, ''))
          .join(', ')}, …)`,
      );
  }
  for (const m of cmp.sltMissing)
    add(
      'records missing',
      `${m.database} ${m.file}: ${m.reason === 'not run' ? 'ran in the baseline, not in the current run' : 'the file changed since the baseline, so its records cannot be held against it; run the baseline again'}`,
    );
  if (!cmp.likeForLike.same && cmp.likeForLike.required) add('not like for like', cmp.likeForLike.summary.replace(/^not like for like: /, ''));
  return out;
}

/** Compare two runs cell by cell, regressions and new failures first, and decide the gate. */
export function compareRuns(
  baseline: RunResults,
  current: RunResults,
  thresholds: CompareThresholds,
  labels = { baseline: 'baseline', current: 'current' },
  gate: GateOptions = { requireLikeForLike: false },
): Comparison {
  const index = (r: RunResults) => new Map(r.cells.filter((c): c is Ran => c.state !== 'skipped').map((c) => [keyOf(c.cell), c]));
  const [b, c] = [index(baseline), index(current)];
  const skippedIn = (r: RunResults) => new Map(r.cells.filter((x): x is Skipped => x.state === 'skipped').map((x) => [keyOf(x.cell), x]));
  const [skippedB, skippedC] = [skippedIn(baseline), skippedIn(current)];
  const keys = new Map<string, CellKey>();
  for (const r of [...current.cells, ...baseline.cells]) if (!keys.has(keyOf(r.cell))) keys.set(keyOf(r.cell), r.cell);
  const cells = [...keys.entries()]
    .map(([k, key]) => compareCell(key, b.get(k), c.get(k), { baseline: skippedB.get(k), current: skippedC.get(k) }, thresholds))
    .sort((x, y) => STATUS_ORDER.indexOf(x.status) - STATUS_ORDER.indexOf(y.status));
  const missingCells = cells.filter((x) => x.status === 'missing').map((x) => ({ cell: x.cell, key: keyOf(x.cell), reason: x.notes[0] ?? NOT_IN_CURRENT }));
  const changed = answerChanges(baseline, current);
  const slt = sltChanges(baseline, current);
  const [shapeB, shapeC] = [shapeOf(baseline), shapeOf(current)];
  const side = (r: RunResults, label: string, shape: RunShape) => ({
    label,
    runId: r.runId,
    commit: r.environment.gitCommit,
    shape,
    interrupted: r.interrupted,
  });
  const partial: Omit<Comparison, 'failures' | 'passed'> = {
    baseline: side(baseline, labels.baseline, shapeB),
    current: side(current, labels.current, shapeC),
    thresholds,
    cells,
    settingChanges: settingChanges(baseline, current),
    answerChanges: changed,
    missingAnswers: missingAnswers(baseline, current),
    sltRegressions: slt.regressions,
    sltMissing: slt.missing,
    missingCells,
    likeForLike: likeForLike(shapeB, shapeC, gate.requireLikeForLike),
  };
  const unanswered = new Set(
    (baseline.conformance ?? []).map(databaseName).filter((a) => !current.conformance?.some((t) => databaseName(t) === a && t.answers.length > 0)),
  );
  const failures = gateFailures(partial, unanswered);
  return { ...partial, failures, passed: failures.length === 0 };
}

/** The short verdict both the table and the Markdown end on: what failed, counted, or that nothing did. */
export function verdictParts(cmp: Comparison): string[] {
  const count = (kind: FailureKind) => cmp.failures.filter((f) => f.kind === kind).length;
  const bad = count('regressed') + count('newly failed');
  return [
    cmp.current.interrupted ? 'INTERRUPTED: the current run' : '',
    bad ? `REGRESSED: ${bad} cell(s)` : '',
    cmp.missingCells.length ? `MISSING: ${cmp.missingCells.length} cell(s)` : '',
    cmp.answerChanges.length ? `CHANGED ANSWERS: ${cmp.answerChanges.length} conformance case(s)` : '',
    cmp.missingAnswers.length ? `MISSING ANSWERS: ${cmp.missingAnswers.length} conformance case(s)` : '',
    cmp.sltRegressions.length ? `REGRESSED RECORDS: ${cmp.sltRegressions.length} sqllogictest record(s)` : '',
    cmp.sltMissing.length ? `MISSING RECORDS: ${cmp.sltMissing.length} sqllogictest file(s)` : '',
    count('not like for like') ? 'NOT LIKE FOR LIKE' : '',
  ].filter(Boolean);
}

/** One cell in the JSON verdict. */
export interface CellVerdictJson {
  /** adapter/profile/workload. */
  key: string;
  /** Which cell. */
  cell: CellKey;
  /** Where the cell stands between the runs. */
  status: CellStatus;
  /** Whether this cell's status fails the gate (newly failed, regressed, missing). */
  failing: boolean;
  /** False when the runs were not like for like: the verdict compares unlike runs. */
  likeForLike: boolean;
  /** Per-metric figures and verdicts; empty unless the cell completed on both sides. */
  metrics: MetricChange[];
  /** Why, one line each. */
  notes: string[];
}

/** One side of the comparison in the JSON verdict. */
export interface RunSideJson {
  /** The file name given on the command line. */
  label: string;
  /** Run id from the results file. */
  runId: string;
  /** Git commit measured, when known. */
  commit: string | null;
  /** Whether the run was stopped early (Ctrl-C). */
  interrupted: boolean;
  /** Length, warm-up, repeats, load and shard of the run. */
  shape: RunShape;
}

/** `dbmatrix compare --json`: the gate's verdict for machines. Unreadable inputs exit 2 and write none. */
export interface CompareJson {
  /** Layout version; bumped when a member changes meaning or disappears. */
  version: 1;
  /** 'pass' (exit code 0) or 'fail' (exit code 1). */
  verdict: 'pass' | 'fail';
  /** The exit code compare ended with. */
  exitCode: 0 | 1;
  /** Every reason the gate failed, one line each; empty when it passed. */
  failures: GateFailure[];
  /** The baseline run. */
  baseline: RunSideJson;
  /** The current run. */
  current: RunSideJson;
  /** Thresholds the metric verdicts used. */
  thresholds: CompareThresholds;
  /** Whether the runs measured alike; when not, every verdict is flagged. */
  likeForLike: LikeForLike;
  /** Every cell in either run, failing ones first. */
  cells: CellVerdictJson[];
  /** Cells the baseline ran that the current run lacks or skipped. */
  missingCells: MissingCell[];
  /** Cells only the current run has: shown, not judged. */
  newCells: CellKey[];
  /** Conformance answers that changed, and those the current run lacks, per database and case. */
  conformance: { changed: AnswerChange[]; missing: MissingAnswer[] };
  /** sqllogictest records that went from pass to fail, and files the current run did not run (or ran changed). */
  sqllogictest: { regressions: SltRegression[]; missing: SltMissing[] };
  /** Settings and profile values that differ between the runs (often the explanation of a change). */
  settingChanges: SettingChange[];
}

/** The comparison as the JSON verdict `--json` writes. */
export function compareJson(cmp: Comparison): CompareJson {
  const side = (s: Comparison['baseline']): RunSideJson => ({ label: s.label, runId: s.runId, commit: s.commit, interrupted: s.interrupted, shape: s.shape });
  return {
    version: 1,
    verdict: cmp.passed ? 'pass' : 'fail',
    exitCode: cmp.passed ? 0 : 1,
    failures: cmp.failures,
    baseline: side(cmp.baseline),
    current: side(cmp.current),
    thresholds: cmp.thresholds,
    likeForLike: cmp.likeForLike,
    cells: cmp.cells.map((c) => ({
      key: keyOf(c.cell),
      cell: c.cell,
      status: c.status,
      failing: FAILING_STATUSES.includes(c.status),
      likeForLike: cmp.likeForLike.same,
      metrics: c.metrics,
      notes: c.notes,
    })),
    missingCells: cmp.missingCells,
    newCells: cmp.cells.filter((c) => c.status === 'new').map((c) => c.cell),
    conformance: { changed: cmp.answerChanges, missing: cmp.missingAnswers },
    sqllogictest: { regressions: cmp.sltRegressions, missing: cmp.sltMissing },
    settingChanges: cmp.settingChanges,
  };
}
