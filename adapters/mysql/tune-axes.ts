import type { TuneAxis } from '../contract';

/** The values tune varies on MySQL: the settings the seed analysis and the documentation name as the ones that matter. */
export const mysqlTuneAxes: TuneAxis[] = [
  { key: 'workers', values: [16, 4, 8, 32], appliesTo: 'concurrent' },
  { key: 'pool.max', values: [16, 4, 8, 32], appliesTo: 'concurrent' },
  { key: 'isolation', values: ['REPEATABLE READ', 'READ COMMITTED'], appliesTo: 'all' },
  { key: 'transactionBatchSize', values: [100, 20, 500], appliesTo: 'transactionBatchSize' },
  { key: 'batchSize', values: [500, 100, 2000], appliesTo: 'batchSize' },
];
