import { relativeShift } from '../../model/noise';
import type { CellResult, RunResults } from '../../model/results-schema';
import { compareJson, compareRuns, DEFAULT_THRESHOLDS, metricConfidence } from '../../reports/compare';
import { compareTable } from '../../reports/compare-table';
import { compareMarkdown } from '../../reports/markdown';
import { runResults as run } from '../support/run-results';

/*
 * The gate's edge cases that need no figures: failed and skipped cells, run shapes and conformance tables. The
 * measured cases (missing, interrupted, like for like) run on real databases in test/reports/compare-gate.test.ts.
 */

const cell = (workload: string) => ({ adapter: 'sqlite', profile: 'sqlite-wal', workload });
const failed = (workload: string): CellResult => ({ state: 'failed', cell: cell(workload), reasons: ['setup failed: boom'] });
const skipped = (workload: string, reason = 'run interrupted'): CellResult => ({ state: 'skipped', cell: cell(workload), reason });
const answers = (adapter: string, ids: string[]) => ({
  adapter,
  profile: `${adapter}-default`,
  serverVersion: '1',
  answers: ids.map((id) => ({ id, outcome: 'same' as const, answer: `"${id}"`, reference: `"${id}"` })),
});

const compare = (b: RunResults, c: RunResults, requireLikeForLike = false) => compareRuns(b, c, DEFAULT_THRESHOLDS, undefined, { requireLikeForLike });

describe('compare gate: cells that did not complete', () => {
  test('a cell that failed in the baseline and is absent now is still missing: the gate fails', () => {
    const cmp = compare(run({ cells: [failed('a')] }), run());
    expect(cmp.missingCells).toEqual([{ cell: cell('a'), key: 'sqlite/sqlite-wal/a', reason: 'not in the current run' }]);
    expect(cmp.failures.map((f) => f.message)).toEqual(['missing cell: sqlite/sqlite-wal/a ran in the baseline but is not in the current run']);
    expect(compareJson(cmp)).toMatchObject({ verdict: 'fail', exitCode: 1 });
  });

  test('a cell skipped on both sides lost nothing: it passes', () => {
    const cmp = compare(run({ cells: [skipped('a', 'not supported')] }), run({ cells: [skipped('a', 'not supported')] }));
    expect(cmp.passed).toBe(true);
    expect(cmp.cells[0]!.notes).toEqual(['skipped in both runs']);
  });

  test('a cell an interrupted baseline skipped is judged on the current run alone, and the table notes the interruption', () => {
    const cmp = compare(run({ cells: [skipped('a')], interrupted: true }), run({ cells: [failed('a')] }));
    expect(cmp.cells[0]!.status).toBe('newly failed');
    expect(cmp.failures.map((f) => f.kind)).toEqual(['newly failed']);
    expect(compareTable(cmp)).toContain('note: the baseline run was interrupted');
  });

  test('a failure in both runs stays "still failing", which does not fail the gate', () => {
    const cmp = compare(run({ cells: [failed('a')] }), run({ cells: [failed('a')] }));
    expect(cmp.cells[0]!.status).toBe('still failing');
    expect(cmp.passed).toBe(true);
  });
});

describe('compare gate: like for like', () => {
  test('operations against a duration, and a warm-up given on one side only, are named', () => {
    const cmp = compare(run({ options: { ops: 2000, repeats: 3 } }), run({ options: { ops: null, durationMs: 30_000, warmupOps: 50 } }));
    expect(cmp.likeForLike).toEqual({
      same: false,
      differences: ['ops: 2,000 → none', 'duration: none → 30 s', 'warm-up: default → 50', 'repeats: 3 → 1'],
      summary: 'not like for like: baseline 2,000 ops × 3 repeats (default warm-up), current 30 s × 1 repeat (warm-up 50)',
      required: false,
    });
    expect(cmp.passed).toBe(true);
  });

  test('open loop on one side names the load; --require-like-for-like turns the flag into a failure', () => {
    const cmp = compare(run(), run({ options: { rate: 500 } }), true);
    expect(cmp.likeForLike.summary).toBe('not like for like: baseline 100 ops × 1 repeat (closed loop), current 100 ops × 1 repeat (open loop at 500 ops/s)');
    expect(cmp.failures).toEqual([
      {
        kind: 'not like for like',
        message: 'not like for like: baseline 100 ops × 1 repeat (closed loop), current 100 ops × 1 repeat (open loop at 500 ops/s)',
      },
    ]);
    expect(compareTable(cmp).split('\n').at(-1)).toBe('compare failed: NOT LIKE FOR LIKE (not like for like)');
    expect(compareMarkdown(cmp)).toMatch(/^## ❌ dbmatrix compare: not like for like\n/);
  });

  test('a shard against the whole matrix is named', () => {
    expect(compare(run(), run({ options: { shard: { index: 1, count: 2 } } })).likeForLike.differences).toEqual(['shard: whole matrix → 1/2']);
  });
});

describe('compare gate: conformance answers', () => {
  test('a database with an empty answer list counts as unanswered: one line for the database, every case in the JSON', () => {
    const cmp = compare(run({ conformance: [answers('sqlite', ['a.x', 'a.y'])] }), run({ conformance: [answers('sqlite', [])] }));
    expect(cmp.failures.map((f) => f.message)).toEqual([
      'missing answers: sqlite: the baseline answered 2 conformance case(s), the current run none (run it with --conformance)',
    ]);
    expect(compareJson(cmp).conformance.missing).toEqual([
      { adapter: 'sqlite', id: 'a.x', baseline: '"a.x"' },
      { adapter: 'sqlite', id: 'a.y', baseline: '"a.y"' },
    ]);
  });

  test('an interrupted run asked no conformance cases: the line says so instead of asking for --conformance', () => {
    const cmp = compare(run({ conformance: [answers('sqlite', ['a.x'])] }), run({ interrupted: true }));
    expect(cmp.failures.map((f) => f.message)).toEqual([
      'interrupted: the current run was stopped before it finished (results.interrupted); its cells and answers are incomplete',
      'missing answers: sqlite: the baseline answered 1 conformance case(s), the current run none (an interrupted run asks none)',
    ]);
  });

  test('answers only the current run has (a new database or case) are not a failure', () => {
    const cmp = compare(
      run({ conformance: [answers('sqlite', ['a.x'])] }),
      run({ conformance: [answers('sqlite', ['a.x', 'a.new']), answers('postgres', ['a.x'])] }),
    );
    expect(cmp.passed).toBe(true);
  });
});

describe('compare gate: a cell judged on three metrics holds its confidence as a whole', () => {
  test("each metric's interval is at 98.3 %, so the three together hold at 95 %: a p99 shift inside that noise is not a regression", () => {
    expect(metricConfidence(DEFAULT_THRESHOLDS)).toBeCloseTo(1 - 0.05 / 3, 10);
    // Per-repeat p99 of an unchanged cell of sub-millisecond latencies, as an A/A comparison in CI read them: at 95 %
    // the interval excludes no change (a false regression); at the per-metric level it does not.
    const baseline = [0.8, 0.85, 0.95, 0.82, 0.9, 0.86];
    const current = [1.0, 1.3, 0.95, 1.25, 0.9, 1.4];
    expect(relativeShift(baseline, current, 0.95).interval![0]).toBeGreaterThan(0);
    expect(relativeShift(baseline, current, metricConfidence(DEFAULT_THRESHOLDS)).interval![0]).toBeLessThan(0);
  });
});
