import { defineInsertWorkload } from './keyed-rows';

/** One writer, multi-row INSERTs of batchSize rows, chunked to the adapter's statement limits. */
export const insertBulk = defineInsertWorkload({
  name: 'insert-bulk',
  measures: "one writer, batchSize rows per multi-row INSERT (chunked to the adapter's row and bind-parameter limits)",
  verifies: 'every row of every acknowledged batch present exactly once; rows of failed batches absent',
  concurrency: 'single',
  tableSuffix: 'bulk',
  sizedBy: 'batchSize',
  write: (ctx, inserts, rows) => inserts.atomically(ctx.statements, rows),
});
