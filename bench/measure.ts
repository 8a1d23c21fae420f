import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Profile, ServerAddress } from '../adapters/contract';
import type { AdapterName } from '../adapters/registry';
import { resolveProfiles } from '../config/profiles';
import type { DriverPath } from '../driver-paths/contract';
import { newRunId } from '../matrix/namespace';
import { silentProgress } from '../matrix/progress';
import { MatrixRun } from '../matrix/runner';
import type { ThreadPool } from '../matrix/workers';
import type { BenchWorkload } from './bare-loop';

/** What every measurement of one bench run shares. */
export interface BenchSetting {
  /** Measured operations per measurement of a write workload; reads, ten times as fast, take four times as many. */
  ops: number;
  /** Where SQLite files go. */
  sqliteDir: string;
  /** Threads reused by every harness run. */
  threads: ThreadPool;
}

/** Operations per measurement of a workload: enough for a read loop to leave its warm-up well behind. */
export function opsFor(setting: Pick<BenchSetting, 'ops'>, workload: BenchWorkload): number {
  return workload === 'read-point' ? setting.ops * 4 : setting.ops;
}

/** The adapter's default profile with the workers and driver path under test. */
export function benchProfile(adapter: AdapterName, workers: number, path: DriverPath): Profile {
  return resolveProfiles({ adapters: [adapter], settings: [`${adapter}.workers=${workers}`, `${adapter}.driverPath=${path}`] })[0]!;
}

/** Ops/s of the runner on one cell, warm-up excluded; the cell must complete with its data verified. */
export async function harness(profile: Profile, server: ServerAddress | undefined, workload: BenchWorkload, setting: BenchSetting): Promise<number> {
  const run = new MatrixRun({
    runId: newRunId(),
    profiles: [profile],
    workloads: [workload],
    servers: server ? { [profile.adapter]: [server] } : {},
    sqliteDir: setting.sqliteDir,
    ops: opsFor(setting, workload),
    durationMs: null,
    warmupOps: 200,
    maxErrorRate: 0,
    repeats: 1,
    progress: silentProgress,
    threads: setting.threads,
    // The workloads' own defaults (a table of 10,000 rows for read-point), as the native clients get.
    params: {},
  });
  const [r] = await run.run();
  if (!r || r.state !== 'completed')
    throw new Error(`harness cell ${profile.name} × ${workload} did not complete: ${r && r.state === 'failed' ? r.reasons.join('; ') : r?.state}`);
  return r.figures.opsPerSec;
}

/** The bare loop inside a worker thread loaded as the harness loads its threads. */
export function bareInThread(profile: Profile, server: ServerAddress, workload: BenchWorkload, path: DriverPath, ops: number): Promise<number> {
  const thread = new Worker(join(__dirname, 'bare-thread.ts'), {
    execArgv: ['--require', 'tsx/cjs'],
    workerData: { profile, server, workload, path, runId: newRunId(), ops },
  });
  return new Promise<number>((resolve, reject) => {
    thread.once('message', (m: { opsPerSec?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.opsPerSec!)));
    thread.once('error', reject);
  }).finally(() => thread.terminate());
}

/**
 * Run each measurement `rounds` times, alternating the order every round so a machine warming up or cooling down
 * favours none of them; returns every measurement's figures.
 */
export async function alternating<K extends string>(
  rounds: number,
  steps: Record<K, () => Promise<number>>,
  log: (round: number, last: Record<K, number>) => void,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(steps) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const k of round % 2 === 0 ? keys : [...keys].reverse()) out[k].push(await steps[k]());
    log(round, Object.fromEntries(keys.map((k) => [k, out[k].at(-1)!])) as Record<K, number>);
  }
  return out;
}
