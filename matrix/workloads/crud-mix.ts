import { defineWorkload, emptyVerification, finishVerification, isAmbiguous, type WorkerContext, z } from './define';
import { appliedTwiceProblem, createKeyedTable, keyedRow, payloadFor } from './keyed-rows';

/** Operation weights: each operation is one of the four kinds, with these relative chances. */
const crudWeightsSchema = z
  .object({
    insert: z.number().min(0),
    read: z.number().min(0),
    update: z.number().min(0),
    delete: z.number().min(0),
  })
  .strict()
  .refine((w) => w.insert + w.read + w.update + w.delete > 0, { message: 'crud weights must not all be 0' });
type CrudWeights = z.infer<typeof crudWeightsSchema>;

/** The mix of operations. */
const crudMixParams = z.object({
  /** Relative chances of insert, read, update and delete. */
  crudWeights: crudWeightsSchema.default({ insert: 40, read: 30, update: 20, delete: 10 }),
});
type CrudMixParams = z.infer<typeof crudMixParams>;

/** Table name shared by setup and the workers. */
export interface State {
  table: string;
}

/** One worker's view of its own rows; other workers' rows are never written by it, so expectations are exact. */
export interface CrudLedger {
  /** The worker. */
  workerId: number;
  /** Rows that should exist: [seq, id, value]. */
  live: [number, number, number][];
  /** Sequence numbers whose delete committed: must be absent. */
  deleted: number[];
  /** Sequence numbers whose insert failed: must be absent. */
  failedInserts: number[];
  /** Rows whose last write has an unknown outcome (connection lost): the values they may hold, and whether they may be gone. */
  uncertain: { seq: number; kind: 'insert' | 'update' | 'delete'; values: number[] }[];
  /** Acknowledged inserts an earlier attempt also wrote with its outcome unknown: present twice if that one committed. */
  retriedAfterUnknown?: number[];
  /** Reads, updates or deletes that saw something other than the expected row. */
  mismatches: number;
  /** Operations performed, by kind. */
  counts: Record<keyof CrudWeights, number>;
}

/** The id of an inserted row, from RETURNING rows or the driver's insert id. */
function insertedId(result: unknown[]): number {
  const first = result[0];
  return Number(first && typeof first === 'object' ? (first as { id: unknown }).id : first);
}

/** Pick an operation kind by weight. */
function pick(weights: CrudWeights): keyof CrudWeights {
  const kinds = Object.keys(weights) as (keyof CrudWeights)[];
  const total = kinds.reduce((n, k) => n + weights[k], 0);
  let r = Math.random() * total;
  for (const k of kinds) {
    r -= weights[k];
    if (r < 0) return k;
  }
  return 'insert';
}

/** One logical operation: every attempt of it works on the same row, so a retry after an unknown outcome is seen as one. */
interface PendingOp {
  kind: keyof CrudWeights;
  /** The row's sequence number: a new one for an insert, a live one otherwise. */
  seq: number;
  /** Whether an attempt succeeded. */
  acknowledged: boolean;
  /** Whether an attempt ended with its outcome unknown (the connection died before the reply). */
  unknown: boolean;
}

/** A crud-mix worker: its live rows as key → [id, value], and a list for random picks. */
function crudWorker(ctx: WorkerContext<CrudMixParams>, table: string) {
  const ledger: CrudLedger = {
    workerId: ctx.workerId,
    live: [],
    deleted: [],
    failedInserts: [],
    uncertain: [],
    retriedAfterUnknown: [],
    mismatches: 0,
    counts: { insert: 0, read: 0, update: 0, delete: 0 },
  };
  const live = new Map<number, { id: number; value: number }>();
  const liveSeqs: number[] = [];
  let nextSeq = 0;
  let pending: PendingOp | undefined;

  const forget = (seq: number): void => {
    const index = liveSeqs.indexOf(seq);
    if (index >= 0) {
      liveSeqs[index] = liveSeqs[liveSeqs.length - 1]!;
      liveSeqs.pop();
    }
    live.delete(seq);
  };

  /** File the last logical operation under what its attempts came to, once no retry of it can follow. */
  const settle = () => {
    const p = pending;
    pending = undefined;
    if (!p || p.kind === 'read') return;
    if (p.acknowledged) {
      if (p.unknown && p.kind === 'insert') ledger.retriedAfterUnknown!.push(p.seq);
      return;
    }
    if (!p.unknown) {
      if (p.kind === 'insert') ledger.failedInserts.push(p.seq);
      return;
    }
    // Unknown and never acknowledged: stop using the row, and let verify accept either outcome.
    const row = live.get(p.seq);
    if (row) forget(p.seq);
    ledger.uncertain.push({ seq: p.seq, kind: p.kind, values: p.kind === 'update' ? [row!.value, row!.value + 1] : [row?.value ?? 0] });
  };

  const ops: Record<keyof CrudWeights, (p: PendingOp) => Promise<void>> = {
    async insert(p) {
      const q = ctx.knex(table).insert(keyedRow(ctx.workerId, p.seq));
      const result: unknown[] = ctx.adapter.capabilities.returning ? await q.returning('id') : await q;
      live.set(p.seq, { id: insertedId(result), value: 0 });
      // A row whose first attempt may also have committed may be there twice: verify it, but write it no more.
      if (!p.unknown) liveSeqs.push(p.seq);
    },
    async read(p) {
      const expect = live.get(p.seq)!;
      const row = await ctx.knex(table).first('value', 'payload').where({ id: expect.id });
      if (!row || Number(row.value) !== expect.value || row.payload !== payloadFor(ctx.workerId, p.seq)) ledger.mismatches++;
    },
    async update(p) {
      // An absolute value, not an increment: a retry after an unseen commit writes the same value again.
      const row = live.get(p.seq)!;
      const changed = await ctx
        .knex(table)
        .where({ id: row.id })
        .update({ value: row.value + 1 });
      if (Number(changed) !== 1) ledger.mismatches++;
      row.value += 1;
    },
    async delete(p) {
      const row = live.get(p.seq)!;
      const removed = await ctx.knex(table).where({ id: row.id }).del();
      // After an attempt whose outcome was unknown, finding the row gone means that attempt deleted it.
      if (Number(removed) !== 1 && !(p.unknown && Number(removed) === 0)) ledger.mismatches++;
      forget(p.seq);
      ledger.deleted.push(p.seq);
    },
  };

  return {
    async op(attempt = 1) {
      if (attempt <= 1 || !pending || pending.acknowledged) {
        settle();
        let kind = pick(ctx.params.crudWeights);
        if (kind !== 'insert' && liveSeqs.length === 0) kind = 'insert';
        ledger.counts[kind]++;
        pending = { kind, seq: kind === 'insert' ? nextSeq++ : liveSeqs[Math.floor(Math.random() * liveSeqs.length)]!, acknowledged: false, unknown: false };
      }
      const p = pending;
      try {
        await ops[p.kind](p);
      } catch (err) {
        if (isAmbiguous(ctx, err)) p.unknown = true;
        throw err;
      }
      p.acknowledged = true;
    },
    ledger(): CrudLedger {
      settle();
      ledger.live = [...live.entries()].map(([seq, r]) => [seq, r.id, r.value]);
      return ledger;
    },
  };
}

/** `workers` concurrent workers doing inserts, point reads, updates and deletes on their own rows, by weight. */
export const crudMix = defineWorkload<State, CrudLedger, CrudMixParams>({
  name: 'crud-mix',
  measures: 'workers concurrent workers, insert / read / update / delete by crudWeights on their own rows',
  verifies: 'live rows present once with the last committed value, deleted and failed rows absent, every read saw what was written',
  concurrency: 'profile',
  writes: 'some-operations',
  params: crudMixParams,
  async setup(ctx) {
    const table = ctx.table('crud');
    await createKeyedTable(ctx, table);
    return { table };
  },
  worker: (ctx, state) => crudWorker(ctx, state.table),
  async verify(ctx, state, ledgers) {
    const v = emptyVerification();
    let appliedTwice = 0;
    const rows = (await ctx.knex(state.table).select('worker_id', 'seq', 'value', 'payload')) as Record<string, string | number>[];
    const present = new Map<string, { n: number; value: number; payloadOk: boolean }>();
    for (const r of rows) {
      const key = `${r.worker_id}:${r.seq}`;
      const seen = present.get(key);
      if (seen) seen.n++;
      else present.set(key, { n: 1, value: Number(r.value), payloadOk: r.payload === payloadFor(Number(r.worker_id), Number(r.seq)) });
    }
    for (const l of ledgers) {
      v.mismatched += l.mismatches;
      v.failed += l.failedInserts.length;
      for (const u of l.uncertain) {
        v.ambiguous++;
        const p = present.get(`${l.workerId}:${u.seq}`);
        present.delete(`${l.workerId}:${u.seq}`);
        if (!p) {
          if (u.kind === 'update') v.lost++;
          else if (u.kind === 'delete') v.ambiguousCommitted++;
          continue;
        }
        if (p.n > 1) v.duplicated++;
        if (!u.values.includes(p.value) || !p.payloadOk) v.mismatched++;
        if (u.kind === 'insert' || (u.kind === 'update' && p.value === u.values[1])) v.ambiguousCommitted++;
      }
      const retried = new Set(l.retriedAfterUnknown ?? []);
      for (const seq of retried) if ((present.get(`${l.workerId}:${seq}`)?.n ?? 0) > 1) appliedTwice++;
      for (const [seq, , value] of l.live) {
        v.acknowledged++;
        const p = present.get(`${l.workerId}:${seq}`);
        present.delete(`${l.workerId}:${seq}`);
        if (!p) v.lost++;
        else {
          if (p.n > 1) v.duplicated++;
          if (p.value !== value || !p.payloadOk) v.mismatched++;
        }
      }
    }
    // Deleted rows, failed inserts and anything unexpected are all rows that should not be there.
    for (const p of present.values()) v.phantom += p.n;
    if (appliedTwice) v.problems.push(appliedTwiceProblem(appliedTwice));
    return finishVerification(v, 'rows');
  },
});
