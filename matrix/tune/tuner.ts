import type { Profile, ServerAddress } from '../../adapters/contract';
import type { AdapterName } from '../../adapters/registry';
import { resolveProfiles, settingsOf } from '../../config/profiles';
import { median, relativeShift } from '../../model/noise';
import type { CellResult } from '../../model/results-schema';
import { silentProgress } from '../progress';
import { MatrixRun } from '../runner';
import { ThreadPool } from '../workers';
import { paramsByWorkload } from '../workloads/params';
import { type WorkloadName, workloadFor } from '../workloads/registry';
import { axesFor, profileValue } from './axes';

/** One measured candidate: a set of changes from the default profile. */
export interface Trial {
  /** Changes from the default profile, `key=value`. */
  changes: string[];
  /** The median of the repeats' throughput, in the workload's unit (rows/s for batched workloads, else ops/s); 0 when it failed. */
  score: number;
  /** Each repeat's throughput in that unit. */
  samples: number[];
  /** Whether every repeat completed with verified data and errors within the budget. */
  eligible: boolean;
  /** Failed operations over all operations. */
  errorRate: number;
  /** Whether the data verified. */
  verified: boolean;
  /** Why it is not eligible, or what safety it trades away. */
  notes: string[];
  /** The best so far, measured in turn with this candidate (incumbent, candidate, incumbent …): the score it had to beat. */
  incumbentScore?: number;
}

/** The search for one adapter and workload. */
export interface TuneOutcome {
  /** Adapter. */
  adapter: AdapterName;
  /** Default profile the search started from. */
  baseProfile: string;
  /** Changes to the default profile the search started from (`--set`), `key=value`; part of every trial. */
  start: string[];
  /** Workload. */
  workload: WorkloadName;
  /** Unit of the scores. */
  unit: 'rows/s' | 'ops/s';
  /** The default profile's trial. */
  baseline: Trial;
  /** The best eligible trial (the baseline when nothing beat it). */
  best: Trial;
  /** Every trial, in the order run. */
  trials: Trial[];
  /** Candidates the budget left unmeasured. */
  skipped: number;
}

/** What a tune run needs. */
export interface TunePlan {
  /** Adapters (their default profiles are the starting points). */
  adapters: AdapterName[];
  /** Workloads. */
  workloads: WorkloadName[];
  /** Servers of the server adapters. */
  servers: Partial<Record<AdapterName, ServerAddress[]>>;
  /** Directory for SQLite files. */
  sqliteDir: string;
  /** Measured operations per repeat of a candidate; null when each repeat is measured for durationMs instead. */
  ops: number | null;
  /** Measured time per repeat of a candidate, in ms; null when it is measured by operations. */
  durationMs: number | null;
  /** Warm-up operations per repeat of a candidate; null for the run's default. */
  warmupOps: number | null;
  /** Repeats per candidate. */
  repeats: number;
  /** Total time the search may take, ms. */
  budgetMs: number;
  /** Share of failed operations a candidate may have. */
  maxErrorRate: number;
  /** Adopt values that trade safety for speed (synchronous=OFF, synchronous_commit=off, busy_timeout=0). */
  allowRisky: boolean;
  /** Changes to every default profile to start from (`--set` values: `adapter.key=value` or `profile.key=value`). */
  settings?: string[];
  /** Run id for table names. */
  runId: string;
  /** A line per trial for the user. */
  log: (line: string) => void;
  /** Each measurement as it starts, so a signal can abort it. */
  onRun?: (run: MatrixRun) => void;
  /** Whether the search was interrupted: no new measurement starts, and what was measured is returned. */
  interrupted?: () => boolean;
}

/** A candidate must beat the current best by this much, and beyond the noise of the repeats, to replace it. */
const MIN_GAIN = 0.05;
/** Confidence level of "beyond the noise". */
const CONFIDENCE = 0.9;

/** Whether a candidate beats the incumbent measured with it: a gain over MIN_GAIN whose confidence interval excludes no gain (with one repeat, the gain alone). */
export function beats(trial: Pick<Trial, 'score' | 'samples'>, incumbent: Pick<Trial, 'score' | 'samples'>): boolean {
  if (!(trial.score > incumbent.score * (1 + MIN_GAIN))) return false;
  const shift = relativeShift(incumbent.samples, trial.samples, CONFIDENCE);
  return shift.interval === null || shift.interval[0] > 0;
}

/** Whether a candidate may replace the incumbent at all: verified data, errors within bounds, and no risk the user did not allow. */
export function adoptable(trial: Pick<Trial, 'eligible'>, risky: boolean, allowRisky: boolean): boolean {
  return trial.eligible && (!risky || allowRisky);
}

/** Repeats of one candidate measured apart, as one trial: their samples together, eligible only when each was. */
function pooled(changes: string[], parts: Omit<Trial, 'changes'>[]): Trial {
  const samples = parts.flatMap((p) => p.samples);
  return {
    changes,
    score: samples.length ? median(samples) : 0,
    samples,
    eligible: parts.length > 0 && parts.every((p) => p.eligible),
    errorRate: Math.max(0, ...parts.map((p) => p.errorRate)),
    verified: parts.length > 0 && parts.every((p) => p.verified),
    notes: [...new Set(parts.flatMap((p) => p.notes))],
  };
}

/** A candidate's figures as a trial: eligible only with verified data and errors within the budget. */
function scoreOf(result: CellResult, unit: TuneOutcome['unit'], maxErrorRate: number): Omit<Trial, 'changes'> {
  if (result.state === 'skipped') return { score: 0, samples: [], eligible: false, errorRate: 1, verified: false, notes: [result.reason] };
  if (!result.figures) return { score: 0, samples: [], eligible: false, errorRate: 1, verified: false, notes: result.state === 'failed' ? result.reasons : [] };
  const f = result.figures;
  const errorRate = f.operations.total > 0 ? f.operations.failed / f.operations.total : 0;
  const verified = result.verification?.ok ?? false;
  const notes = result.state === 'failed' ? result.reasons : [];
  const eligible = result.state === 'completed' && verified && errorRate <= maxErrorRate;
  const samples = f.samples.map((s) => (unit === 'rows/s' ? s.rowsPerSec : s.opsPerSec));
  return { score: median(samples), samples, eligible, errorRate, verified, notes };
}

/**
 * Coordinate search from the default profile: one axis at a time, keeping the best value before moving on. Each
 * candidate is measured in turn with the best so far, one repeat each, so drift of the machine over the search
 * weighs on both alike instead of counting as the candidate's gain.
 */
export async function tune(plan: TunePlan): Promise<TuneOutcome[]> {
  const started = Date.now();
  const threads = new ThreadPool();
  const outcomes: TuneOutcome[] = [];
  let runMs = 0;
  let runsDone = 0;
  const stopped = () => plan.interrupted?.() ?? false;
  const settings = settingsOf({ settings: plan.settings });
  const pairs = plan.adapters.flatMap((adapter) => plan.workloads.map((workload) => ({ adapter, workload })));
  try {
    for (const [index, { adapter, workload }] of pairs.entries()) {
      if (stopped()) break;
      const unit = workloadFor(workload).sizedBy ? 'rows/s' : 'ops/s';
      const [base] = resolveProfiles({ adapters: [adapter], settings: plan.settings });
      const start = settings.filter((s) => s.target === adapter || s.target === (base as Profile).name).map((s) => `${s.key}=${s.value}`);
      // The workload's own parameters stay as the settings give them: tune searches profile values only.
      const params = paramsByWorkload([workloadFor(workload)], settings);
      const axes = axesFor(adapter, workload);
      const label = (changes: string[]) => (changes.length ? changes.join(', ') : 'default');
      /** Measure a profile `repeats` times in one go. */
      const measure = async (changes: string[], repeats: number): Promise<Omit<Trial, 'changes'>> => {
        const t0 = Date.now();
        const [profile] = resolveProfiles({ adapters: [adapter], settings: [...start, ...changes].map((c) => `${adapter}.${c}`) });
        const matrix = new MatrixRun({
          runId: plan.runId,
          profiles: [profile as Profile],
          workloads: [workload],
          servers: plan.servers,
          sqliteDir: plan.sqliteDir,
          ops: plan.ops,
          durationMs: plan.durationMs,
          warmupOps: plan.warmupOps,
          maxErrorRate: plan.maxErrorRate,
          repeats,
          progress: silentProgress,
          threads,
          params,
        });
        plan.onRun?.(matrix);
        const [result] = await matrix.run();
        runMs = (runMs * runsDone + (Date.now() - t0) / repeats) / (runsDone + 1);
        runsDone++;
        return scoreOf(result!, unit, plan.maxErrorRate);
      };
      const logTrial = (trial: Trial, against?: number) =>
        plan.log(
          `tune ${adapter} × ${workload} (${index + 1}/${pairs.length}): ${label(trial.changes)}: ${Math.round(trial.score).toLocaleString('en-US')} ${unit}${against !== undefined ? ` (best so far, in turn: ${Math.round(against).toLocaleString('en-US')})` : ''}${trial.eligible ? '' : ` — not eligible: ${trial.verified ? `${(trial.errorRate * 100).toFixed(1)} % of operations failed` : 'data did not verify'}`}`,
        );
      // Each pair gets its share of the budget; time a pair leaves unused passes to the next.
      const pairDeadline = started + (plan.budgetMs * (index + 1)) / pairs.length;
      const withinBudget = () => Date.now() + 2 * plan.repeats * runMs <= pairDeadline;

      const baseline: Trial = { changes: [], ...(await measure([], plan.repeats)) };
      logTrial(baseline);
      const trials = [baseline];
      let best = baseline;
      let skipped = 0;
      for (const axis of axes) {
        const current = profileValue(base as Profile, axis.key).value;
        for (const value of axis.values.filter((v) => String(v) !== String(current))) {
          if (stopped() || !withinBudget()) {
            skipped++;
            continue;
          }
          const changes = [...best.changes.filter((c) => !c.startsWith(`${axis.key}=`)), `${axis.key}=${value}`];
          const incumbentParts: Omit<Trial, 'changes'>[] = [];
          const candidateParts: Omit<Trial, 'changes'>[] = [];
          for (let r = 0; r < plan.repeats && !stopped(); r++) {
            incumbentParts.push(await measure(best.changes, 1));
            if (!stopped()) candidateParts.push(await measure(changes, 1));
          }
          // A candidate the interrupt cut short is not a trial.
          if (candidateParts.length < plan.repeats) {
            skipped++;
            continue;
          }
          const incumbent = pooled(best.changes, incumbentParts);
          const trial = { ...pooled(changes, candidateParts), incumbentScore: incumbent.score };
          const risky = axis.risky?.values.map(String).includes(String(value)) ?? false;
          if (risky) trial.notes.push(`${axis.key}=${value} ${axis.risky!.why}`);
          logTrial(trial, incumbent.score);
          trials.push(trial);
          if (adoptable(trial, risky, plan.allowRisky) && incumbent.eligible && beats(trial, incumbent)) best = trial;
        }
      }
      outcomes.push({ adapter, baseProfile: (base as Profile).name, start, workload, unit, baseline, best: best.eligible ? best : baseline, trials, skipped });
    }
  } finally {
    await threads.close();
  }
  return outcomes;
}
