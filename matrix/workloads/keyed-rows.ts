import type { Knex } from 'knex';
import type { Adapter } from '../../adapters/contract';
import {
  type CellContext,
  defineWorkload,
  emptyVerification,
  finishVerification,
  isAmbiguous,
  type Statement,
  type StatementPath,
  type StatementRunner,
  statement,
  type Verification,
  type WorkerContext,
  type Workload,
} from './define';

/** A row every insert workload writes: (worker_id, seq) is its key in the ledger. */
export interface KeyedRow {
  /** Writer that produced the row. */
  worker_id: number;
  /** The writer's sequence number for the row. */
  seq: number;
  /** Deterministic text derived from the key, so verify can check content too. */
  payload: string;
  /** A counter that crud-mix updates. */
  value: number;
}

/** Ranges of sequence numbers as [start, count] pairs, merged when adjacent. */
export type SeqRanges = [number, number][];

/** One writer's record of its rows: which the database acknowledged and which failed. */
export interface InsertLedger {
  /** The writer. */
  workerId: number;
  /** Sequence numbers whose insert committed. */
  acknowledged: SeqRanges;
  /** Sequence numbers whose insert failed (rolled back: must be absent). */
  failed: SeqRanges;
  /** Sequence numbers whose insert outcome is unknown (connection lost): present at most once. */
  ambiguous: SeqRanges;
  /** Acknowledged sequence numbers an earlier attempt also wrote with its outcome unknown: present twice if that one committed. */
  retriedAfterUnknown?: SeqRanges;
}

/** Append a range, merging with the last one when contiguous. */
export function addRange(ranges: SeqRanges, start: number, count: number): void {
  const last = ranges[ranges.length - 1];
  if (last && last[0] + last[1] === start) last[1] += count;
  else ranges.push([start, count]);
}

/** Total length of some ranges. */
export function rangeTotal(ranges: SeqRanges): number {
  return ranges.reduce((n, [, c]) => n + c, 0);
}

/** The payload for a key; 64 characters so rows have a realistic width. */
export function payloadFor(workerId: number, seq: number): string {
  return `w${workerId}-s${seq}-`.padEnd(64, 'x');
}

/** A fresh row for a key. */
export function keyedRow(workerId: number, seq: number): KeyedRow {
  return { worker_id: workerId, seq, payload: payloadFor(workerId, seq), value: 0 };
}

/** Create the keyed table. The (worker_id, seq) index is deliberately not unique, so verify can see duplicates. */
export async function createKeyedTable(ctx: CellContext, name: string): Promise<void> {
  await ctx.createTable(name, (t) => {
    t.increments('id').primary();
    t.integer('worker_id').notNullable();
    t.integer('seq').notNullable();
    t.string('payload', 128).notNullable();
    t.integer('value').notNullable().defaultTo(0);
    t.index(['worker_id', 'seq'], `${name}_key`);
  });
}

/** Most rows one INSERT may carry on this adapter for rows of `columns` values. */
export function rowsPerStatement(adapter: Adapter, columns: number): number {
  const caps = adapter.capabilities;
  return Math.max(1, Math.min(caps.maxRowsPerInsert, Math.floor(caps.maxBindParams / columns)));
}

/** Load rows as multi-row INSERTs chunked to the adapter's limits (setup, not measured: always through knex). */
export async function insertChunked(db: Knex | Knex.Transaction, adapter: Adapter, table: string, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  const per = rowsPerStatement(adapter, Object.keys(rows[0]!).length);
  for (let i = 0; i < rows.length; i += per) await db(table).insert(rows.slice(i, i + per));
}

/** Values per keyed row, in the order `KeyedInserts` takes them. */
const KEYED_COLUMNS = 4;

/** INSERT statements of keyed rows into one table, one per row count, built on first use. */
export class KeyedInserts {
  private readonly byCount = new Map<number, Statement>();

  constructor(
    private readonly table: string,
    private readonly adapter: Adapter,
  ) {}

  /** The INSERT of `count` rows; its parameters are each row's worker_id, seq, payload and value, row after row. */
  rows(count: number): Statement {
    let stmt = this.byCount.get(count);
    if (!stmt) {
      const table = this.table;
      stmt = statement(count * KEYED_COLUMNS, (db, p) =>
        db(table).insert(Array.from({ length: count }, (_, i) => ({ worker_id: p[4 * i], seq: p[4 * i + 1], payload: p[4 * i + 2], value: p[4 * i + 3] }))),
      );
      this.byCount.set(count, stmt);
    }
    return stmt;
  }

  /** Insert rows as multi-row INSERTs chunked to the adapter's limits. */
  async chunked(db: StatementRunner, rows: KeyedRow[]): Promise<void> {
    const per = rowsPerStatement(this.adapter, KEYED_COLUMNS);
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      await db.run(this.rows(chunk.length), keyedParams(chunk));
    }
  }

  /** Insert rows atomically: one statement when they fit, else one transaction around the chunks. */
  async atomically(statements: StatementPath, rows: KeyedRow[]): Promise<void> {
    if (rows.length <= rowsPerStatement(this.adapter, KEYED_COLUMNS)) await statements.run(this.rows(rows.length), keyedParams(rows));
    else await statements.transaction((tx) => this.chunked(tx, rows));
  }
}

/** The parameters of keyed rows for a `KeyedInserts` statement. */
export function keyedParams(rows: KeyedRow[]): Knex.Value[] {
  const params = new Array<Knex.Value>(rows.length * KEYED_COLUMNS);
  rows.forEach((r, i) => {
    params[4 * i] = r.worker_id;
    params[4 * i + 1] = r.seq;
    params[4 * i + 2] = r.payload;
    params[4 * i + 3] = r.value;
  });
  return params;
}

/** Occurrences of each key in the table, as worker → seq → count, and how many rows carry the wrong payload. */
async function countKeys(knex: Knex, table: string, withPayload: boolean): Promise<{ byWorker: Map<number, Map<number, number>>; badPayloads: number }> {
  const columns = withPayload ? ['worker_id', 'seq', 'payload'] : ['worker_id', 'seq'];
  const rows = (await knex(table).select(columns)) as { worker_id: number | string; seq: number | string; payload?: string }[];
  const byWorker = new Map<number, Map<number, number>>();
  let badPayloads = 0;
  for (const r of rows) {
    const w = Number(r.worker_id);
    if (withPayload && r.payload !== payloadFor(w, Number(r.seq))) badPayloads++;
    let seqs = byWorker.get(w);
    if (!seqs) byWorker.set(w, (seqs = new Map()));
    const s = Number(r.seq);
    seqs.set(s, (seqs.get(s) ?? 0) + 1);
  }
  return { byWorker, badPayloads };
}

/** The problem verify reports for rows that one acknowledged operation left twice. */
export const appliedTwiceProblem = (rows: number) =>
  `${rows} rows acknowledged once and present twice: an attempt whose commit outcome was unknown did commit, and its retry wrote the rows again`;

/** Check a keyed table against the writers' ledgers: every acknowledged row once, every failed row absent, nothing else. */
export async function verifyInsertLedgers(ctx: CellContext, table: string, ledgers: InsertLedger[], withPayload = true): Promise<Verification> {
  const v = emptyVerification();
  const { byWorker: present, badPayloads } = await countKeys(ctx.knex, table, withPayload);
  v.mismatched += badPayloads;
  let appliedTwice = 0;
  for (const ledger of ledgers) {
    const seqs = present.get(ledger.workerId) ?? new Map<number, number>();
    for (const [start, count] of ledger.retriedAfterUnknown ?? []) for (let s = start; s < start + count; s++) if ((seqs.get(s) ?? 0) > 1) appliedTwice++;
    for (const [start, count] of ledger.acknowledged) {
      v.acknowledged += count;
      for (let s = start; s < start + count; s++) {
        const n = seqs.get(s) ?? 0;
        if (n === 0) v.lost++;
        if (n > 1) v.duplicated++;
        seqs.delete(s);
      }
    }
    // Unknown outcomes are resolved by what the database holds: committed once, or not at all.
    for (const [start, count] of ledger.ambiguous ?? []) {
      v.ambiguous += count;
      for (let s = start; s < start + count; s++) {
        const n = seqs.get(s) ?? 0;
        if (n >= 1) v.ambiguousCommitted++;
        if (n > 1) v.duplicated++;
        seqs.delete(s);
      }
    }
    v.failed += rangeTotal(ledger.failed);
    // Whatever remains was never acknowledged: failed inserts that left rows, or rows from nowhere.
    for (const n of seqs.values()) v.phantom += n;
    present.delete(ledger.workerId);
  }
  for (const seqs of present.values()) for (const n of seqs.values()) v.phantom += n;
  if (appliedTwice) v.problems.push(appliedTwiceProblem(appliedTwice));
  return finishVerification(v, 'rows');
}

/** The keys of one logical insert and what its attempts so far came to. */
interface PendingInsert {
  start: number;
  rows: KeyedRow[];
  acknowledged: boolean;
  /** Whether any attempt ended with its outcome unknown (the connection died before the reply). */
  unknown: boolean;
}

/**
 * A writer that numbers its rows and records which inserts committed. Every attempt of one logical insert writes
 * the same keys: a retry after an attempt whose commit did happen, unseen, then leaves the key twice, which verify
 * reports as a write applied twice instead of counting two different rows.
 */
export class InsertRecorder {
  private nextSeq = 0;
  private readonly record: InsertLedger;
  private pending: PendingInsert | undefined;

  constructor(
    workerId: number,
    private readonly ambiguous: (err: unknown) => boolean,
  ) {
    this.record = { workerId, acknowledged: [], failed: [], ambiguous: [], retriedAfterUnknown: [] };
  }

  /** Take `count` fresh rows for this writer. */
  take(count: number): KeyedRow[] {
    const rows: KeyedRow[] = [];
    for (let i = 0; i < count; i++) rows.push(keyedRow(this.record.workerId, this.nextSeq + i));
    return rows;
  }

  /** Run one attempt of an insert and record its outcome: `attempt` 1 takes `count` fresh rows, a retry the same rows again. */
  async insert(count: number, write: (rows: KeyedRow[]) => Promise<unknown>, attempt = 1): Promise<{ rows: number }> {
    if (attempt <= 1 || !this.pending || this.pending.acknowledged) {
      this.settle();
      this.pending = { start: this.nextSeq, rows: this.take(count), acknowledged: false, unknown: false };
      this.nextSeq += count;
    }
    const pending = this.pending;
    try {
      await write(pending.rows);
    } catch (err) {
      if (this.ambiguous(err)) pending.unknown = true;
      throw err;
    }
    pending.acknowledged = true;
    return { rows: pending.rows.length };
  }

  /** File the last logical insert under what its attempts came to. */
  private settle(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const n = p.rows.length;
    if (p.acknowledged) {
      addRange(this.record.acknowledged, p.start, n);
      if (p.unknown) addRange(this.record.retriedAfterUnknown!, p.start, n);
    } else addRange(p.unknown ? this.record.ambiguous : this.record.failed, p.start, n);
  }

  /** The ledger so far (called once the worker stops). */
  ledger(): InsertLedger {
    this.settle();
    return this.record;
  }
}

/** What distinguishes one insert workload from another. */
export interface InsertWorkloadSpec {
  /** Registry key. */
  name: string;
  /** One line on what it measures. */
  measures: string;
  /** One line on what verify() checks. */
  verifies: string;
  /** One worker, or profile.workers. */
  concurrency: 'single' | 'profile';
  /** Short table suffix. */
  tableSuffix: string;
  /** The profile size that sets rows per operation; none: one row. */
  sizedBy?: 'batchSize' | 'transactionBatchSize';
  /** Write the rows of one operation atomically, through the worker's statement path. */
  write(ctx: WorkerContext, inserts: KeyedInserts, rows: KeyedRow[]): Promise<unknown>;
}

/** Build an insert workload: a keyed table, a recorder per writer, ledger verification. */
export function defineInsertWorkload(spec: InsertWorkloadSpec): Workload<{ table: string }, InsertLedger> {
  return defineWorkload<{ table: string }, InsertLedger>({
    name: spec.name,
    measures: spec.measures,
    verifies: spec.verifies,
    concurrency: spec.concurrency,
    writes: 'every-operation',
    sizedBy: spec.sizedBy,
    preparable: true,
    async setup(ctx) {
      const table = ctx.table(spec.tableSuffix);
      await createKeyedTable(ctx, table);
      return { table };
    },
    worker(ctx, state) {
      const recorder = new InsertRecorder(ctx.workerId, (err) => isAmbiguous(ctx, err));
      const inserts = new KeyedInserts(state.table, ctx.adapter);
      return {
        op: (attempt) => recorder.insert(spec.sizedBy ? ctx.batchRows() : 1, (rows) => spec.write(ctx, inserts, rows), attempt),
        ledger: () => recorder.ledger(),
      };
    },
    verify: (ctx, state, ledgers) => verifyInsertLedgers(ctx, state.table, ledgers),
  });
}
