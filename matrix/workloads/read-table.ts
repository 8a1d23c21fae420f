import type { Knex } from 'knex';
import { type CellContext, emptyVerification, finishVerification, type Verification, z } from './define';
import { insertChunked, payloadFor } from './keyed-rows';

/** The parameters of a workload that reads a loaded table. */
export const readTableParams = z.object({
  /** Rows loaded before the reads start (the load is not measured). */
  readTableRows: z.number().int().min(1).max(10_000_000).default(10_000),
});
/** What readTableParams holds. */
export type ReadTableParams = z.infer<typeof readTableParams>;

/** A loaded, read-only table: ids 1..rows with a payload derived from the id. */
export interface ReadTableState {
  /** Table name. */
  table: string;
  /** Row count. */
  rows: number;
}

/** What a reader records: how many reads, and how many returned something other than the loaded data. */
export interface ReadLedger {
  /** Reads performed. */
  reads: number;
  /** Reads whose rows differed from the loaded data. */
  mismatches: number;
}

/** Create and load the read table (the load phase, not measured). */
export async function loadReadTable(ctx: CellContext<ReadTableParams>, suffix: string): Promise<ReadTableState> {
  const table = ctx.table(suffix);
  await ctx.createTable(table, (t) => {
    t.integer('id').primary();
    t.string('payload', 128).notNullable();
  });
  const rows = ctx.params.readTableRows;
  const chunk = 10_000;
  for (let start = 1; start <= rows; start += chunk) {
    const batch: { id: number; payload: string }[] = [];
    for (let id = start; id < Math.min(start + chunk, rows + 1); id++) batch.push({ id, payload: payloadFor(0, id) });
    await ctx.knex.transaction((trx) => insertChunked(trx, ctx.adapter, table, batch));
  }
  return { table, rows };
}

/** Whether rows read back are exactly ids from..from+count-1 with their payloads. */
export function rowsMatch(rows: { id: number | string; payload: string }[], from: number, count: number): boolean {
  if (rows.length !== count) return false;
  return rows.every((r, i) => Number(r.id) === from + i && r.payload === payloadFor(0, from + i));
}

/** The table still holds exactly the loaded rows, and no read saw anything else. */
export async function verifyReadTable(knex: Knex, state: ReadTableState, ledgers: ReadLedger[]): Promise<Verification> {
  const v = emptyVerification();
  const rows = (await knex(state.table).select('id', 'payload').orderBy('id')) as { id: number; payload: string }[];
  v.acknowledged = state.rows;
  v.lost = Math.max(0, state.rows - rows.length);
  v.phantom = Math.max(0, rows.length - state.rows);
  v.mismatched = rows.filter((r, i) => Number(r.id) !== i + 1 || r.payload !== payloadFor(0, i + 1)).length;
  const badReads = ledgers.reduce((n, l) => n + l.mismatches, 0);
  if (badReads) v.problems.push(`${badReads} reads returned rows other than the loaded data`);
  v.mismatched += badReads;
  return finishVerification(v, 'rows');
}
