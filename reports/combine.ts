import { encodeHistogram, mergeCounts, mergeHistograms, mergeTallies, summarizeLatency } from '../matrix/metrics';
import type { CellResult, Figures } from './results-schema';

type Verification = NonNullable<Extract<CellResult, { state: 'failed' }>['verification']>;

const round = (x: number) => Math.round(x * 10) / 10;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Figures of several repeats as one: counts add up, histograms merge exactly, rates come from the totals. */
export function combineFigures(all: Figures[]): Figures {
  const first = all[0]!;
  if (all.length === 1) return first;
  const histograms = {
    latency: mergeHistograms(all.map((f) => f.histograms.latency)),
    failedLatency: mergeHistograms(all.map((f) => f.histograms.failedLatency)),
    attemptLatency: mergeHistograms(all.map((f) => f.histograms.attemptLatency)),
  };
  const durationMs = sum(all.map((f) => f.durationMs));
  const succeeded = sum(all.map((f) => f.operations.succeeded));
  const rows = sum(all.map((f) => f.rows));
  const seconds = durationMs / 1000;
  return {
    workers: first.workers,
    ...(first.driverPath ? { driverPath: first.driverPath } : {}),
    ...(first.clientThreads ? { clientThreads: first.clientThreads } : {}),
    ...(first.mode ? { mode: first.mode } : {}),
    ...(first.targetRate ? { targetRate: first.targetRate } : {}),
    operations: { total: sum(all.map((f) => f.operations.total)), succeeded, failed: sum(all.map((f) => f.operations.failed)) },
    rows,
    durationMs: round(durationMs),
    opsPerSec: seconds > 0 ? round(succeeded / seconds) : 0,
    rowsPerSec: seconds > 0 ? round(rows / seconds) : 0,
    latencyMs: summarizeLatency(histograms.latency),
    failedLatencyMs: summarizeLatency(histograms.failedLatency),
    attemptLatencyMs: summarizeLatency(histograms.attemptLatency),
    retries: mergeCounts(all.map((f) => f.retries)),
    retriedOps: sum(all.map((f) => f.retriedOps)),
    batchTrajectory: first.batchTrajectory,
    errors: mergeTallies(all.map((f) => f.errors)),
    warmup: { operations: sum(all.map((f) => f.warmup.operations)), failed: sum(all.map((f) => f.warmup.failed)) },
    loadMs: round(sum(all.map((f) => f.loadMs)) / all.length),
    verifyMs: round(sum(all.map((f) => f.verifyMs)) / all.length),
    health: first.health,
    serverActivity: mergeCounts(all.map((f) => f.serverActivity)) as Record<string, number>,
    histograms: {
      latency: encodeHistogram(histograms.latency),
      failedLatency: encodeHistogram(histograms.failedLatency),
      attemptLatency: encodeHistogram(histograms.attemptLatency),
    },
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
