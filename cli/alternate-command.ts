import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_ADAPTER } from '../adapters/registry';
import {
  Alternation,
  alternationOrder,
  type MeasuredRun,
  type PlannedRun,
  poolSide,
  RESERVED_RUN_FLAGS,
  type RunOutcome,
  SIDES,
  type Side,
} from '../matrix/alternate';
import { defaultRunDir } from '../matrix/namespace';
import type { RunResults } from '../model/results-schema';
import { UserError } from '../model/user-error';
import { painterFor } from '../reports/colour';
import { type CompareThresholds, compareRuns } from '../reports/compare';
import { compareTable } from '../reports/compare-table';
import { compareMarkdown, mdCode } from '../reports/markdown';
import { thresholdOptions } from './arguments';
import { abortOnSignal } from './interrupt';

/**
 * Rounds when --rounds is not given: six samples a side keep Welch's interval usable at a cost of twelve runs, and an
 * even count runs each side first in a pair as often as second.
 */
const DEFAULT_ROUNDS = 6;

/** Options of `dbmatrix alternate`, as commander parses them. */
interface AlternateOptions {
  /** --base: the baseline checkout. */
  base: string;
  /** --head: the checkout under test. */
  head: string;
  /** --rounds: runs per side. */
  rounds: number;
  /** --out: folder for rounds and reports. */
  out?: string;
  /** --base-args, split at spaces; absent when not given. */
  baseArgs?: string[];
  /** --head-args, split at spaces; absent when not given. */
  headArgs?: string[];
  /** --throughput-threshold. */
  throughputThreshold: number;
  /** --latency-threshold. */
  latencyThreshold: number;
  /** --confidence. */
  confidence: number;
}

/** A commander parser for --rounds: one run a side leaves the noise unknown, so compare could only say inconclusive. */
function roundsOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2)
    throw new InvalidArgumentError('--rounds takes a whole number of at least 2: compare needs two runs a side to tell a change from noise');
  return n;
}

/** --base-args/--head-args: split at whitespace, repeatable; quoting is refused rather than guessed. */
function sideArgs(flag: string) {
  return (value: string, previous: string[] | undefined): string[] => {
    if (/["'\\]/.test(value)) throw new InvalidArgumentError(`${flag} is split at spaces and takes no quotes; put values with spaces in a config file (-c)`);
    return [...(previous ?? []), ...value.split(/\s+/).filter(Boolean)];
  };
}

/** A side's checkout, checked before anything is written. */
function checkout(flag: string, dir: string): string {
  const path = resolve(dir);
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new UserError(`${flag} ${dir}: no such folder; give a dbmatrix checkout`);
  if (!existsSync(join(path, 'bin', 'dbmatrix.js'))) throw new UserError(`${flag} ${dir} has no bin/dbmatrix.js; give the folder of a dbmatrix checkout`);
  if (!existsSync(join(path, 'node_modules'))) throw new UserError(`${flag} ${dir} has no node_modules; run npm ci there first`);
  return path;
}

/** Refuse flags the alternation sets for every run. */
function checkRunArgs(where: string, args: string[]): void {
  const taken = args.find((a) => RESERVED_RUN_FLAGS.some((f) => a === f || a.startsWith(`${f}=`)));
  if (taken)
    throw new UserError(`${where} may not contain ${taken.split('=')[0]}: alternate runs each side once per round (--rounds), with its own run id, into --out`);
}

/** The output folder: new or empty, so no earlier round can be pooled by mistake. Returns whether it already existed. */
function checkOutDir(dir: string): boolean {
  if (!existsSync(dir)) return false;
  if (!statSync(dir).isDirectory() || readdirSync(dir).length > 0) throw new UserError(`--out ${dir} already holds files; give a new or empty folder`);
  return true;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The end of a run's progress line: each cell's figures when it ran a few, else how its cells came out. */
function outcomeText(o: RunOutcome): string {
  if (o.kind === 'interrupted') return `interrupted (${seconds(o.ms)})`;
  if (o.kind === 'refused') return 'bad input';
  if (o.kind === 'crashed') return 'failed';
  const cells = o.results.cells.filter((c) => c.state !== 'skipped');
  const failed = cells.filter((c) => c.state === 'failed').length;
  const opsPerSec = (n: number) => `${Math.round(n).toLocaleString('en-US')} ops/s`;
  const only = cells.length === 1 ? cells[0] : undefined;
  const figures =
    only?.state === 'completed'
      ? `${opsPerSec(only.figures.opsPerSec)}, p50 ${only.figures.latencyMs.p50.toFixed(2)} ms, p99 ${only.figures.latencyMs.p99.toFixed(2)} ms`
      : cells.length <= 3
        ? cells.map((c) => `${c.cell.workload} ${c.state === 'completed' ? opsPerSec(c.figures.opsPerSec) : 'FAILED'}`).join(', ')
        : `${cells.length} cells, ${cells.length - failed} completed${failed ? `, ${failed} FAILED` : ''}`;
  return `${figures} (${seconds(o.ms)})`;
}

/** A line under compare's Markdown saying how the two sides were measured, so a reader does not take it for a cached baseline. */
function provenance(rounds: number, runArgs: string[], extra: Record<Side, string[]>): string {
  const args = (xs: string[]) => (xs.length ? mdCode(xs.join(' ')) : '(none)');
  const order = alternationOrder(Math.min(rounds, 2))
    .map((r) => r.side)
    .join(', ');
  const sides = SIDES.filter((s) => extra[s].length)
    .map((s) => `; ${s} also ${args(extra[s])}`)
    .join('');
  return `_Measured alternately on one machine by \`dbmatrix alternate\`: ${rounds} rounds, each side once per round in ABBA order (${order}, …), Node ${process.version}; run arguments ${args(runArgs)}${sides}._\n`;
}

async function alternateCommand(runArgs: string[], opts: AlternateOptions): Promise<number> {
  const checkouts: Record<Side, string> = { base: checkout('--base', opts.base), head: checkout('--head', opts.head) };
  const extra: Record<Side, string[]> = { base: opts.baseArgs ?? [], head: opts.headArgs ?? [] };
  checkRunArgs('the run arguments', runArgs);
  checkRunArgs('--base-args', extra.base);
  checkRunArgs('--head-args', extra.head);
  const thresholds: CompareThresholds = { throughput: opts.throughputThreshold, latency: opts.latencyThreshold, confidence: opts.confidence };
  const outDir = resolve(opts.out ?? defaultRunDir('alternate'));
  const existed = checkOutDir(outDir);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new UserError(`cannot create ${outDir}: ${(err as NodeJS.ErrnoException).code ?? err}; choose a writable --out`);
  }

  const total = opts.rounds * 2;
  const err = (text: string) => process.stderr.write(text);
  const label = (r: PlannedRun) => `round ${r.round}/${opts.rounds}: ${r.side}`;
  const running = (r: PlannedRun) => `${label(r)} (run ${r.index}/${total})`;
  const which = (r: PlannedRun) => `the ${r.side} run of round ${r.round}/${opts.rounds}`;
  err(
    `alternate: ${opts.rounds} rounds (${total} runs of dbmatrix run, ABBA order) -> ${outDir}\n  base ${checkouts.base}${extra.base.length ? ` + ${extra.base.join(' ')}` : ''}\n  head ${checkouts.head}${extra.head.length ? ` + ${extra.head.join(' ')}` : ''}\n`,
  );
  // Whatever favours the first run of a pair (a warm cache, a quiet moment) then falls on the base once more than on the
  // head: an A/A run of three rounds here once read p50 0.11 -> 0.20 ms as a regression.
  if (opts.rounds % 2)
    err(`alternate: note: ${opts.rounds} is odd, so the base runs first in one pair more than the head does; an even --rounds balances the order\n`);
  // A progress line left open when Ctrl-C comes is ended first, so the interrupt message gets a line of its own.
  let open = false;
  const alternation = new Alternation({
    checkouts,
    rounds: opts.rounds,
    runArgs,
    sideArgs: extra,
    outDir,
    onStart: (r) => {
      err(`${running(r)} … `);
      open = true;
    },
    onEnd: (o) => {
      err(`${open ? '' : `${running(o.run)} … `}${outcomeText(o)}\n`);
      open = false;
    },
  });
  const endLine = () => {
    if (open) err('\n');
    open = false;
  };
  process.on('SIGINT', endLine).on('SIGTERM', endLine);
  const guard = abortOnSignal(() => alternation);
  let outcomes: RunOutcome[];
  try {
    outcomes = await alternation.run();
  } finally {
    guard.dispose();
    process.off('SIGINT', endLine).off('SIGTERM', endLine);
  }

  const measured = outcomes.filter((o): o is MeasuredRun => o.kind === 'measured');
  const last = outcomes.at(-1);
  if (last?.kind === 'refused') {
    // Bad input shows in the first run, before anything was measured: leave nothing behind then.
    if (measured.length === 0) rmSync(existed ? join(outDir, 'rounds') : outDir, { recursive: true, force: true });
    const kept = measured.length ? `; the ${measured.length} finished run(s) are in ${join(outDir, 'rounds')}` : '';
    throw new UserError(`${which(last.run)} stopped with bad input: ${last.message}${kept}`);
  }
  if (alternation.interrupted || last?.kind === 'interrupted') {
    const kept = measured.length ? `the ${measured.length} finished run(s) of ${total} are kept` : 'no run finished; what the stopped run wrote is kept';
    err(`dbmatrix: interrupted; ${kept} in ${join(outDir, 'rounds')} (pool finished runs with dbmatrix merge --as-repeats)\n`);
    return guard.exitCode();
  }
  if (last?.kind === 'crashed') {
    err(`dbmatrix: ${which(last.run)} ${last.exit} without results; its output is in ${last.log}\n`);
    return 1;
  }

  const pooled = Object.fromEntries(SIDES.map((s) => [s, poolSide(measured, s)])) as Record<Side, RunResults>;
  const files = { base: join(outDir, 'base.json'), head: join(outDir, 'head.json'), markdown: join(outDir, 'compare.md') };
  for (const s of SIDES) writeFileSync(files[s], `${JSON.stringify(pooled[s], null, 2)}\n`);
  const labels = { baseline: ['base', ...extra.base].join(' '), current: ['head', ...extra.head].join(' ') };
  const cmp = compareRuns(pooled.base, pooled.head, thresholds, labels);
  writeFileSync(files.markdown, `${compareMarkdown(cmp).trimEnd()}\n\n${provenance(opts.rounds, runArgs, extra)}`);
  process.stdout.write(`${compareTable(cmp, painterFor(process.stdout))}\n`);
  process.stdout.write(`base: ${files.base}\nhead: ${files.head}\ncompare: ${files.markdown}\n`);
  // The gate compare applies: regressed or newly failed cells, missing cells, changed conformance answers.
  return cmp.passed ? 0 : 1;
}

/** Add `alternate` to the program: base and head measured in turns on this machine, then judged as compare does. */
export function addAlternateCommand(program: Command): void {
  const alternate = program
    .command('alternate')
    .description(
      'measure two checkouts (base and head) in alternating rounds on this machine, pool each side and judge them as compare does; exit code 1 when head regressed',
    )
    .usage('--base <dir> --head <dir> [--rounds n] [--out <dir>] [options] [-- <dbmatrix run arguments>]')
    .argument('[run-args...]', `arguments for \`dbmatrix run\` on both sides, after --, e.g. -- -a ${DEFAULT_ADAPTER} -w insert-sequential --ops 2000`)
    .requiredOption('--base <dir>', 'baseline checkout (bin/dbmatrix.js inside, npm ci done), e.g. the pull request base')
    .requiredOption('--head <dir>', 'checkout under test, e.g. . for the pull request head')
    .addOption(
      new Option('--rounds <n>', 'rounds; each runs both sides once, so each side gets n samples (at least 2)').argParser(roundsOption).default(DEFAULT_ROUNDS),
    )
    .option('-o, --out <dir>', 'new or empty folder for rounds/, base.json, head.json and compare.md (default: dbmatrix-runs/<time>-alternate)')
    .option(
      '--base-args <args>',
      `more \`dbmatrix run\` arguments for the base side only, split at spaces (repeatable), e.g. "--set ${DEFAULT_ADAPTER}.workers=2"`,
      sideArgs('--base-args'),
    )
    .option('--head-args <args>', 'more `dbmatrix run` arguments for the head side only (as --base-args)', sideArgs('--head-args'))
    .addHelpText(
      'after',
      `
Each round runs \`node <dir>/bin/dbmatrix.js run <run-args> <side args> --repeat 1 --run-id <new> --out <out>/rounds/<nn>-<side>\`
once per side, with this Node, in the side's folder; odd rounds run base first, even rounds head first (ABBA), so
a steady drift of the machine falls on both sides alike. Each side's runs are then pooled as repeats (base.json,
head.json) and judged as \`dbmatrix compare -b base.json -c head.json\` judges them (compare.md).

Exit codes: 0 compare's gate passed; 1 it failed (head regressed, newly failed or lost a cell), or a run ended
without results; 2 bad input (nothing is left behind when it shows before the first run measured); 130 interrupted by Ctrl-C, 143 by SIGTERM
(the finished runs are kept).

Example: dbmatrix alternate --base ../base --head . --rounds 6 --out alt -- -a ${DEFAULT_ADAPTER} -w insert-sequential --ops 2000`,
    )
    .action(async (runArgs: string[], opts: AlternateOptions) => {
      process.exitCode = await alternateCommand(runArgs, opts);
    });
  for (const option of thresholdOptions('the rounds')) alternate.addOption(option);
}
