import type { Profile } from '../../adapters/contract';
import type { AdapterName } from '../../adapters/registry';
import { type WorkloadName, workloadFor } from '../workloads/registry';

/** One profile value tune varies. */
export interface Axis {
  /** Profile key as `--set` takes it after the target (workers, pool.max, journal_mode …). */
  key: string;
  /** Values to try, the adapter default among them. */
  values: (string | number)[];
  /** Values that trade safety for speed: measured and reported, but adopted only when the user allows it. */
  risky?: { values: (string | number)[]; why: string };
  /** Which workloads the value can matter to. */
  appliesTo: 'all' | 'concurrent' | 'batchSize' | 'transactionBatchSize' | 'writes';
}

/** The grid per adapter: the settings the seed analysis and each database's documentation name as the ones that matter. */
export const AXES: Record<AdapterName, Axis[]> = {
  sqlite: [
    { key: 'journal_mode', values: ['WAL', 'DELETE'], appliesTo: 'all' },
    {
      key: 'synchronous',
      values: ['NORMAL', 'FULL', 'OFF'],
      risky: { values: ['OFF'], why: 'gives up durability: a crash can lose or corrupt the last commits' },
      appliesTo: 'writes',
    },
    // Without contention in the sample, busy_timeout=0 looks free; under contention every blocked writer fails at once.
    {
      key: 'busy_timeout',
      values: [5000, 0],
      risky: { values: [0], why: 'makes every contended write fail at once instead of waiting' },
      appliesTo: 'concurrent',
    },
    { key: 'workers', values: [8, 2, 4, 16], appliesTo: 'concurrent' },
    { key: 'transactionBatchSize', values: [100, 20, 500], appliesTo: 'transactionBatchSize' },
    { key: 'batchSize', values: [500, 100, 2000], appliesTo: 'batchSize' },
  ],
  postgres: [
    { key: 'workers', values: [16, 4, 8, 32], appliesTo: 'concurrent' },
    { key: 'pool.max', values: [16, 4, 8, 32], appliesTo: 'concurrent' },
    {
      key: 'synchronous_commit',
      values: ['on', 'off'],
      risky: { values: ['off'], why: 'gives up durability: a crash can lose the last commits' },
      appliesTo: 'writes',
    },
    { key: 'transactionBatchSize', values: [100, 20, 500], appliesTo: 'transactionBatchSize' },
    { key: 'batchSize', values: [500, 100, 2000], appliesTo: 'batchSize' },
  ],
  mysql: [
    { key: 'workers', values: [16, 4, 8, 32], appliesTo: 'concurrent' },
    { key: 'pool.max', values: [16, 4, 8, 32], appliesTo: 'concurrent' },
    { key: 'isolation', values: ['REPEATABLE READ', 'READ COMMITTED'], appliesTo: 'all' },
    { key: 'transactionBatchSize', values: [100, 20, 500], appliesTo: 'transactionBatchSize' },
    { key: 'batchSize', values: [500, 100, 2000], appliesTo: 'batchSize' },
  ],
};

/** The axes that can change a workload's figures: workers mean nothing to a one-worker workload, batch sizes only to batched ones. */
export function axesFor(adapter: AdapterName, workload: WorkloadName): Axis[] {
  const w = workloadFor(workload);
  return AXES[adapter].filter((a) => {
    switch (a.appliesTo) {
      case 'all':
        return true;
      case 'concurrent':
        return w.concurrency === 'profile';
      case 'writes':
        return w.writes !== 'none';
      default:
        return w.sizedBy === a.appliesTo;
    }
  });
}

/** Where a `--set` key lives in a profile (workers; pool.max; a session key) and its value there. */
export function profileValue(profile: Profile, key: string): { path: string[]; value: unknown } {
  const p = profile as unknown as Record<string, unknown>;
  const [group, sub] = key.split('.', 2);
  if (sub) return { path: [group!, sub], value: (p[group!] as Record<string, unknown> | undefined)?.[sub] };
  if (key in p) return { path: [key], value: p[key] };
  return { path: ['session', key], value: profile.session[key] };
}
