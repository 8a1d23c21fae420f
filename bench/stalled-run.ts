import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory from 'knex';
import type { ServerAddress } from '../adapters/contract';
import { postgres } from '../adapters/postgres/adapter';
import { resolveProfiles, settingsOf } from '../config/profiles';
import { newRunId, tablePrefix } from '../matrix/namespace';
import type { ProgressSink } from '../matrix/progress';
import { MatrixRun } from '../matrix/runner';
import type { ThreadPool } from '../matrix/workers';
import { paramsByWorkload } from '../matrix/workloads/params';
import { type WorkloadName, workloadFor } from '../matrix/workloads/registry';
import type { CellResult } from '../model/results-schema';

/** One PostgreSQL cell measured while another client holds a lock on one of its tables for a while. */
export interface StalledRunRequest {
  /** The server. */
  server: ServerAddress;
  /** The workload (its operations must touch `lockTable`). */
  workload: WorkloadName;
  /** `--set` values for the postgres profile. */
  settings: string[];
  /** Measured time, ms. */
  durationMs: number;
  /** Open loop at this many operations per second; null: closed loop. */
  rate: number | null;
  /** The workload's table to lock, by its suffix (hot-row-update: 'hot'). */
  lockTable: string;
  /** When to take the lock, ms after the cell began measuring (seen within 200 ms, from its progress). */
  lockAfterMs: number;
  /** How long to hold it, ms. */
  holdMs: number;
  /** Threads to reuse (the caller closes them); the run starts its own otherwise. */
  threads?: ThreadPool;
}

/** What came of it. */
export interface StalledRun {
  /** The cell's result. */
  result: CellResult;
  /** How long the lock was really held, ms (0: the cell never measured long enough to take it). */
  heldMs: number;
}

/**
 * Run the cell and, from a second connection, `LOCK TABLE … IN EXCLUSIVE MODE` (writers wait, readers do not) once it
 * measures: a stall the database causes, as a long migration or a vacuum full would. The table is found by the run's id.
 */
export async function stalledRun(req: StalledRunRequest): Promise<StalledRun> {
  const runId = newRunId();
  const [profile] = resolveProfiles({ adapters: ['postgres'], settings: req.settings });
  const params = paramsByWorkload([workloadFor(req.workload)], settingsOf({ settings: req.settings }));
  let measuring: () => void = () => {};
  const measured = new Promise<void>((resolve) => (measuring = resolve));
  const progress: ProgressSink = { cellStarted() {}, update: (done) => done > 0 && measuring(), cellFinished: () => measuring() };
  const sqliteDir = mkdtempSync(join(tmpdir(), 'dbmatrix-stall-'));
  const run = new MatrixRun({
    runId,
    profiles: [profile!],
    workloads: [req.workload],
    servers: { postgres: [req.server] },
    sqliteDir,
    ops: null,
    durationMs: req.durationMs,
    warmupOps: 8,
    maxErrorRate: 0,
    repeats: 1,
    rate: req.rate,
    progress,
    threads: req.threads,
    params,
  });
  const locker = knexFactory(postgres.knexConfig(req.server, postgres.defaultProfiles[0]!));
  let done = false;
  const stall = (async () => {
    await measured;
    await sleep(req.lockAfterMs);
    if (done) return 0;
    return locker.transaction(async (tx) => {
      await tx.raw('LOCK TABLE ?? IN EXCLUSIVE MODE', [`${tablePrefix(runId)}${req.lockTable}`]);
      const locked = performance.now();
      await sleep(req.holdMs);
      return performance.now() - locked;
    });
  })();
  try {
    const [result] = await run.run();
    done = true;
    return { result: result!, heldMs: await stall };
  } finally {
    done = true;
    await stall.catch(() => 0);
    await locker.destroy();
    rmSync(sqliteDir, { recursive: true, force: true });
  }
}
