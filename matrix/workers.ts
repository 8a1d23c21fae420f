import type { Knex } from 'knex';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { Adapter } from '../adapters/contract';
import type { LoopPlan, WorkerReport } from './worker-loop';
import { runWorker } from './worker-loop';
import type { ThreadMessage, ThreadWorkerData } from './worker-thread';
import type { Workload } from './workloads/contract';

/** Workers as async tasks on this event loop, sharing the cell's knex pool (server databases). */
export function startPooledWorkers(
  count: number,
  knex: Knex,
  adapter: Adapter,
  workload: Workload,
  data: Pick<ThreadWorkerData, 'profile' | 'state' | 'control' | 'plan'>,
): Promise<WorkerReport>[] {
  return Array.from({ length: count }, (_, workerId) => runWorker(knex, adapter, data.profile, workload, workerId, data.state, data.control, data.plan));
}

/** The worker entry, run through tsx so a thread can load the TypeScript sources (also under Jest). */
const THREAD_ENTRY = join(__dirname, 'worker-thread.ts');

/** One live thread and the cell it is working on. */
interface PooledThread {
  thread: Worker;
  pending?: { resolve(r: WorkerReport): void; reject(e: Error): void };
}

/**
 * Worker threads kept for a whole run, each opening its own connection per cell (SQLite: real contention
 * for the database lock). Threads are started on first need and reused, since starting one costs far more than a cell.
 */
export class ThreadPool {
  private readonly threads: PooledThread[] = [];

  private spawn(): PooledThread {
    const entry: PooledThread = { thread: new Worker(THREAD_ENTRY, { execArgv: ['--require', 'tsx/cjs'] }) };
    entry.thread.on('message', (m: ThreadMessage) => {
      const p = entry.pending;
      entry.pending = undefined;
      if (m.type === 'done') p?.resolve(m.report);
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

  /** Run one cell on `count` threads; one report per thread. */
  run(count: number, data: Omit<ThreadWorkerData, 'workerId'>): Promise<WorkerReport>[] {
    while (this.threads.length < count) this.spawn();
    return this.threads.slice(0, count).map(
      (entry, workerId) =>
        new Promise<WorkerReport>((resolve, reject) => {
          entry.pending = { resolve, reject };
          entry.thread.postMessage({ ...data, workerId } satisfies ThreadWorkerData);
        }),
    );
  }

  /** Stop every thread. */
  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((t) => t.thread.terminate()));
  }
}

export type { LoopPlan, WorkerReport };
