import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { sqlite } from '../../adapters/sqlite/adapter';
import { BatchSizer } from '../../matrix/adaptive-batch';
import { newControl, PHASE, SLOT, setPhase } from '../../matrix/control';
import { runWorkerLoop } from '../../matrix/worker-loop';
import { mergeHistograms } from '../../model/metrics';

const policy = { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2, maxElapsedMs: 10_000 };

/** Run one worker's loop with `op` for `ops` measured operations (op talks to a real SQLite database). */
async function loop(ops: number, op: () => Promise<unknown>) {
  const control = newControl();
  setPhase(control, PHASE.measure);
  Atomics.store(control, SLOT.active, 1); // one active worker
  const session = { op: async () => void (await op()), ledger: () => null };
  return runWorkerLoop(0, session, (err) => sqlite.classify(err), control, { warmupOps: 0, measuredOps: ops, retry: policy }, new BatchSizer(1, undefined));
}

describe('retries', () => {
  let knex: Knex;
  beforeEach(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    await knex.schema.createTable('t', (t) => t.integer('id').primary());
  });
  afterEach(() => knex.destroy());

  test('a non-retryable error (constraint) fails at once: one attempt per operation, no retries', async () => {
    await knex('t').insert({ id: 1 });
    const report = await loop(4, () => knex('t').insert({ id: 1 }));
    expect(report.failed).toBe(4);
    expect(report.retries).toEqual({});
    expect(mergeHistograms([report.attemptLatency]).totalCount).toBe(4);
    expect(report.errors.constraint?.count).toBe(4);
  });

  test('a real SQLITE_BUSY is retried as a whole operation, counted by class, until it succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-retry-'));
    const config = {
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'db') },
      useNullAsDefault: true,
      pool: { afterCreate: (c: { pragma(s: string): void }, done: (e: null, c: unknown) => void) => (c.pragma('busy_timeout = 0'), done(null, c)) },
    };
    const writer = knexFactory(config);
    const holder = knexFactory(config);
    try {
      await writer.schema.createTable('t', (t) => t.integer('id').primary());
      const lock = await holder.transaction();
      await lock('t').insert({ id: 100 }); // holds the write lock
      let attempts = 0;
      const report = await loop(1, async () => {
        if (++attempts === 3) await lock.commit(); // released before the third attempt
        return writer('t').insert({ id: 1 });
      });
      expect(report).toMatchObject({ succeeded: 1, failed: 0, retriedOps: 1, retries: { busy: 2 } });
      expect(mergeHistograms([report.attemptLatency]).totalCount).toBe(3);

      const stuck = await holder.transaction();
      await stuck('t').insert({ id: 101 });
      const failing = await loop(1, () => writer('t').insert({ id: 2 }));
      await stuck.rollback();
      expect(failing).toMatchObject({ succeeded: 0, failed: 1, retries: { busy: policy.maxAttempts - 1 } });
      expect(Object.keys(failing.errors.busy!.codes)).toEqual(['SQLITE_BUSY']);
    } finally {
      await writer.destroy();
      await holder.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('backpressure', () => {
  // A worker held back by backpressure used to wait for the monitor to let it run again, seconds after the others had
  // used up the quota, and the whole cell waited with it.
  test('a held-back worker stops as soon as the quota is used up, while the cell is still measuring', async () => {
    const control = newControl();
    setPhase(control, PHASE.measure);
    Atomics.store(control, SLOT.active, 1); // worker 1 is held back
    Atomics.store(control, SLOT.measuredClaimed, 10); // the running worker took the whole quota
    let ops = 0;
    const session = { op: async () => void ops++, ledger: () => null };
    const held = runWorkerLoop(
      1,
      session,
      (err) => sqlite.classify(err),
      control,
      { warmupOps: 0, measuredOps: 10, retry: policy },
      new BatchSizer(1, undefined),
    );
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([held.then(() => 'stopped'), new Promise((r) => (timer = setTimeout(() => r('still waiting after 2 s'), 2000)))]);
    clearTimeout(timer);
    setPhase(control, PHASE.stop); // lets the loop end in any case, so a failure does not hang the suite
    await held;
    expect({ outcome, ops }).toEqual({ outcome: 'stopped', ops: 0 });
  });
});
