import knexFactory from 'knex';
import { parentPort } from 'node:worker_threads';
import type { Profile, ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { type LoopPlan, runWorker } from './worker-loop';
import { type WorkloadName, workloadFor } from './workloads/registry';

/** What the runner sends a worker thread for one cell. */
export interface ThreadWorkerData {
  /** Adapter to connect with. */
  adapter: AdapterName;
  /** Profile in force. */
  profile: Profile;
  /** Where the database lives. */
  server: ServerAddress;
  /** Workload to run. */
  workload: WorkloadName;
  /** The workload's setup state. */
  state: unknown;
  /** This worker's number. */
  workerId: number;
  /** The shared control block. */
  control: Int32Array;
  /** Operation quotas. */
  plan: LoopPlan;
}

/** Messages a worker thread sends back. */
export type ThreadMessage = { type: 'done'; report: import('./worker-loop').WorkerReport } | { type: 'error'; message: string };

/** One worker for one cell, with its own connection, so SQLite writers really contend for the file lock. */
async function runCell(data: ThreadWorkerData): Promise<ThreadMessage> {
  const adapter = adapterFor(data.adapter);
  const knex = knexFactory(adapter.knexConfig(data.server, data.profile));
  try {
    const report = await runWorker(knex, adapter, data.profile, workloadFor(data.workload), data.workerId, data.state, data.control, data.plan);
    return { type: 'done', report };
  } catch (err) {
    return { type: 'error', message: err instanceof Error ? err.message : String(err) };
  } finally {
    // Closed before answering, so the runner's verify never races a connection still open.
    await knex.destroy();
  }
}

// The thread lives for the whole run and takes one cell at a time: starting threads costs seconds, cells do not.
parentPort!.on('message', (data: ThreadWorkerData) => {
  void runCell(data).then((m) => parentPort!.postMessage(m));
});
