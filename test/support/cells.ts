import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Profile, ServerAddress } from '../../adapters/contract';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import { resolveProfiles, settingsOf } from '../../config/profiles';
import { newRunId } from '../../matrix/namespace';
import { type ProgressSink, silentProgress } from '../../matrix/progress';
import { MatrixRun } from '../../matrix/runner';
import { ThreadPool } from '../../matrix/workers';
import { paramsByWorkload } from '../../matrix/workloads/params';
import { loadWorkloads, type WorkloadRef } from '../../matrix/workloads/sources';
import type { CellResult } from '../../model/results-schema';
import { needsServer, urlVariable } from '../../servers/resolve';

/** Small-scale values so the whole suite runs in minutes on two cores: the target's profile values, and the workloads' parameters. */
export function smallScale(target: string): string[] {
  return [
    ...['workers=4', 'batchSize=50', 'transactionBatchSize=20'].map((kv) => `${target}.${kv}`),
    'read-point.readTableRows=2000',
    'read-range.readTableRows=2000',
    'read-range.rangeSize=50',
    'hot-row-update.hotRows=3',
  ];
}

/** The server global setup resolved for an adapter (SQLite: none). */
export function serverFor(adapter: AdapterName): ServerAddress | undefined {
  const url = process.env[urlVariable(adapter)];
  if (!needsServer(adapter)) return undefined;
  if (!url) throw new Error(`no ${adapter} server: global setup did not resolve one`);
  return { url, provider: (process.env[`DBMATRIX_${adapter.toUpperCase()}_PROVIDER`] as ServerAddress['provider']) ?? 'url' };
}

/** What a test asks to run. */
export interface CellRequest {
  /** Adapter whose default profile runs, unless `profile` names another. */
  adapter: AdapterName;
  /** Profile name. */
  profile?: string;
  /** Extra `--set` values, after the small-scale ones. */
  settings?: string[];
  /** Workloads: built-in names or workload files. */
  workloads: WorkloadRef[];
  /** Measured operations per cell. */
  ops?: number;
  /** Measure for this long instead of a number of operations, ms. */
  durationMs?: number;
  /** Unmeasured operations before measuring starts (8 by default). */
  warmupOps?: number;
  /** A server other than the suite's (a throwaway one for restarts). */
  server?: ServerAddress;
  /** Run id (random by default). */
  runId?: string;
  /** Directory for SQLite files (a fresh temporary one by default, removed afterwards). */
  sqliteDir?: string;
  /** Where progress goes (nowhere by default); a fault test watches it to strike once measuring has begun. */
  progress?: ProgressSink;
}

/** Worker threads shared by every run of a test file: starting them costs far more than a small cell. */
let sharedThreads: ThreadPool | undefined;

/** Stop the shared worker threads (afterAll of a test file). */
export async function closeSharedThreads(): Promise<void> {
  await sharedThreads?.close();
  sharedThreads = undefined;
}

/** Run cells through the real runner at small scale. */
export async function runCells(req: CellRequest): Promise<{ results: CellResult[]; profile: Profile; runId: string }> {
  const settings = [...smallScale(req.adapter), ...(req.settings ?? [])];
  const workloads = loadWorkloads(req.workloads);
  const [profile] = resolveProfiles({
    adapters: [req.adapter],
    profiles: req.profile ? [req.profile] : undefined,
    settings,
    workloads: workloads.map((w) => w.name),
  });
  const params = paramsByWorkload(workloads, settingsOf({ settings }));
  const runId = req.runId ?? newRunId();
  const sqliteDir = req.sqliteDir ?? mkdtempSync(join(tmpdir(), 'dbmatrix-test-'));
  const server = req.server ?? serverFor(req.adapter);
  const run = new MatrixRun({
    runId,
    profiles: [profile!],
    workloads: req.workloads,
    servers: server ? { [req.adapter]: [server] } : {},
    sqliteDir,
    ops: req.durationMs ? null : (req.ops ?? 100),
    durationMs: req.durationMs ?? null,
    warmupOps: req.warmupOps ?? 8,
    maxErrorRate: 0,
    repeats: 1,
    progress: req.progress ?? silentProgress,
    threads: (sharedThreads ??= new ThreadPool()),
    params,
  });
  try {
    return { results: await run.run(), profile: profile!, runId };
  } finally {
    if (!req.sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
  }
}

/** A knex instance on the adapter's test server with its default profile (server adapters only). */
export function directKnex(adapter: AdapterName): Knex {
  const a = adapterFor(adapter);
  return knexFactory(a.knexConfig(serverFor(adapter)!, a.defaultProfiles[0]!));
}

/** Tables whose name starts with a prefix, as each server lists them. */
export const LIST_TABLES: Record<Exclude<AdapterName, 'sqlite'>, (knex: Knex, prefix: string) => Promise<string[]>> = {
  postgres: async (knex, prefix) =>
    (await knex('pg_tables').select('tablename').where('tablename', 'like', `${prefix}%`)).map((r: { tablename: string }) => r.tablename),
  mysql: async (knex, prefix) =>
    (
      await knex('information_schema.tables').select({ name: 'table_name' }).whereRaw('table_schema = database()').andWhere('table_name', 'like', `${prefix}%`)
    ).map((r: { name: string }) => r.name),
};

/** A readable failure message for a cell that should have completed. */
export function explain(result: CellResult): string {
  return result.state === 'failed' ? result.reasons.join('; ') : result.state === 'skipped' ? result.reason : 'completed';
}
