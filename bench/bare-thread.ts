// Runs one bare loop inside a worker thread, as the harness runs SQLite, so thread cost and harness cost can be told apart.
import { parentPort, workerData } from 'node:worker_threads';
import type { Profile, ServerAddress } from '../adapters/contract';
import type { DriverPath } from '../driver-paths/contract';
import { type BenchWorkload, bare } from './bare-loop';

/** What the main thread sends. */
interface BareThreadJob {
  profile: Profile;
  server: ServerAddress;
  workload: BenchWorkload;
  path: DriverPath;
  runId: string;
  ops: number;
}

const job = workerData as BareThreadJob;
bare(job.profile, job.server, job.workload, job.path, job.runId, job.ops).then(
  (opsPerSec) => parentPort!.postMessage({ opsPerSec }),
  (err: unknown) => parentPort!.postMessage({ error: String(err) }),
);
