import type { Profile, ServerAddress } from '../../adapters/contract';
import type { AdapterName } from '../../adapters/registry';
import type { CellResult } from '../../reports/results-schema';
import { resolveProfiles } from '../profiles';
import { silentProgress } from '../progress';
import { MatrixRun } from '../runner';
import { ThreadPool } from '../workers';
import { type WorkloadName, workloadFor } from '../workloads/registry';
import { median, relativeShift } from '../../reports/noise';
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
}

/** The search for one adapter and workload. */
export interface TuneOutcome {
  /** Adapter. */
  adapter: AdapterName;
  /** Default profile the search started from. */
  baseProfile: string;
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
  servers: Partial<Record<AdapterName, ServerAddress>>;
  /** Directory for SQLite files. */
  sqliteDir: string;
  /** Measured operations per repeat. */
  ops: number;
  /** Repeats per candidate. */
  repeats: number;
  /** Total time the search may take, ms. */
  budgetMs: number;
  /** Share of failed operations a candidate may have. */
  maxErrorRate: number;
  /** Adopt values that trade safety for speed (synchronous=OFF, synchronous_commit=off, busy_timeout=0). */
  allowRisky: boolean;
  /** Run id for table names. */
  runId: string;
  /** A line per trial for the user. */
  log: (line: string) => void;
}

/** A candidate must beat the current best by this much, and beyond the noise of the repeats, to replace it. */
const MIN_GAIN = 0.05;
/** Confidence level of "beyond the noise". */
const CONFIDENCE = 0.9;

/** Whether a trial beats the best so far: a gain over MIN_GAIN whose confidence interval excludes no gain (with one repeat, the gain alone). */
function beats(trial: Trial, best: Trial): boolean {
  if (!(trial.score > best.score * (1 + MIN_GAIN))) return false;
  const shift = relativeShift(best.samples, trial.samples, CONFIDENCE);
  return shift.interval === null || shift.interval[0] > 0;
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

/** Coordinate search from the default profile: one axis at a time, keeping the best value before moving on. */
export async function tune(plan: TunePlan): Promise<TuneOutcome[]> {
  const started = Date.now();
  const threads = new ThreadPool();
  const outcomes: TuneOutcome[] = [];
  let trialMs = 0;
  let trialsRun = 0;
  const pairs = plan.adapters.flatMap((adapter) => plan.workloads.map((workload) => ({ adapter, workload })));
  try {
    for (const [index, { adapter, workload }] of pairs.entries()) {
      const unit = workloadFor(workload).sizedBy ? 'rows/s' : 'ops/s';
      const [base] = resolveProfiles({ adapters: [adapter] });
      const axes = axesFor(adapter, workload);
      const run = async (changes: string[]): Promise<Trial> => {
        const t0 = Date.now();
        const [profile] = resolveProfiles({ adapters: [adapter], settings: changes.map((c) => `${adapter}.${c}`) });
        const matrix = new MatrixRun({
          runId: plan.runId,
          profiles: [profile as Profile],
          workloads: [workload],
          servers: plan.servers,
          sqliteDir: plan.sqliteDir,
          ops: plan.ops,
          durationMs: null,
          warmupOps: null,
          maxErrorRate: plan.maxErrorRate,
          repeats: plan.repeats,
          progress: silentProgress,
          threads,
        });
        const [result] = await matrix.run();
        trialMs = (trialMs * trialsRun + (Date.now() - t0)) / (trialsRun + 1);
        trialsRun++;
        const trial = { changes, ...scoreOf(result!, unit, plan.maxErrorRate) };
        const label = changes.length ? changes.join(', ') : 'default';
        plan.log(`tune ${adapter} × ${workload} (${index + 1}/${pairs.length}): ${label}: ${Math.round(trial.score).toLocaleString('en-US')} ${unit}${trial.eligible ? '' : ` — not eligible: ${trial.verified ? `${(trial.errorRate * 100).toFixed(1)} % of operations failed` : 'data did not verify'}`}`);
        return trial;
      };
      // Each pair gets its share of the budget; time a pair leaves unused passes to the next.
      const pairDeadline = started + (plan.budgetMs * (index + 1)) / pairs.length;
      const withinBudget = () => Date.now() + trialMs <= pairDeadline;

      const baseline = await run([]);
      const trials = [baseline];
      let best = baseline;
      let skipped = 0;
      for (const axis of axes) {
        const current = profileValue(base as Profile, axis.key).value;
        for (const value of axis.values.filter((v) => String(v) !== String(current))) {
          if (!withinBudget()) {
            skipped++;
            continue;
          }
          const changes = [...best.changes.filter((c) => !c.startsWith(`${axis.key}=`)), `${axis.key}=${value}`];
          const trial = await run(changes);
          const risky = axis.risky?.values.map(String).includes(String(value)) ?? false;
          if (risky) trial.notes.push(`${axis.key}=${value} ${axis.risky!.why}`);
          trials.push(trial);
          const adoptable = trial.eligible && (!risky || plan.allowRisky);
          if (adoptable && beats(trial, best)) best = trial;
        }
      }
      outcomes.push({ adapter, baseProfile: (base as Profile).name, workload, unit, baseline, best: best.eligible ? best : baseline, trials, skipped });
    }
  } finally {
    await threads.close();
  }
  return outcomes;
}
