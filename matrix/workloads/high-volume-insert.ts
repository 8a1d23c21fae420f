import { defineInsertWorkload } from './keyed-rows';

/** `workers` concurrent writers, each committing batchSize rows per transaction into one table. */
export const highVolumeInsert = defineInsertWorkload({
  name: 'high-volume-insert',
  measures: 'workers concurrent writers, batchSize rows per transaction, all into one table (write-lock contention)',
  verifies: "every row of every writer's committed batches present exactly once; rows of failed batches absent",
  concurrency: 'profile',
  tableSuffix: 'hvi',
  sizedBy: 'batchSize',
  write: (ctx, inserts, rows) => ctx.statements.transaction((tx) => inserts.chunked(tx, rows)),
});
