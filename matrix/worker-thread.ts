import { parentPort } from 'node:worker_threads';
import knexFactory from 'knex';
import type { ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { countClientLockWaits, countKnexStatements } from './statement-count';
import { type CellWork, runWorker } from './worker-loop';
import { loadWorkload, type WorkloadRef } from './workloads/sources';

/** What the runner sends a worker thread for one cell: what all its workers share, and where and what to run. */
export interface ThreadWorkerData extends CellWork {
  /** Adapter to connect with. */
  adapter: AdapterName;
  /** Where the database lives. */
  server: ServerAddress;
  /** Workload to run: a built-in name or a workload file, loaded in this thread. */
  workload: WorkloadRef;
  /** The workers this thread runs, sharing its own knex pool: one on SQLite, a share of the cell's on a server. */
  workerIds: number[];
}

/** Messages a worker thread sends back. */
export type ThreadMessage = { type: 'done'; reports: import('./worker-loop').WorkerReport[] } | { type: 'error'; message: string };

/** This thread's workers for one cell, on a knex of its own: SQLite writers really contend for the file lock, server workers get an event loop of their own. */
async function runThreadWorkers(data: ThreadWorkerData): Promise<ThreadMessage> {
  const adapter = adapterFor(data.adapter);
  const knex = knexFactory(adapter.knexConfig(data.server, data.profile));
  countKnexStatements(knex, data.control);
  countClientLockWaits(adapter, data.control);
  try {
    const workload = loadWorkload(data.workload);
    const reports = await Promise.all(data.workerIds.map((id) => runWorker(knex, adapter, workload, data, id, data.workerIds.length)));
    return { type: 'done', reports };
  } catch (err) {
    return { type: 'error', message: err instanceof Error ? err.message : String(err) };
  } finally {
    // Closed before answering, so the runner's verify never races a connection still open.
    await knex.destroy();
  }
}

// The thread lives for the whole run and takes one cell at a time: starting threads costs seconds, cells do not.
parentPort!.on('message', (data: ThreadWorkerData) => {
  void runThreadWorkers(data).then((m) => parentPort!.postMessage(m));
});
