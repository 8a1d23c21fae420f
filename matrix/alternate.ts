import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeResults } from '../model/merge';
import { readResults } from '../model/read-results';
import type { RunResults } from '../model/results-schema';
import { newRunId } from './namespace';

/** The two checkouts an alternation measures. */
export type Side = 'base' | 'head';

/** Both sides, in the order reports name them. */
export const SIDES: readonly Side[] = ['base', 'head'];

/** `dbmatrix run` flags the alternation sets itself for every run, so they may not appear in the arguments it is given. */
export const RESERVED_RUN_FLAGS: readonly string[] = ['--repeat', '--out', '-o', '--run-id'];

/** One run in the alternation's order. */
export interface PlannedRun {
  /** Position among all runs, from 1 (2 × rounds in all). */
  index: number;
  /** Round, from 1: each round measures both sides once. */
  round: number;
  /** Which checkout it measures. */
  side: Side;
}

/**
 * ABBA order: odd rounds run base then head, even rounds head then base. A drift linear in time (a disk or a server
 * warming up, a neighbour's load ramping) then falls equally on both sides over every two rounds, where plain ABAB
 * would hand it all to whichever side always runs second.
 */
export function alternationOrder(rounds: number): PlannedRun[] {
  const order: PlannedRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    const sides: Side[] = round % 2 === 1 ? ['base', 'head'] : ['head', 'base'];
    for (const side of sides) order.push({ index: order.length + 1, round, side });
  }
  return order;
}

/** What an alternation runs and where it writes. */
export interface AlternateRequest {
  /** Each side's checkout folder: bin/dbmatrix.js inside, dependencies installed. */
  checkouts: Record<Side, string>;
  /** Rounds; each measures both sides once. */
  rounds: number;
  /** `dbmatrix run` arguments both sides get. */
  runArgs: string[];
  /** Extra `dbmatrix run` arguments per side, after the shared ones. */
  sideArgs: Record<Side, string[]>;
  /** Folder that receives rounds/<nn>-<side>/ (results.json and run.log of each run). */
  outDir: string;
  /** Called as a run starts. */
  onStart?: (run: PlannedRun) => void;
  /** Called as a run ends, with what came of it. */
  onEnd?: (outcome: RunOutcome) => void;
}

/** What one run of one side came to. */
export type RunOutcome =
  /** It measured and wrote results (cells may have failed: compare judges those). */
  | { kind: 'measured'; run: PlannedRun; dir: string; file: string; results: RunResults; ms: number }
  /** Ctrl-C stopped it; whatever it wrote is kept but not pooled. */
  | { kind: 'interrupted'; run: PlannedRun; dir: string; ms: number }
  /** It refused its arguments or could not reach a server (exit code 2); message is its one line. */
  | { kind: 'refused'; run: PlannedRun; dir: string; message: string }
  /** It ended without results (a crash, a signal); run.log holds its output. */
  | { kind: 'crashed'; run: PlannedRun; dir: string; exit: string; log: string };

/** A measured run. */
export type MeasuredRun = Extract<RunOutcome, { kind: 'measured' }>;

/**
 * Runs `dbmatrix run` of each side's checkout in ABBA order, each in a child process of this Node with --repeat 1 and a
 * run id of its own, until every round ran or one run did not measure. Abortable: Ctrl-C reaches only this process
 * (children run in their own process group) and is passed on once, so the current run removes its tables as a
 * Ctrl-C of `dbmatrix run` does; a terminal's Ctrl-C sent to both would count as the child's second, forcing one.
 */
export class Alternation {
  private child: ChildProcess | undefined;
  private stopped = false;

  constructor(private readonly request: AlternateRequest) {}

  /** Whether abort() was called. */
  get interrupted(): boolean {
    return this.stopped;
  }

  /** Stop the current run as Ctrl-C would, and start no other. */
  abort(): void {
    this.stopped = true;
    this.child?.kill('SIGINT');
  }

  /** Every run in order; stops early after an outcome other than measured, or on abort. */
  async run(): Promise<RunOutcome[]> {
    const outcomes: RunOutcome[] = [];
    for (const planned of alternationOrder(this.request.rounds)) {
      if (this.stopped) break;
      this.request.onStart?.(planned);
      const outcome = await this.runOne(planned);
      outcomes.push(outcome);
      this.request.onEnd?.(outcome);
      if (outcome.kind !== 'measured') break;
    }
    return outcomes;
  }

  private async runOne(run: PlannedRun): Promise<RunOutcome> {
    const { checkouts, runArgs, sideArgs, outDir } = this.request;
    const dir = join(outDir, 'rounds', `${String(run.index).padStart(2, '0')}-${run.side}`);
    mkdirSync(dir, { recursive: true });
    const logFile = join(dir, 'run.log');
    const checkout = checkouts[run.side];
    const args = [
      join(checkout, 'bin', 'dbmatrix.js'),
      'run',
      ...runArgs,
      ...sideArgs[run.side],
      '--repeat',
      '1',
      '--run-id',
      newRunId(),
      '--out',
      dir,
      '--no-progress',
    ];
    const log = openSync(logFile, 'w');
    const started = performance.now();
    // The same Node runs both sides, so the runtime is no difference between them; the checkout is the working
    // directory, so relative paths in the arguments (workload files, -c) name that checkout's files.
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: checkout, env: process.env, stdio: ['ignore', log, log], detached: true });
      this.child = child;
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    this.child = undefined;
    closeSync(log);
    const ms = performance.now() - started;
    const file = join(dir, 'results.json');
    if (exit.code === 2) return { kind: 'refused', run, dir, message: lastMessage(logFile) };
    if (exit.code === 130 || (this.stopped && exit.code !== 0 && exit.code !== 1)) return { kind: 'interrupted', run, dir, ms };
    if ((exit.code === 0 || exit.code === 1) && existsSync(file)) {
      const results = readResults(file);
      return results.interrupted ? { kind: 'interrupted', run, dir, ms } : { kind: 'measured', run, dir, file, results, ms };
    }
    const how = exit.error ? `could not start (${exit.error.message})` : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return { kind: 'crashed', run, dir, exit: how, log: logFile };
  }
}

/** The one line a refusing `dbmatrix run` printed (its "dbmatrix: …" line), else the end of its output. */
function lastMessage(logFile: string): string {
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const own = lines.filter((l) => l.startsWith('dbmatrix: ')).at(-1);
  return (own ?? lines.at(-1) ?? 'no output').replace(/^dbmatrix: /, '');
}

/** One side's runs pooled as repeats of one run, histograms merged exactly, as `dbmatrix merge --as-repeats` does. */
export function poolSide(measured: MeasuredRun[], side: Side): RunResults {
  return mergeResults(
    measured.filter((m) => m.run.side === side).map((m) => ({ file: m.file, results: m.results })),
    { asRepeats: true },
  );
}
