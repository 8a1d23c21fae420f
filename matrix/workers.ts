import { Worker } from 'node:worker_threads';
import type { Knex } from 'knex';
import type { Adapter, Profile } from '../adapters/contract';
import { threadEntry } from './thread-entry';
import type { CellWork, LoopPlan, WorkerReport } from './worker-loop';
import { runWorker } from './worker-loop';
import type { ThreadMessage, ThreadWorkerData } from './worker-thread';
import type { Workload } from './workloads/contract';

/** Workers as async tasks on this event loop, sharing the cell's knex pool (server databases). */
export function startPooledWorkers(count: number, knex: Knex, adapter: Adapter, workload: Workload, cell: CellWork): Promise<WorkerReport>[] {
  return Array.from({ length: count }, (_, workerId) => runWorker(knex, adapter, workload, cell, workerId, count));
}

/**
 * Worker ids split over `threads` event loops, round robin, so backpressure (which holds back the highest ids) thins
 * every thread evenly.
 */
export function spreadWorkers(workers: number, threads: number): number[][] {
  const groups: number[][] = Array.from({ length: Math.min(workers, threads) }, () => []);
  for (let id = 0; id < workers; id++) groups[id % groups.length]!.push(id);
  return groups;
}

/** A profile for one of `threads` threads: the cell's connections shared out, so the server sees the pool the profile asked for. */
export function profileForThread(profile: Profile, threads: number): Profile {
  const max = Math.max(1, Math.ceil(profile.pool.max / threads));
  return { ...profile, pool: { ...profile.pool, max, min: Math.min(profile.pool.min, max) } };
}

/** One live thread and the cell it is working on. */
interface PooledThread {
  thread: Worker;
  pending?: { resolve(r: WorkerReport[]): void; reject(e: Error): void };
}

/**
 * Worker threads kept for a whole run, each opening its own connection per cell (SQLite: real contention
 * for the database lock). Threads are started on first need and reused, since starting one costs far more than a cell.
 */
export class ThreadPool {
  private readonly threads: PooledThread[] = [];

  private spawn(): PooledThread {
    const { file, execArgv } = threadEntry();
    const entry: PooledThread = { thread: new Worker(file, { execArgv }) };
    entry.thread.on('message', (m: ThreadMessage) => {
      const p = entry.pending;
      entry.pending = undefined;
      if (m.type === 'done') p?.resolve(m.reports);
      else p?.reject(new Error(`worker thread failed: ${m.message}`));
    });
    const lost = (why: string) => {
      this.threads.splice(this.threads.indexOf(entry), 1);
      entry.pending?.reject(new Error(`worker thread stopped: ${why}`));
      entry.pending = undefined;
    };
    entry.thread.on('error', (err) => lost(err.message));
    entry.thread.on('exit', (code) => lost(`exit code ${code}`));
    this.threads.push(entry);
    return entry;
  }

  /** Run one cell on one thread per group of worker ids; one report per worker, per thread. */
  run(groups: number[][], data: Omit<ThreadWorkerData, 'workerIds'>): Promise<WorkerReport[]>[] {
    while (this.threads.length < groups.length) this.spawn();
    return this.threads.slice(0, groups.length).map(
      (entry, i) =>
        new Promise<WorkerReport[]>((resolve, reject) => {
          entry.pending = { resolve, reject };
          entry.thread.postMessage({ ...data, workerIds: groups[i]! } satisfies ThreadWorkerData);
        }),
    );
  }

  /** Stop every thread. */
  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((t) => t.thread.terminate()));
  }
}

export type { LoopPlan, WorkerReport };
