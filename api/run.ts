import { resolve } from 'node:path';
import type { AdapterName } from '../adapters/registry';
import { type ConfigFile, checkConfig, type DbmatrixConfig, DURATION_EXAMPLES, durationMs, loadConfigFile } from '../config/config-file';
import { parseAdapterList } from '../config/profiles';
import { checkRunId, defaultRunDir, newRunId } from '../matrix/namespace';
import { type ProgressSink, silentProgress } from '../matrix/progress';
import { checkOneLength, chooseRun, runMatrix } from '../matrix/run-matrix';
import { workloadRef } from '../matrix/workloads/sources';
import type { RunResults } from '../model/results-schema';
import { UserError } from '../model/user-error';
import type { ServerChoices } from '../servers/resolve';

/** A matrix run asked for from code: the same choices as `dbmatrix run`, the same defaults, the same checks. */
export interface RunOptions {
  /** Adapters to run with their default profile (default: the config's, else sqlite). */
  adapters?: AdapterName[];
  /** Profiles to run by name, built-in or defined in the config; when given, they decide the adapters. */
  profiles?: string[];
  /** Workloads: built-in names, or workload files (.ts, .js, .yaml) relative to the working directory. */
  workloads?: string[];
  /** Overrides as `--set` takes them, e.g. 'postgres.workers=16'. */
  settings?: string[];
  /** A config file's path, or the config itself (workload files in it relative to the working directory). */
  config?: string | DbmatrixConfig;
  /** Measured operations per cell (default 1000). */
  ops?: number;
  /** Measured time per cell instead, e.g. '30s', '2m', or a number of seconds as everywhere else. */
  duration?: string | number;
  /** Warm-up operations per cell (default a tenth of ops). */
  warmup?: number;
  /** Times each cell runs (default 1). */
  repeat?: number;
  /** Open loop at this many operations per second per cell; closed loop when absent. */
  rate?: number;
  /** Share of failed operations a cell may have and still pass (default 0). */
  maxErrorRate?: number;
  /** Server URLs by adapter, one or a list to measure side by side (else DBMATRIX_<ADAPTER>_URL, else Testcontainers). */
  servers?: ServerChoices;
  /** Container images by adapter, one or a list, for Testcontainers. */
  images?: ServerChoices;
  /** Directory for results.json (default dbmatrix-runs/<time>-<run id> under the working directory). */
  outDir?: string;
  /** Run id used in table names (default random). */
  runId?: string;
  /** Where progress goes (default nowhere). */
  progress?: ProgressSink;
  /** Lines for a person: servers started, conformance asked (default nowhere). */
  log?: (line: string) => void;
  /** Run the server's own benchmark client (pgbench, sysbench) on each cell's statement, in turns with its repeats: figures.ceiling (default off). */
  ceiling?: boolean;
}

/**
 * Run adapters × profiles × workloads and return the results, as `dbmatrix run` does; results.json is written too.
 * Bad input throws a UserError whose message is one line naming the problem.
 */
export async function run(options: RunOptions = {}): Promise<{ results: RunResults; file: string }> {
  const config: ConfigFile | undefined =
    options.config === undefined
      ? undefined
      : typeof options.config === 'string'
        ? loadConfigFile(options.config)
        : checkConfig(options.config, 'config', process.cwd());
  checkOneLength(options, ['ops', 'duration']);
  const duration = options.duration === undefined ? undefined : durationMs(options.duration);
  if (duration === null) throw new UserError(`duration '${options.duration}' is not a duration of at least 100 ms such as ${DURATION_EXAMPLES}`);
  if (options.ops !== undefined && !(Number.isInteger(options.ops) && options.ops > 0))
    throw new UserError(`ops must be a positive whole number, not ${options.ops}`);
  const runId = options.runId ? checkRunId(options.runId) : newRunId();
  const chosen = chooseRun(
    {
      adapters: options.adapters ? parseAdapterList(options.adapters.join(',')) : undefined,
      profiles: options.profiles,
      workloads: options.workloads?.map((w) => workloadRef(w)),
      ops: options.ops,
      durationMs: duration,
      warmupOps: options.warmup,
      maxErrorRate: options.maxErrorRate,
      rate: options.rate,
      repeats: options.repeat,
    },
    config,
  );
  return runMatrix({
    ...chosen,
    settings: options.settings ?? [],
    config,
    urls: options.servers ?? {},
    images: options.images ?? {},
    runId,
    outDir: resolve(options.outDir ?? defaultRunDir(runId)),
    progress: options.progress ?? silentProgress,
    log: options.log ?? (() => {}),
    ceiling: options.ceiling,
  });
}
