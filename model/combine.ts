import { type ErrorTally, encodeHistogram, mergeCounts, mergeHistograms, mergeTallies, summarizeLatency, withCostPerOperation } from './metrics';
import type { CellResult, Figures, Verification } from './results-schema';

const round = (x: number) => Math.round(x * 10) / 10;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

type Health = Figures['health'];
type Trajectory = Figures['batchTrajectory'];

/** What adds up, whether the parts are one cell's workers or one cell's repeats. */
export interface CountedPart {
  /** Measured operations that succeeded. */
  succeeded: number;
  /** Measured operations that failed. */
  failed: number;
  /** Rows written or read. */
  rows: number;
  /** Retries by the error class that caused them. */
  retries: Figures['retries'];
  /** Operations that succeeded only after a retry. */
  retriedOps: number;
  /** Failures by error class. */
  errors: ErrorTally;
  /** Warm-up operations run and failed. */
  warmup: Figures['warmup'];
  /** Latency of all, failed and single-attempt operations, µs, encoded HDR histograms. */
  histograms: Figures['histograms'];
}

/** The figures that follow from counts over a measured time: counts add up, histograms merge exactly, rates come from the totals. */
export function countedFigures(
  parts: CountedPart[],
  durationMs: number,
): Pick<
  Figures,
  | 'operations'
  | 'rows'
  | 'durationMs'
  | 'opsPerSec'
  | 'rowsPerSec'
  | 'latencyMs'
  | 'failedLatencyMs'
  | 'attemptLatencyMs'
  | 'retries'
  | 'retriedOps'
  | 'errors'
  | 'warmup'
  | 'histograms'
> {
  const latency = mergeHistograms(parts.map((p) => p.histograms.latency));
  const failedLatency = mergeHistograms(parts.map((p) => p.histograms.failedLatency));
  const attemptLatency = mergeHistograms(parts.map((p) => p.histograms.attemptLatency));
  const succeeded = sum(parts.map((p) => p.succeeded));
  const failed = sum(parts.map((p) => p.failed));
  const rows = sum(parts.map((p) => p.rows));
  const seconds = durationMs / 1000;
  return {
    operations: { total: succeeded + failed, succeeded, failed },
    rows,
    durationMs: round(durationMs),
    opsPerSec: seconds > 0 ? round(succeeded / seconds) : 0,
    rowsPerSec: seconds > 0 ? round(rows / seconds) : 0,
    latencyMs: summarizeLatency(latency),
    failedLatencyMs: summarizeLatency(failedLatency),
    attemptLatencyMs: summarizeLatency(attemptLatency),
    retries: mergeCounts(parts.map((p) => p.retries)),
    retriedOps: sum(parts.map((p) => p.retriedOps)),
    errors: mergeTallies(parts.map((p) => p.errors)),
    warmup: { operations: sum(parts.map((p) => p.warmup.operations)), failed: sum(parts.map((p) => p.warmup.failed)) },
    histograms: { latency: encodeHistogram(latency), failedLatency: encodeHistogram(failedLatency), attemptLatency: encodeHistogram(attemptLatency) },
  };
}

/** Every `step`-th item, and the last: a long series thinned to about `most` points. */
function thinned<T>(items: T[], most: number): T[] {
  const step = Math.max(1, Math.ceil(items.length / most));
  return items.filter((_, i) => i % step === 0 || i === items.length - 1);
}

/** Each repeat's start on one time axis: the repeats laid end to end, ms. */
function offsets(spans: number[]): number[] {
  return spans.map((_, i) => sum(spans.slice(0, i)));
}

/** How long a repeat's series run: its measured phase, or its last sample when the monitor stopped after that. */
function spanOf(f: Figures): number {
  const h = f.health;
  const times = [...h.timeline, ...h.windows, ...h.samples, ...h.backpressure].map((p) => p.atMs);
  return Math.max(f.durationMs, ...times, ...f.batchTrajectory.flatMap((t) => t.points.map(([ms]) => ms)));
}

/**
 * Pool health of several repeats as one, on one time axis (the repeats' measured phases end to end): series joined,
 * cumulative counts carried on, maxima over all, means weighted by operations or time. Percentiles of waits and lag
 * cannot be merged from summaries, so the worst repeat's stand: a stall in any repeat is a stall.
 */
function combineHealth(all: Health[], durations: number[], spans: number[] = durations): Health {
  const at = offsets(spans);
  const shift = <T extends { atMs: number }>(series: (h: Health) => T[]) =>
    all.flatMap((h, i) => series(h).map((p) => ({ ...p, atMs: round(p.atMs + at[i]!) })));
  let carried = { completed: 0, failed: 0 };
  const timeline = all.flatMap((h, i) => {
    const base = carried;
    const last = h.timeline.at(-1) ?? { completed: 0, failed: 0 };
    carried = { completed: base.completed + last.completed, failed: base.failed + last.failed };
    return h.timeline.map((p) => ({ atMs: round(p.atMs + at[i]!), completed: p.completed + base.completed, failed: p.failed + base.failed }));
  });
  const waits = all.map((h) => h.acquireWaitMs);
  const waited = sum(waits.map((w) => w.count));
  const worst = waits.reduce((a, b) => (b.p99 > a.p99 ? b : a));
  const time = Math.max(1, sum(durations));
  const weighted = (pick: (h: Health) => number) => Math.round((sum(all.map((h, i) => pick(h) * durations[i]!)) / time) * 100) / 100;
  const lags = all.map((h) => h.eventLoopLagMs);
  const label = (i: number, text: string) => `repeat ${i + 1}: ${text}`;
  return {
    sampled: all.some((h) => h.sampled),
    samples: thinned(
      shift((h) => h.samples),
      120,
    ),
    maxUsed: Math.max(...all.map((h) => h.maxUsed)),
    maxPendingAcquires: Math.max(...all.map((h) => h.maxPendingAcquires)),
    acquireWaitMs: {
      ...worst,
      count: waited,
      mean: waited > 0 ? Math.round((sum(waits.map((w) => w.mean * w.count)) / waited) * 1000) / 1000 : 0,
      max: Math.max(...waits.map((w) => w.max)),
    },
    windows: shift((h) => h.windows),
    eventLoopLagMs: { p50: Math.max(...lags.map((l) => l.p50)), p99: Math.max(...lags.map((l) => l.p99)), max: Math.max(...lags.map((l) => l.max)) },
    eventLoopBusy: weighted((h) => h.eventLoopBusy),
    backpressure: all.flatMap((h, i) => h.backpressure.map((b) => ({ ...b, atMs: round(b.atMs + at[i]!), reason: label(i, b.reason) }))),
    clientBound: { flagged: all.some((h) => h.clientBound.flagged), reasons: all.flatMap((h, i) => h.clientBound.reasons.map((r) => label(i, r))) },
    timeline: thinned(timeline, 200),
    cpu: {
      cores: all[0]!.cpu.cores,
      machineBusy: weighted((h) => h.cpu.machineBusy),
      harnessCores: weighted((h) => h.cpu.harnessCores),
      ...(all.every((h) => h.cpu.harnessCpuMs !== undefined) ? { harnessCpuMs: round(sum(all.map((h) => h.cpu.harnessCpuMs!))) } : {}),
      ...(all.every((h) => h.cpu.iowait !== undefined) ? { iowait: weighted((h) => h.cpu.iowait!) } : {}),
    },
  };
}

/** Batch-size trajectories of several repeats on one time axis, each worker's points joined. */
function combineTrajectories(all: Trajectory[], spans: number[]): Trajectory {
  const at = offsets(spans);
  const byWorker = new Map<number, [number, number][]>();
  all.forEach((t, i) => {
    for (const { workerId, points } of t)
      byWorker.set(workerId, [...(byWorker.get(workerId) ?? []), ...points.map(([ms, rows]): [number, number] => [round(ms + at[i]!), rows])]);
  });
  return [...byWorker].map(([workerId, points]) => ({ workerId, points }));
}

/** Lock-wait samples of several repeats as one: they add up. */
function combineLockWaits(all: NonNullable<Figures['lockWaits']>[]): NonNullable<Figures['lockWaits']> {
  return {
    samples: sum(all.map((w) => w.samples)),
    sessions: sum(all.map((w) => w.sessions)),
    waiting: sum(all.map((w) => w.waiting)),
    byWait: mergeCounts(all.map((w) => w.byWait)) as Record<string, number>,
  };
}

/** Health with the client's CPU per operation of the combined operations. */
const costPerOperation = (health: Figures['health'], operations: number) => ({ ...health, cpu: withCostPerOperation(health.cpu, operations) });

/** Figures of several repeats as one: counts add up, histograms merge exactly, rates come from the totals. */
export function combineFigures(all: Figures[]): Figures {
  const first = all[0]!;
  if (all.length === 1) return first;
  const counted = countedFigures(
    all.map((f) => ({ ...f, succeeded: f.operations.succeeded, failed: f.operations.failed })),
    sum(all.map((f) => f.durationMs)),
  );
  return {
    workers: first.workers,
    ...(first.driverPath ? { driverPath: first.driverPath } : {}),
    ...(first.clientThreads ? { clientThreads: first.clientThreads } : {}),
    ...(first.mode ? { mode: first.mode } : {}),
    ...(first.targetRate ? { targetRate: first.targetRate } : {}),
    ...counted,
    batchTrajectory: combineTrajectories(
      all.map((f) => f.batchTrajectory),
      all.map(spanOf),
    ),
    loadMs: round(sum(all.map((f) => f.loadMs)) / all.length),
    verifyMs: round(sum(all.map((f) => f.verifyMs)) / all.length),
    health: costPerOperation(
      combineHealth(
        all.map((f) => f.health),
        all.map((f) => f.durationMs),
        all.map(spanOf),
      ),
      counted.operations.total,
    ),
    ...(all.every((f) => f.lockWaits) ? { lockWaits: combineLockWaits(all.map((f) => f.lockWaits!)) } : {}),
    serverActivity: mergeCounts(all.map((f) => f.serverActivity)) as Record<string, number>,
    ...(all.every((f) => f.statements !== undefined) ? { statements: sum(all.map((f) => f.statements!)) } : {}),
    ...(all.every((f) => f.busyWaits) ? { busyWaits: { count: sum(all.map((f) => f.busyWaits!.count)), ms: sum(all.map((f) => f.busyWaits!.ms)) } } : {}),
    ...(all.every((f) => f.roundTripMs !== undefined) ? { roundTripMs: Math.round((sum(all.map((f) => f.roundTripMs!)) / all.length) * 1000) / 1000 } : {}),
    samples: all.flatMap((f) => f.samples),
  };
}

/** Verifications of several repeats as one: it holds only if every repeat's held. */
function combineVerifications(all: Verification[]): Verification {
  const total = (k: keyof Omit<Verification, 'ok' | 'problems'>) => sum(all.map((v) => v[k]));
  return {
    ok: all.every((v) => v.ok),
    acknowledged: total('acknowledged'),
    failed: total('failed'),
    ambiguous: total('ambiguous'),
    ambiguousCommitted: total('ambiguousCommitted'),
    lost: total('lost'),
    phantom: total('phantom'),
    duplicated: total('duplicated'),
    mismatched: total('mismatched'),
    problems: all.flatMap((v) => v.problems),
  };
}

/**
 * Repeats of one cell as one result. The cell passes only when every repeat passed; a failed repeat's reasons
 * are kept with its number. Skipped repeats count only when nothing ran.
 */
export function combineRepeats(repeats: CellResult[]): CellResult {
  const ran = repeats.filter((r): r is Exclude<CellResult, { state: 'skipped' }> => r.state !== 'skipped');
  if (ran.length === 0 || repeats.length === 1) return repeats[0]!;
  const cell = ran[0]!.cell;
  const withFigures = ran.flatMap((r) => (r.figures ? [r.figures] : []));
  const withVerification = ran.flatMap((r) => (r.verification ? [r.verification] : []));
  const target = ran.find((r) => r.target)?.target;
  const reasons = repeats.flatMap((r, i) => {
    const label = `repeat ${i + 1} of ${repeats.length}`;
    if (r.state === 'failed') return r.reasons.map((why) => `${label}: ${why}`);
    if (r.state === 'skipped') return [`${label}: skipped (${r.reason})`];
    return [];
  });
  const figures = withFigures.length ? combineFigures(withFigures) : undefined;
  const verification = withVerification.length ? combineVerifications(withVerification) : undefined;
  if (reasons.length === 0 && target && figures && verification) return { state: 'completed', cell, target, figures, verification };
  return { state: 'failed', cell, reasons, target, figures, verification };
}

/**
 * The segments of one cell run side by side (`run --segment`) as one cell: counts add up, histograms merge exactly, and
 * rates come over the common window, from the first segment's start of measuring to the last one's end. The
 * verification is the first segment's, which checked every segment's ledgers against the one table.
 */
export function combineSegments(segments: CellResult[]): CellResult {
  const notRun = segments.find((s) => s.state === 'skipped');
  if (notRun) return notRun;
  const ran = segments as Exclude<CellResult, { state: 'skipped' }>[];
  const label = (r: (typeof ran)[number]) => `segment ${r.figures?.segment?.index ?? '?'}`;
  const reasons = ran.flatMap((r) => (r.state === 'failed' ? r.reasons.map((x) => `${label(r)}: ${x}`) : []));
  const first = ran.find((r) => r.figures?.segment?.index === 1) ?? ran[0]!;
  const all = ran.map((r) => r.figures);
  if (!all.every((f): f is Figures => f?.segment !== undefined))
    return { ...first, state: 'failed', reasons: [...reasons, 'a segment has no figures to merge'] } as CellResult;
  const startedAt = Math.min(...all.map((f) => f.segment!.startedAt));
  const endedAt = Math.max(...all.map((f) => f.segment!.endedAt));
  const { segment: _segment, ...pooled } = combineFigures(all);
  const figures: Figures = {
    ...pooled,
    ...countedFigures(
      all.map((f) => ({ ...f, succeeded: f.operations.succeeded, failed: f.operations.failed })),
      endedAt - startedAt,
    ),
    workers: sum(all.map((f) => f.workers)),
  };
  if (reasons.length) return { state: 'failed', cell: first.cell, reasons, target: first.target, figures, verification: first.verification };
  return { ...(first as Extract<CellResult, { state: 'completed' }>), figures };
}
