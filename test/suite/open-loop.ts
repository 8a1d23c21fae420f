import { type StalledRun, stalledRun } from '../../bench/stalled-run';
import { ThreadPool } from '../../matrix/workers';
import { behindSchedule } from '../../reports/load-mode';
import { explain, serverFor, smallScale } from '../support/cells';

/** Open loop at this rate; the closed loop runs as fast as the workers go. */
const RATE = 50;
/** The stall: the hot table locked this long, from this long after the cell began measuring. */
const HOLD_MS = 2000;
const LOCK_AFTER_MS = 700;

/**
 * Coordinated omission on a real PostgreSQL: the same workload, under the same 2 s lock, measured closed loop and open
 * loop. A closed loop's workers all wait inside the stall and send nothing meanwhile, so the stall is a handful of slow
 * operations among thousands; an open loop's operations keep coming due, and each waits out the rest of the stall.
 * Correctness checks with generous bounds, not speed tests.
 */
export function describeOpenLoop(): void {
  describe('postgres: --rate measures latency from the due time (coordinated omission)', () => {
    const threads = new ThreadPool();
    afterAll(() => threads.close());
    const run = (rate: number | null) =>
      stalledRun({
        server: serverFor('postgres')!,
        workload: 'hot-row-update',
        // Two client threads: the schedule's start and its tickets are shared across threads, not per thread.
        settings: [...smallScale('postgres'), 'postgres.clientThreads=2'],
        // 6 s: after the 2 s stall the backlog of about 100 operations drains with time to spare; with 4 s a fresh-clone
        // run on a loaded machine ended at 35.7 ops/s with the backlog still draining.
        durationMs: 6000,
        rate,
        lockTable: 'hot',
        lockAfterMs: LOCK_AFTER_MS,
        holdMs: HOLD_MS,
        threads,
      });
    let open: StalledRun;
    let closed: StalledRun;
    beforeAll(async () => {
      open = await run(RATE);
      closed = await run(null);
    });

    test('both runs completed, verified, with the lock held for the whole stall', () => {
      for (const r of [open, closed]) {
        expect(explain(r.result)).toBe('completed');
        expect(r.heldMs).toBeGreaterThanOrEqual(HOLD_MS - 50);
      }
    });

    test(`open loop at ${RATE}/s: p90 and p99 show the stall, the service time per attempt does not, and the rate held`, () => {
      if (open.result.state !== 'completed') throw new Error(explain(open.result));
      const f = open.result.figures;
      expect({ mode: f.mode, targetRate: f.targetRate, clientThreads: f.clientThreads }).toEqual({ mode: 'open-loop', targetRate: RATE, clientThreads: 2 });
      // ~100 operations came due during the 2 s lock, each waiting out the rest of it: a tenth of them waited 1.6 s or more.
      expect(f.latencyMs.p90).toBeGreaterThanOrEqual(1000);
      expect(f.latencyMs.p99).toBeGreaterThanOrEqual(1000);
      expect(f.latencyMs.max).toBeGreaterThanOrEqual(HOLD_MS - 400);
      expect(f.attemptLatencyMs.p50).toBeLessThan(250);
      // The backlog drained after the lock: the cell kept (about) its rate, and says nothing is behind.
      expect(f.opsPerSec).toBeGreaterThan(RATE * 0.9);
      expect(f.opsPerSec).toBeLessThan(RATE * 1.2);
      expect(behindSchedule(f)).toBeNull();
    });

    test("closed loop under the same stall: the p90 is far below the open loop's", () => {
      if (closed.result.state !== 'completed' || open.result.state !== 'completed') throw new Error(`${explain(closed.result)}; ${explain(open.result)}`);
      const f = closed.result.figures;
      expect(f.mode).toBe('closed-loop');
      expect(f.targetRate).toBeUndefined();
      // The workers were stuck as long, but only their few operations in flight say so.
      expect(f.latencyMs.max).toBeGreaterThanOrEqual(HOLD_MS - 400);
      expect(f.latencyMs.p90).toBeLessThan(250);
      expect(f.latencyMs.p90 * 4).toBeLessThan(open.result.figures.latencyMs.p90);
    });
  });
}
