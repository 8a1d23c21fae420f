import { explain, runCells } from '../support/cells';
import { describeAdapterSuite } from './adapter-suite';

describeAdapterSuite('sqlite');

describe('sqlite contention', () => {
  // The failure this project exists to expose: 20 writer threads, no busy wait, no retries.
  test('sqlite × high-volume-insert, 20 threads, busy_timeout=0: SQLITE_BUSY failures, and the data still verifies', async () => {
    const { results } = await runCells({
      adapter: 'sqlite',
      profile: 'sqlite-nowait',
      settings: ['sqlite-nowait.workers=20'],
      workloads: ['high-volume-insert'],
      ops: 200,
    });
    const r = results[0]!;
    expect(r.state).toBe('failed');
    if (r.state !== 'failed') return;
    expect(r.figures!.workers).toBe(20);
    expect(r.figures!.errors.busy?.count).toBeGreaterThan(0);
    expect(Object.keys(r.figures!.errors.busy!.codes)).toContain('SQLITE_BUSY');
    expect(r.figures!.operations.failed).toBe(r.figures!.errors.busy!.count);
    expect(r.verification).toMatchObject({ ok: true, lost: 0, phantom: 0 });
  });

  test('sqlite × high-volume-insert, 20 threads, default profile (busy_timeout=5000): every batch commits', async () => {
    const { results } = await runCells({ adapter: 'sqlite', settings: ['sqlite-wal.workers=20'], workloads: ['high-volume-insert'], ops: 200 });
    const r = results[0]!;
    expect(explain(r)).toBe('completed');
    if (r.state === 'completed') expect(r.figures.operations).toEqual({ total: 200, succeeded: 200, failed: 0 });
  });

  // A COMMIT refused with SQLITE_BUSY leaves SQLite's transaction open; unless the harness rolls it back, the thread's
  // next BEGIN fails with "cannot start a transaction within a transaction" (classed 'other').
  test('sqlite × high-volume-insert, DELETE journal, busy_timeout=0, 20 threads: every failure is a lock error', async () => {
    // SQLite's own cache and mmap defaults make commits slow enough for the COMMIT itself to meet a busy lock.
    const outOfTheBox = ['busy_timeout=0', 'mmap_size=0', 'cache_size=-2000', 'temp_store=DEFAULT', 'batchSize=500'];
    const settings = ['workers=20', 'retry.maxAttempts=1', 'backpressureErrorRate=1', ...outOfTheBox].map((kv) => `sqlite-delete.${kv}`);
    const { results } = await runCells({ adapter: 'sqlite', profile: 'sqlite-delete', settings, workloads: ['high-volume-insert'], ops: 1000 });
    const r = results[0]!;
    if (r.state === 'skipped') throw new Error(r.reason);
    const f = r.figures!;
    expect(f.errors.busy?.count).toBeGreaterThan(0);
    expect({ other: f.errors.other?.sample ?? 'none', failed: f.operations.failed }).toEqual({ other: 'none', failed: f.errors.busy!.count });
    expect(r.verification).toMatchObject({ ok: true, lost: 0, phantom: 0 });
  });
});
