import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Profile, ServerAddress } from '../adapters/contract';
import type { AdapterName } from '../adapters/registry';
import { CONFORMANCE_CASES } from '../conformance/registry';
import { runConformance } from '../conformance/run';
import { describeEnvironment } from '../reports/environment';
import { type ConformanceAnswers, RESULTS_SCHEMA_VERSION, type RunResults } from '../reports/results-schema';
import { resolveServers } from '../servers/resolve';
import { type ConfigFile, resolveProfiles } from './profiles';
import type { ProgressSink } from './progress';
import { MatrixRun } from './runner';
import type { Shard } from './shard';
import { type WorkloadRef, loadWorkloads } from './workloads/sources';

/** A run as the CLI (or a test) asks for it. */
export interface RunRequest {
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
  /** Measured operations per cell, or null with a duration. */
  ops: number | null;
  /** Measured duration per cell in ms, or null with an operation count. */
  durationMs: number | null;
  /** Warm-up operations per cell; null for the default. */
  warmupOps: number | null;
  /** Share of failed operations a cell may have and still pass. */
  maxErrorRate: number;
  /** Open loop at this many operations per second per cell, latency from each one's due time; absent or null: closed loop. */
  rate?: number | null;
  /** Times each cell runs (default 1). */
  repeats?: number;
  /** Server URLs given on the command line. */
  urls: Partial<Record<AdapterName, string>>;
  /** Container images given on the command line or in the config file. */
  images?: Partial<Record<AdapterName, string>>;
  /** Run id. */
  runId: string;
  /** Directory results.json goes to; created when the run ends. */
  outDir: string;
  /** Progress sink. */
  progress: ProgressSink;
  /** Lines for the user (stderr in the CLI). */
  log: (line: string) => void;
  /** Run only this shard of the cells. */
  shard?: Shard;
  /** Also put the conformance cases to each adapter's database, with the run's first profile of that adapter. */
  conformance?: boolean;
  /** Called once the run exists, so a signal handler can abort it. */
  onStarted?: (run: MatrixRun) => void;
}

/** Resolve profiles and servers, run the matrix, write results.json; leaves no tables, files or containers behind. */
export async function runMatrix(request: RunRequest): Promise<{ results: RunResults; file: string }> {
  // A bad workload file ends the run here, before any server or container is started.
  loadWorkloads(request.workloads);
  const profiles = resolveProfiles({ adapters: request.adapters, profiles: request.profiles, settings: request.settings, config: request.config });
  const adapters = [...new Set(profiles.map((p) => p.adapter as AdapterName))];
  const urls = { ...(request.config?.servers ?? {}), ...request.urls } as Partial<Record<AdapterName, string>>;
  const startedAt = new Date().toISOString();
  const resolved = await resolveServers(adapters, urls, process.env, request.log, {}, request.images);
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
      repeats: request.repeats ?? 1,
      shard: request.shard,
      progress: request.progress,
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
        repeats: request.repeats ?? 1,
        ops: request.ops,
        durationMs: request.durationMs,
        warmupOps: request.warmupOps,
        maxErrorRate: request.maxErrorRate,
        rate: request.rate ?? null,
        ...(request.shard ? { shard: request.shard } : {}),
      },
      profiles: profiles as unknown as Record<string, unknown>[],
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

/** The conformance matrix: each adapter's database answers every case, under the first of the run's profiles for it. */
async function askEveryDatabase(profiles: Profile[], servers: Partial<Record<AdapterName, ServerAddress>>, sqliteDir: string, request: RunRequest): Promise<ConformanceAnswers[]> {
  const out: ConformanceAnswers[] = [];
  for (const adapter of [...new Set(profiles.map((p) => p.adapter as AdapterName))]) {
    const profile = profiles.find((p) => p.adapter === adapter)!;
    const server = servers[adapter] ?? { url: join(sqliteDir, 'conformance.db'), provider: 'file' as const };
    request.log(`conformance: ${CONFORMANCE_CASES.length} cases on ${adapter} (${profile.name})`);
    out.push({ adapter, profile: profile.name, ...(await runConformance(profile, server, request.runId)) });
  }
  return out;
}
