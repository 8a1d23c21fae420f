import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory, { type Knex } from 'knex';
import { sqlite } from '../../adapters/sqlite/adapter';
import { BatchSizer } from '../../matrix/adaptive-batch';
import { markMeasureStart, measureStart, newControl, PHASE, SLOT, setPhase } from '../../matrix/control';
import { Schedule } from '../../matrix/open-loop';
import { runWorkerLoop, type WorkerReport } from '../../matrix/worker-loop';
import { mergeHistograms, summarizeLatency } from '../../model/metrics';
import type { Figures } from '../../model/results-schema';
import { behindSchedule, modeLabel } from '../../reports/load-mode';

const policy = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 1000 };

/** What a run of the measured loop gave: reports, when each operation really started, and the schedule's t0. */
interface Ran {
  reports: WorkerReport[];
  starts: number[];
  t0: number;
}

/**
 * `workers` workers in this thread through the measured phase as the runner drives it (t0 marked, then MEASURE), each
 * operation a real SQLite query; `stall(i)` ms are added to the i-th operation to start. rate null: closed loop.
 */
async function measure(
  knex: Knex,
  o: { rate: number | null; ops: number | null; workers?: number; stall?: (i: number) => number; stopAfterMs?: number },
): Promise<Ran> {
  const control = newControl();
  const workers = o.workers ?? 1;
  Atomics.store(control, SLOT.active, workers);
  const starts: number[] = [];
  const session = {
    async op() {
      const i = starts.push(performance.now()) - 1;
      await knex.raw('select 1');
      const extra = o.stall?.(i) ?? 0;
      if (extra) await sleep(extra);
    },
    ledger: () => null,
  };
  markMeasureStart(control);
  setPhase(control, PHASE.measure);
  const t0 = measureStart(control);
  if (o.stopAfterMs) setTimeout(() => setPhase(control, PHASE.stop), o.stopAfterMs);
  const plan = { warmupOps: 0, measuredOps: o.ops, retry: policy, rate: o.rate };
  const reports = await Promise.all(
    Array.from({ length: workers }, (_, id) => runWorkerLoop(id, session, (err) => sqlite.classify(err), control, plan, new BatchSizer(1, undefined))),
  );
  return { reports, starts, t0 };
}

const latency = (r: Ran) => summarizeLatency(mergeHistograms(r.reports.map((w) => w.latency)));
const attempts = (r: Ran) => summarizeLatency(mergeHistograms(r.reports.map((w) => w.attemptLatency)));

describe('open-loop schedule', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  });
  afterAll(() => knex.destroy());

  test('operation k is due at t0 + k × 1000 / rate', () => {
    const s = new Schedule(1000, 200);
    expect([0, 1, 2, 199, 200].map((k) => s.dueAt(k))).toEqual([1000, 1005, 1010, 1995, 2000]);
    expect(new Schedule(0, 3).dueAt(3)).toBeCloseTo(1000, 9);
  });

  test("t0 is the moment the runner marked, on this thread's clock", () => {
    const control = newControl();
    const before = performance.now();
    markMeasureStart(control);
    const after = performance.now();
    const t0 = measureStart(control);
    // The clocks are converted by reading both: a pause between the readings (a busy machine) skews that by its length.
    expect(t0).toBeGreaterThanOrEqual(before - 0.5);
    expect(t0).toBeLessThanOrEqual(after + 0.5);
  });

  test('ahead of schedule a worker waits for each due time, and starts close to it', async () => {
    // Due every 50 ms: far apart enough that a busy machine's timer slack (9 ms median once, with two test runs and a
    // CI leg on two cores) stays well inside half an interval, while a start off by a slot would not.
    const r = await measure(knex, { rate: 20, ops: 20 });
    expect(r.starts).toHaveLength(20);
    const late = r.starts.map((s, k) => s - (r.t0 + k * 50));
    // Never early; late by timer slack only: typically 0.01 ms here, a few ms now and then (GC), tens of ms on a
    // machine busy with other tests, so the median carries the precision and the maximum is generous.
    expect(Math.min(...late)).toBeGreaterThanOrEqual(-0.05);
    expect([...late].sort((a, b) => a - b)[10]).toBeLessThan(25);
    expect(Math.max(...late)).toBeLessThan(250);
    expect(r.reports[0]!.endedAt).toBeGreaterThan(0);
    expect(latency(r).p50).toBeLessThan(40);
  });

  test('a stalled operation shows in the latency of every operation due behind it (open loop), and only in its own in a closed loop', async () => {
    // 30 operations due every 10 ms; the 6th (due at 50 ms) takes 300 ms more: 24 more come due while it runs.
    const stall = (i: number) => (i === 5 ? 300 : 0);
    const open = await measure(knex, { rate: 100, ops: 30, stall });
    const closed = await measure(knex, { rate: null, ops: 30, stall });

    const o = latency(open);
    expect(o.count).toBe(30);
    expect(o.max).toBeGreaterThanOrEqual(300);
    // Operation 6 was due at 60 ms and could start only at ~350 ms: ~290 ms, most of it waiting behind the stall.
    expect(o.p90).toBeGreaterThanOrEqual(200);
    expect(o.p50).toBeGreaterThanOrEqual(50);
    // Behind schedule nobody waits: the backlog runs back to back, so the 24 late ones start within a few ms of the
    // stall's end (waiting for their due times would take 230 ms).
    expect(open.starts[29]! - open.starts[6]!).toBeLessThan(150);
    // Service time per attempt is measured from the actual start: only the stalled one is slow.
    expect(attempts(open).p90).toBeLessThan(50);

    const c = latency(closed);
    expect(c.count).toBe(30);
    expect(c.max).toBeGreaterThanOrEqual(300);
    expect(c.p90).toBeLessThan(50);
  });

  test('two workers share one schedule: every ticket runs once, none before it is due', async () => {
    const r = await measure(knex, { rate: 200, ops: 40, workers: 2 });
    expect(r.reports.reduce((n, w) => n + w.succeeded, 0)).toBe(40);
    const sorted = [...r.starts].sort((a, b) => a - b);
    for (const [k, s] of sorted.entries()) expect(s).toBeGreaterThanOrEqual(r.t0 + k * 5 - 0.05);
    expect(sorted[39]! - r.t0).toBeGreaterThanOrEqual(195 - 0.05);
  });

  test('bounded by duration: the loop ends when the phase stops, without waiting for a ticket not yet due', async () => {
    const r = await measure(knex, { rate: 2, ops: null, stopAfterMs: 700 });
    // Due at 0 and 500 ms: both ran; the third (due at 1000 ms) is dropped, not waited for. Wide margins: timers run late on a busy machine.
    expect(r.starts).toHaveLength(2);
    expect(performance.now() - r.t0).toBeLessThan(900);
  });
});

describe('reports of the load mode', () => {
  const figures = (f: Partial<Figures>) => ({ operations: { total: 0, succeeded: 0, failed: 0 }, durationMs: 1000, ...f }) as Figures;

  test('an open-loop cell is labelled with its rate; a closed-loop or older one is not', () => {
    expect(modeLabel(figures({ mode: 'open-loop', targetRate: 200 }))).toBe('open-loop 200/s');
    expect(modeLabel(figures({ mode: 'open-loop', targetRate: 0.5 }))).toBe('open-loop 0.5/s');
    expect(modeLabel(figures({ mode: 'closed-loop' }))).toBeNull();
    expect(modeLabel(figures({}))).toBeNull();
  });

  test('an open-loop cell well below its target rate is marked behind schedule', () => {
    const behind = behindSchedule(figures({ mode: 'open-loop', targetRate: 200, operations: { total: 120, succeeded: 120, failed: 0 } }));
    expect(behind).toMatch(/fell behind its open-loop schedule: 120 of 200 ops\/s/);
    expect(behindSchedule(figures({ mode: 'open-loop', targetRate: 200, operations: { total: 195, succeeded: 190, failed: 5 } }))).toBeNull();
    expect(behindSchedule(figures({ mode: 'closed-loop', operations: { total: 1, succeeded: 1, failed: 0 } }))).toBeNull();
  });
});
