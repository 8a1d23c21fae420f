import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { DEFAULT_ADAPTER } from '../adapters/registry';
import { parseAdapterList, resolveProfiles, settingsOf } from '../config/profiles';
import { checkRunId, defaultRunDir, newRunId } from '../matrix/namespace';
import { checkOneLength } from '../matrix/run-matrix';
import type { MatrixRun } from '../matrix/runner';
import { tune } from '../matrix/tune/tuner';
import { paramsByWorkload } from '../matrix/workloads/params';
import { type WorkloadName, workloadFor } from '../matrix/workloads/registry';
import { tunedProfilesConfig, tuneMarkdown, tuneTable } from '../reports/tune-report';
import { resolveServers } from '../servers/resolve';
import { collect, nonNegativeInt, parseDuration, parseWorkloads, positiveInt, rate, type ServerUrlOptions, serverUrlOptions, serverUrls } from './arguments';
import { abortOnSignal } from './interrupt';

/** The workloads tune searches by default: one of each shape (single writer, batched, concurrent writers, mixed). */
const DEFAULT_TUNE_WORKLOADS: WorkloadName[] = ['insert-sequential', 'insert-transaction-batch', 'high-volume-insert', 'crud-mix'];

/** Measured operations per repeat of a candidate when neither --ops nor --duration is given. */
const DEFAULT_TUNE_OPS = 500;

/** Options of `dbmatrix tune`, as commander parses them. */
interface TuneOptions extends ServerUrlOptions {
  adapter: string;
  workload?: string;
  budget: number;
  ops?: number;
  duration?: number;
  warmup?: number;
  repeat: number;
  maxErrorRate: number;
  allowRisky?: boolean;
  out?: string;
  runId?: string;
  set: string[];
}

async function tuneCommand(opts: TuneOptions): Promise<number> {
  const adapters = parseAdapterList(opts.adapter);
  const workloads = opts.workload ? parseWorkloads(opts.workload) : DEFAULT_TUNE_WORKLOADS;
  checkOneLength(opts, ['--ops', '--duration']);
  // Each candidate is measured by operations (500 unless told) or, with --duration, for a time.
  const measured = { ops: opts.duration === undefined ? (opts.ops ?? DEFAULT_TUNE_OPS) : null, durationMs: opts.duration ?? null };
  const runId = opts.runId ? checkRunId(opts.runId) : newRunId();
  const outDir = resolve(opts.out ?? defaultRunDir(`tune-${runId}`));
  // A bad --set ends here, before any server or file exists.
  resolveProfiles({ adapters, settings: opts.set });
  paramsByWorkload(workloads.map(workloadFor), settingsOf({ settings: opts.set }));
  const urls = serverUrls(opts);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const resolved = await resolveServers(adapters, { urls, log, oneEach: 'dbmatrix tune' });
  const sqliteDir = mkdtempSync(join(tmpdir(), `dbmatrix-${runId}-`));
  let current: MatrixRun | undefined;
  const guard = abortOnSignal(() => current);
  try {
    const outcomes = await tune({
      adapters,
      workloads,
      servers: resolved.servers,
      sqliteDir,
      ...measured,
      warmupOps: opts.warmup ?? null,
      repeats: opts.repeat,
      budgetMs: opts.budget,
      maxErrorRate: opts.maxErrorRate,
      allowRisky: opts.allowRisky ?? false,
      settings: opts.set,
      runId,
      log,
      onRun: (run) => {
        current = run;
        if (guard.interrupted()) run.abort();
      },
      interrupted: guard.interrupted,
    });
    // Interrupted, the trials measured so far are still worth reading: the report says it is partial.
    const interrupted = guard.interrupted();
    mkdirSync(outDir, { recursive: true });
    const profilesFile = join(outDir, 'tuned-profiles.json');
    writeFileSync(
      join(outDir, 'tune.json'),
      `${JSON.stringify({ runId, adapters, workloads, ...measured, repeats: opts.repeat, budgetMs: opts.budget, settings: opts.set, interrupted, outcomes }, null, 2)}\n`,
    );
    writeFileSync(profilesFile, `${JSON.stringify(tunedProfilesConfig(outcomes), null, 2)}\n`);
    const partial = interrupted
      ? `\n**Interrupted**: the search was stopped by a signal; ${outcomes.length} of ${adapters.length * workloads.length} adapter × workload pairs were searched, the last one partly.\n`
      : '';
    writeFileSync(join(outDir, 'tune.md'), `${tuneMarkdown(outcomes, { ...measured, repeats: opts.repeat, budgetMs: opts.budget })}${partial}`);
    process.stdout.write(`${tuneTable(outcomes)}\n`);
    process.stdout.write(
      `profiles: ${profilesFile} (dbmatrix run -c ${profilesFile} -p ${outcomes[0] ? `${outcomes[0].adapter}-tuned-${outcomes[0].workload}` : '<name>'})\n`,
    );
    process.stdout.write(`report: ${join(outDir, 'tune.md')}${interrupted ? ' (partial: interrupted)' : ''}\n`);
    return interrupted ? guard.exitCode() : 0;
  } finally {
    guard.dispose();
    rmSync(sqliteDir, { recursive: true, force: true });
    await resolved.release();
  }
}

/** Add `dbmatrix tune` to the program. */
export function addTuneCommand(program: Command): void {
  serverUrlOptions(program.command('tune'))
    .description('search profile values per adapter and workload within a time budget; write the best as profiles `run` loads')
    .option('-a, --adapter <names>', 'adapters to tune, from their default profiles', DEFAULT_ADAPTER)
    .option('-w, --workload <names>', `workloads (default: ${DEFAULT_TUNE_WORKLOADS.join(', ')})`)
    .addOption(new Option('--budget <time>', 'time the whole search may take, e.g. 5m').argParser(parseDuration).default(300_000, '5m'))
    .addOption(new Option('--ops <n>', `measured operations per repeat of a candidate (default ${DEFAULT_TUNE_OPS})`).argParser(positiveInt('--ops')))
    .addOption(new Option('--duration <time>', 'measure each repeat of a candidate for a time instead, e.g. 2s').argParser(parseDuration))
    .addOption(
      new Option('--warmup <n>', 'warm-up operations per repeat of a candidate, not measured (default: a tenth of --ops, or 100 with --duration)').argParser(
        nonNegativeInt,
      ),
    )
    .addOption(new Option('--repeat <n>', 'repeats per candidate; the median counts').argParser(positiveInt('--repeat')).default(2))
    .addOption(new Option('--max-error-rate <share>', 'share of failed operations a candidate may have').argParser(rate).default(0))
    .option(
      '-s, --set <target.key=value>',
      `start from the default profile with this value changed, e.g. ${DEFAULT_ADAPTER}.workers=2 (repeatable)`,
      collect,
      [],
    )
    .option('--allow-risky', 'adopt values that trade safety for speed (synchronous=OFF, synchronous_commit=off, busy_timeout=0)')
    .option('-o, --out <dir>', 'directory for tune.json, tune.md and tuned-profiles.json')
    .option('--run-id <id>', 'run id used in table and file names')
    .action(async (opts: TuneOptions) => {
      process.exitCode = await tuneCommand(opts);
    });
}
