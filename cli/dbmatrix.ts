import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ADAPTER_NAMES, adapterFor, DEFAULT_ADAPTER, EXAMPLE_PROFILES } from '../adapters/registry';
import { type ConfigFile, findConfigFile } from '../config/config-file';
import { parseAdapterList } from '../config/profiles';
import { checkRunId, defaultRunDir, newRunId } from '../matrix/namespace';
import { silentProgress, streamProgress } from '../matrix/progress';
import { checkOneLength, chooseRun, runMatrix } from '../matrix/run-matrix';
import type { MatrixRun } from '../matrix/runner';
import type { Shard } from '../matrix/shard';
import { WORKLOAD_NAMES } from '../matrix/workloads/registry';
import { dbmatrixVersion } from '../model/environment';
import { UserError } from '../model/user-error';
import { painterFor } from '../reports/colour';
import { serversTable, summaryTable } from '../reports/summary-table';
import { addAlternateCommand } from './alternate-command';
import {
  collect,
  nonNegativeInt,
  opsPerSecond,
  parseDuration,
  parseWorkloadRefs,
  positiveInt,
  rate,
  type ServerImageOptions,
  type ServerUrlOptions,
  serverImageOptions,
  serverImages,
  serverUrlOptions,
  serverUrls,
  shardOption,
} from './arguments';
import { addConformanceCommand } from './conformance-command';
import { abortOnSignal } from './interrupt';
import { LIST_SECTIONS } from './list';
import { addReportCommands } from './report-commands';
import { addScenarioCommand } from './scenario-command';
import { addTestCommand } from './test-command';
import { addTuneCommand } from './tune-command';

/** Options of `dbmatrix run`, as commander parses them. */
interface RunCommandFlags extends ServerUrlOptions, ServerImageOptions {
  adapter?: string;
  profile?: string;
  workload?: string;
  ops?: number;
  duration?: number;
  warmup?: number;
  maxErrorRate?: number;
  rate?: number;
  set: string[];
  config?: string;
  out?: string;
  runId?: string;
  progress: boolean;
  repeat?: number;
  conformance: boolean;
  ceiling?: boolean;
  shard?: Shard;
  segment?: Shard;
}

async function runCommand(opts: RunCommandFlags): Promise<number> {
  checkOneLength(opts, ['--ops', '--duration']);
  const config: ConfigFile | undefined = findConfigFile(opts.config);
  const chosen = chooseRun(
    {
      adapters: opts.adapter ? parseAdapterList(opts.adapter) : undefined,
      profiles: opts.profile
        ? opts.profile
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
      workloads: opts.workload ? parseWorkloadRefs(opts.workload) : undefined,
      ops: opts.ops,
      durationMs: opts.duration,
      warmupOps: opts.warmup,
      maxErrorRate: opts.maxErrorRate,
      rate: opts.rate,
      repeats: opts.repeat,
    },
    config,
  );
  if (opts.segment && !opts.runId)
    throw new UserError(`--segment ${opts.segment.index}/${opts.segment.count} needs --run-id, the same for every segment: they meet in a table named with it`);
  const runId = opts.runId ? checkRunId(opts.runId) : newRunId();
  const outDir = resolve(opts.out ?? defaultRunDir(runId));

  let run: MatrixRun | undefined;
  const guard = abortOnSignal(() => run);
  try {
    const { results, file } = await runMatrix({
      ...chosen,
      settings: opts.set,
      config,
      conformance: opts.conformance,
      ceiling: opts.ceiling,
      shard: opts.shard,
      ...(opts.segment ? { segment: opts.segment } : {}),
      urls: serverUrls(opts),
      images: serverImages(opts),
      runId,
      outDir,
      progress: opts.progress ? streamProgress(process.stderr) : silentProgress,
      log: (line) => process.stderr.write(`${line}\n`),
      onStarted: (r) => {
        run = r;
        if (guard.interrupted()) r.abort();
      },
    });
    const paint = painterFor(process.stdout);
    process.stdout.write(`${summaryTable(results.cells, paint)}\n`);
    const servers = serversTable(results.cells, paint);
    if (servers) process.stdout.write(`${servers}\n`);
    process.stdout.write(`results: ${file}\n`);
    if (results.interrupted) return guard.exitCode();
    return results.cells.some((c) => c.state === 'failed') ? 1 : 0;
  } finally {
    guard.dispose();
  }
}

/** The dbmatrix command line. */
export function buildProgram(): Command {
  const program = new Command('dbmatrix')
    .description(`Run one shared workload suite through ${ADAPTER_NAMES.map((name) => adapterFor(name).label).join(', ')} and report verified figures.`)
    .version(dbmatrixVersion(), '-V, --version', 'the version of dbmatrix')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`dbmatrix: ${text.replace(/^error: /, '').trim()}\n`) });

  serverImageOptions(serverUrlOptions(program.command('run')))
    .description('run adapters × profiles × workloads and write results.json')
    .option('-a, --adapter <names>', `adapters to run with their default profile (${ADAPTER_NAMES.join(', ')})`, undefined)
    .option('-p, --profile <names>', `named profiles to run side by side, e.g. ${EXAMPLE_PROFILES[0]},${EXAMPLE_PROFILES[1]} (see \`dbmatrix list profiles\`)`)
    .option(
      '-w, --workload <names>',
      `workloads: built-in names or workload files (.ts/.js modules, .yaml SQL scripts) (default: all built-in: ${WORKLOAD_NAMES.join(', ')})`,
    )
    .addOption(new Option('--ops <n>', 'measured operations per cell (default 1000)').argParser(positiveInt('--ops')))
    .addOption(new Option('--duration <time>', 'measure each cell for a time instead, e.g. 30s').argParser(parseDuration))
    .addOption(
      new Option('--repeat <n>', 'run each cell n times on fresh tables; compare needs 2 or more to tell a change from noise').argParser(
        positiveInt('--repeat'),
      ),
    )
    .addOption(new Option('--warmup <n>', 'warm-up operations per cell, not measured (default: a tenth of --ops)').argParser(nonNegativeInt))
    .addOption(
      new Option(
        '--rate <ops/s>',
        'open loop: operations become due at this rate per cell (shared by its workers), and latency counts from when each was due, not when a worker got to it, so a stalled database shows as latency instead of as fewer operations (default: closed loop, each worker sends its next operation when the last returns)',
      ).argParser(opsPerSecond),
    )
    .addOption(new Option('--max-error-rate <share>', 'share of failed operations a cell may have and still pass (default 0)').argParser(rate))
    .option(
      '-s, --set <target.key=value>',
      `override a profile value, e.g. ${DEFAULT_ADAPTER}.workers=4, ${EXAMPLE_PROFILES[1]}.batchSize=500 (repeatable)`,
      collect,
      [],
    )
    .option(
      '-c, --config <file>',
      'config file (.ts, .js or .json): adapters, profiles, workloads, servers, run length (default: dbmatrix.config.* in the working directory)',
    )
    .option('-o, --out <dir>', 'directory for results.json (default: dbmatrix-runs/<time>-<run id>)')
    .option('--run-id <id>', 'run id used in table and file names (default: random)')
    .addOption(
      new Option('--shard <i/n>', 'run only the i-th of n shares of the cells, dealt round robin (CI matrices; merge the n results for the whole)').argParser(
        shardOption,
      ),
    )
    .addOption(
      new Option(
        '--segment <i/n>',
        "run the i-th of n shares of every cell's workers, meeting the other segments (same --run-id) on the server to start and stop together; merge the n results",
      ).argParser(shardOption),
    )
    .option('--conformance', 'also put the conformance cases (types, text, ordering, upsert, isolation, errors) to each database and record its answers')
    .option(
      '--ceiling',
      "also run the server's own benchmark client (pgbench, sysbench) on each cell's statement and concurrency, in turns with its repeats, and report the share of its rate that came through",
    )
    .option('--no-progress', 'no progress on stderr')
    .action(async (opts: RunCommandFlags) => {
      process.exitCode = await runCommand(opts);
    });

  addReportCommands(program);
  addTuneCommand(program);
  addTestCommand(program);
  addScenarioCommand(program);
  addConformanceCommand(program);
  addAlternateCommand(program);

  program
    .command('list')
    .description('list adapters, workloads and profiles with their values')
    .argument('[what]', 'adapters, workloads or profiles (default: all three)')
    .option('--json', 'print the sections as one JSON object, keyed by section, instead of tables')
    .action((what: string | undefined, opts: { json?: boolean }) => {
      if (what && !(what in LIST_SECTIONS)) throw new UserError(`cannot list '${what}'; choose adapters, workloads or profiles`);
      const chosen = (what ? [what] : Object.keys(LIST_SECTIONS)) as (keyof typeof LIST_SECTIONS)[];
      if (opts.json) process.stdout.write(`${JSON.stringify(Object.fromEntries(chosen.map((k) => [k, LIST_SECTIONS[k].data()])), null, 2)}\n`);
      else process.stdout.write(`${chosen.map((k) => LIST_SECTIONS[k].table()).join('\n\n')}\n`);
    });
  return program;
}

/** Run the CLI; user errors end in one line and exit code 2. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof UserError) {
      process.stderr.write(`dbmatrix: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
