import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Profile, ServerAddress } from '../adapters/contract';
import { type AdapterName, DEFAULT_ADAPTER } from '../adapters/registry';
import { type ConfigFile, resolveProfiles, settingsOf } from '../config/profiles';
import { CONFORMANCE_CASES } from '../conformance/registry';
import { runConformance } from '../conformance/run';
import { describeEnvironment } from '../model/environment';
import { type ConformanceAnswers, RESULTS_SCHEMA_VERSION, type RunLength, type RunResults } from '../model/results-schema';
import { UserError } from '../model/user-error';
import { needsServer, resolveServers, type ServerChoices } from '../servers/resolve';
import { CeilingRounds } from './ceiling';
import type { ProgressSink } from './progress';
import { MatrixRun } from './runner';
import { paramsByWorkload } from './workloads/params';
import { WORKLOAD_NAMES } from './workloads/registry';
import { loadWorkloads, type WorkloadRef } from './workloads/sources';

/** A run as the CLI (or a test) asks for it: how it is bounded, as results.json records it, and what to run where. */
export interface RunRequest extends RunLength {
  /** Adapters whose default profile runs when no profile is named. */
  adapters: AdapterName[];
  /** Named profiles; when given, they decide the adapters. */
  profiles?: string[];
  /** Workloads to run: built-in names or workload files (absolute paths). */
  workloads: WorkloadRef[];
  /** `--set` overrides. */
  settings: string[];
  /** Parsed config file. */
  config?: ConfigFile;
  /** Server URLs given on the command line, one or several per adapter; they win over the config file's. */
  urls: ServerChoices;
  /** Container images given on the command line, one or several per adapter; they win over the config file's. */
  images?: ServerChoices;
  /** Run id. */
  runId: string;
  /** Directory results.json goes to; created when the run ends. */
  outDir: string;
  /** Progress sink. */
  progress: ProgressSink;
  /** Lines for the user (stderr in the CLI). */
  log: (line: string) => void;
  /** Also put the conformance cases to each adapter's database, with the run's first profile of that adapter. */
  conformance?: boolean;
  /** Run the server's own benchmark client (pgbench, sysbench) on each cell's statement, in turns with its repeats, for the share of its rate that comes through. */
  ceiling?: boolean;
  /** Called once the run exists, so a signal handler can abort it. */
  onStarted?: (run: MatrixRun) => void;
}

/** The bounds a caller may choose; anything left out comes from the config file, then the defaults. */
type ChosenLength = { [Key in 'ops' | 'durationMs' | 'warmupOps' | 'maxErrorRate' | 'rate' | 'repeats']?: NonNullable<RunLength[Key]> };

/** What a caller chose itself (flags, or run()'s options): adapters, profiles, workloads and bounds. */
export interface RunChoices extends ChosenLength {
  /** Adapters to run with their default profile. */
  adapters?: AdapterName[];
  /** Profiles to run by name. */
  profiles?: string[];
  /** Workloads, already checked. */
  workloads?: WorkloadRef[];
}

type ChosenRun = Pick<RunRequest, 'adapters' | 'profiles' | 'workloads' | 'ops' | 'durationMs' | 'warmupOps' | 'maxErrorRate' | 'rate' | 'repeats'>;

/** A cell is measured by operations or for a time: both given is a user error, named with the surface's own spellings. */
export function checkOneLength(given: { ops?: unknown; duration?: unknown }, names: readonly [ops: string, duration: string]): void {
  if (given.ops !== undefined && given.duration !== undefined) throw new UserError(`give ${names[0]} or ${names[1]}, not both`);
}

/**
 * The caller's choices, then the config file's, then the defaults: the one precedence `dbmatrix run` and run() share.
 * A run length chosen by the caller replaces the config's whichever kind it is; adapters chosen without profiles
 * set aside the config's profiles.
 */
export function chooseRun(choices: RunChoices, config: ConfigFile | undefined): ChosenRun {
  const callerLength = choices.ops !== undefined || choices.durationMs !== undefined;
  const durationMs = (callerLength ? choices.durationMs : config?.duration) ?? null;
  const ops = durationMs !== null ? null : ((callerLength ? choices.ops : config?.ops) ?? 1000);
  const rate = choices.rate ?? config?.rate ?? null;
  if (rate !== null && durationMs !== null && (rate * durationMs) / 1000 >= 2 ** 31) {
    throw new UserError('rate × duration asks for more than 2^31 operations per cell; lower one of them');
  }
  return {
    adapters: choices.adapters ?? (config?.adapters as AdapterName[] | undefined) ?? [DEFAULT_ADAPTER],
    profiles: choices.profiles ?? (choices.adapters ? undefined : config?.runProfiles),
    workloads: choices.workloads ?? config?.workloads ?? WORKLOAD_NAMES,
    ops,
    durationMs,
    warmupOps: choices.warmupOps ?? config?.warmup ?? null,
    maxErrorRate: choices.maxErrorRate ?? config?.maxErrorRate ?? 0,
    rate,
    repeats: choices.repeats ?? config?.repeat ?? 1,
  };
}

/** Resolve profiles and servers, run the matrix, write results.json; leaves no tables, files or containers behind. */
export async function runMatrix(request: RunRequest): Promise<{ results: RunResults; file: string }> {
  // A bad workload file, profile value or workload parameter ends the run here, before any server or container is started.
  const workloads = loadWorkloads(request.workloads);
  const profiles = resolveProfiles({
    adapters: request.adapters,
    profiles: request.profiles,
    settings: request.settings,
    config: request.config,
    workloads: workloads.map((w) => w.name),
  });
  const params = paramsByWorkload(workloads, settingsOf(request));
  const adapters = [...new Set(profiles.map((p) => p.adapter as AdapterName))];
  if (request.segment) checkSegmentable(adapters, request);
  const startedAt = new Date().toISOString();
  const resolved = await resolveServers(adapters, {
    urls: request.urls,
    images: request.images,
    config: { servers: request.config?.servers, images: request.config?.images },
    log: request.log,
  });
  if (request.segment && Object.values(resolved.servers).some((list) => (list?.length ?? 0) > 1)) {
    await resolved.release();
    throw new UserError('--segment runs against one server: every segment meets the others on it; give one URL or image');
  }
  const sqliteDir = mkdtempSync(join(tmpdir(), `dbmatrix-${request.runId}-`));
  try {
    const run = new MatrixRun({
      runId: request.runId,
      profiles,
      workloads: request.workloads,
      servers: resolved.servers,
      sqliteDir,
      ops: request.ops,
      durationMs: request.durationMs,
      warmupOps: request.warmupOps,
      maxErrorRate: request.maxErrorRate,
      rate: request.rate ?? null,
      repeats: request.repeats,
      shard: request.shard,
      ...(request.segment ? { segment: request.segment } : {}),
      progress: request.progress,
      params,
      ...(request.ceiling ? { ceiling: new CeilingRounds(request.log, params) } : {}),
    });
    request.onStarted?.(run);
    const cells = await run.run();
    const conformance = request.conformance && !run.interrupted ? await askEveryDatabase(profiles, resolved.servers, sqliteDir, request) : undefined;
    const results: RunResults = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      runId: request.runId,
      startedAt,
      finishedAt: new Date().toISOString(),
      environment: describeEnvironment(),
      options: {
        repeats: request.repeats,
        ops: request.ops,
        durationMs: request.durationMs,
        warmupOps: request.warmupOps,
        maxErrorRate: request.maxErrorRate,
        rate: request.rate ?? null,
        ...(request.shard ? { shard: request.shard } : {}),
        ...(request.segment ? { segment: request.segment } : {}),
      },
      profiles: profiles as unknown as Record<string, unknown>[],
      workloadParams: Object.fromEntries(Object.entries(params).filter(([, values]) => Object.keys(values).length > 0)),
      cells,
      ...(conformance ? { conformance } : {}),
      interrupted: run.interrupted,
    };
    mkdirSync(request.outDir, { recursive: true });
    const file = join(request.outDir, 'results.json');
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    return { results, file };
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
    await resolved.release();
  }
}

/** Segments meet in the database under test: one server adapter, one server, no native ceiling beside them. */
function checkSegmentable(adapters: AdapterName[], request: RunRequest): void {
  const files = adapters.filter((a) => !needsServer(a));
  if (files.length) throw new UserError(`--segment splits a cell's load over processes meeting on a server; ${files.join(', ')} has none: leave it out`);
  if (adapters.length > 1) throw new UserError(`--segment runs one server adapter at a time; run ${adapters.join(' and ')} as separate segmented runs`);
  if (request.ceiling) throw new UserError('--segment and --ceiling do not go together: the native client would run beside a share of the load');
}

/** The conformance matrix: each database (each server of each adapter) answers every case, under the first of the run's profiles for its adapter. */
async function askEveryDatabase(
  profiles: Profile[],
  servers: Partial<Record<AdapterName, ServerAddress[]>>,
  sqliteDir: string,
  request: RunRequest,
): Promise<ConformanceAnswers[]> {
  const out: ConformanceAnswers[] = [];
  for (const adapter of [...new Set(profiles.map((p) => p.adapter as AdapterName))]) {
    const profile = profiles.find((p) => p.adapter === adapter)!;
    for (const server of servers[adapter] ?? [{ url: join(sqliteDir, 'conformance.db'), provider: 'file' as const }]) {
      const on = server.label ? `${adapter} @ ${server.label}` : adapter;
      request.log(`conformance: ${CONFORMANCE_CASES.length} cases on ${on} (${profile.name})`);
      out.push({
        adapter,
        profile: profile.name,
        ...(server.label ? { serverLabel: server.label } : {}),
        ...(await runConformance(profile, server, request.runId)),
      });
    }
  }
  return out;
}
