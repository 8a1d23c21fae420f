import { defineInsertWorkload, keyedParams } from './keyed-rows';

/** One writer, one row per autocommit INSERT: the cost of a commit per row. */
export const insertSequential = defineInsertWorkload({
  name: 'insert-sequential',
  measures: 'one writer, one row per autocommit INSERT (a commit per row, synced to disk where commits are durable)',
  verifies: 'every acknowledged row present exactly once with its payload; no other rows',
  concurrency: 'single',
  tableSuffix: 'seq',
  write: (ctx, inserts, rows) => ctx.statements.run(inserts.rows(1), keyedParams(rows)),
});
