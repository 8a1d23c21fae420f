import type { TuneAxis } from '../contract';

/** The values tune varies on SQLite: the settings the seed analysis and the documentation name as the ones that matter. */
export const sqliteTuneAxes: TuneAxis[] = [
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
];
