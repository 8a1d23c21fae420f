import type { TuneAxis } from '../contract';

/** The values tune varies on PostgreSQL: the settings the seed analysis and the documentation name as the ones that matter. */
export const postgresTuneAxes: TuneAxis[] = [
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
];
