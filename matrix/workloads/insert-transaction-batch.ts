import { defineInsertWorkload, keyedParams } from './keyed-rows';

/** One writer, single-row INSERTs committed transactionBatchSize at a time: one commit per batch. */
export const insertTransactionBatch = defineInsertWorkload({
  name: 'insert-transaction-batch',
  measures: 'one writer, transactionBatchSize single-row INSERTs per transaction (one commit per batch)',
  verifies: 'every row of every committed transaction present exactly once; rows of failed transactions absent',
  concurrency: 'single',
  tableSuffix: 'txb',
  sizedBy: 'transactionBatchSize',
  write: (ctx, inserts, rows) =>
    ctx.statements.transaction(async (tx) => {
      for (const row of rows) await tx.run(inserts.rows(1), keyedParams([row]));
    }),
});
