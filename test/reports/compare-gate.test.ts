import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AdapterName } from '../../adapters/registry';
import { newRunId } from '../../matrix/namespace';
import { silentProgress } from '../../matrix/progress';
import { runMatrix } from '../../matrix/run-matrix';
import type { WorkloadName } from '../../matrix/workloads/registry';
import { readResults } from '../../model/read-results';
import type { RunResults } from '../../model/results-schema';
import type { CompareJson } from '../../reports/compare';
import { urlVariable } from '../../servers/resolve';
import { smallScale } from '../support/cells';
import { CLI, type CliOutcome, runCli } from '../support/cli';
import { realRun } from '../support/real-runs';
import { selectedAdapters } from '../support/selection';

/*
 * The regression gate on real runs of every selected adapter. A handful of tiny runs (60 operations, two cheap
 * workloads) are made once and compared in several ways; each compare is one real `dbmatrix compare` process.
 */

const adapters = selectedAdapters();
const WORKLOADS: WorkloadName[] = ['insert-sequential', 'insert-bulk'];
const OPS = 60;
let work: string;
const cleanup: string[] = [];

/** The runs the comparisons are made of. */
interface Runs {
  /** Both workloads, with conformance: the baseline of most comparisons. */
  base: string;
  /** The first workload only, with conformance: a matrix leg that uploaded nothing for the second. */
  oneWorkload: string;
  /** Both workloads, no conformance: a run that forgot --conformance. */
  noConformance: string;
  /** The base run with one conformance case taken out of each database's answers (a case dropped from the registry). */
  caseDropped: string;
  /** The first workload only, half the operations and two repeats, with conformance: not like for like with oneWorkload. */
  shorter: string;
  /** Both workloads, aborted (as Ctrl-C does) once the first cell finished: the rest were skipped. */
  aborted: string;
}
const runs = {} as Runs;
let baseResults: RunResults;

/** Cell key of an adapter's default profile and a workload, as the base run named it. */
function cellOf(adapter: AdapterName, workload: WorkloadName): string {
  const c = baseResults.cells.find((x) => x.cell.adapter === adapter && x.cell.workload === workload)!;
  return `${c.cell.adapter}/${c.cell.profile}/${c.cell.workload}`;
}

function save(name: string, results: RunResults): string {
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(results));
  return file;
}

async function real(req: Parameters<typeof realRun>[0]): Promise<string> {
  const r = await realRun(req);
  cleanup.push(dirname(r.file));
  return r.file;
}

/** A real run whose runner is aborted, exactly as the CLI's SIGINT handler aborts it, when its first cell has finished. */
async function abortedAfterFirstCell(): Promise<string> {
  const urls: Partial<Record<AdapterName, string>> = {};
  for (const a of adapters) if (process.env[urlVariable(a)]) urls[a] = process.env[urlVariable(a)];
  const runId = newRunId();
  const outDir = mkdtempSync(join(tmpdir(), `dbmatrix-gate-${runId}-`));
  cleanup.push(outDir);
  let abort = () => {};
  const { file, results } = await runMatrix({
    adapters,
    workloads: WORKLOADS,
    settings: adapters.flatMap(smallScale),
    ops: OPS,
    durationMs: null,
    warmupOps: 8,
    maxErrorRate: 0,
    repeats: 1,
    conformance: true,
    urls,
    runId,
    outDir,
    progress: { ...silentProgress, cellFinished: () => abort() },
    log: () => {},
    onStarted: (run) => (abort = () => run.abort()),
  });
  // The premise of the test: an interrupted run with no failed cell, which the old gate passed.
  expect(results.interrupted).toBe(true);
  expect(results.cells.map((c) => c.state)).toEqual(['completed', ...Array(adapters.length * WORKLOADS.length - 1).fill('skipped')]);
  return file;
}

/** Each distinct compare runs once; the tests of every adapter read the same outcome. */
const outcomes = new Map<string, Promise<CliOutcome>>();
function compare(baseline: string, current: string, ...more: string[]): Promise<CliOutcome> {
  const args = ['compare', '--baseline', baseline, '--current', current, ...more];
  const key = args.join('\0');
  if (!outcomes.has(key)) outcomes.set(key, runCli(args));
  return outcomes.get(key)!;
}

/** The verdict compare wrote to stdout with `--json -`. */
async function verdictOf(baseline: string, current: string): Promise<CompareJson> {
  const r = await compare(baseline, current, '--json', '-');
  expect(r.stderr).not.toContain('dbmatrix:');
  return JSON.parse(r.stdout) as CompareJson;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dbmatrix-gate-'));
  const common = { adapters, ops: OPS };
  runs.base = await real({ ...common, workloads: WORKLOADS, conformance: true });
  runs.oneWorkload = await real({ ...common, workloads: WORKLOADS.slice(0, 1), conformance: true });
  runs.noConformance = await real({ ...common, workloads: WORKLOADS });
  runs.shorter = await real({ ...common, ops: OPS / 2, repeats: 2, workloads: WORKLOADS.slice(0, 1), conformance: true });
  runs.aborted = await abortedAfterFirstCell();
  baseResults = readResults(runs.base);
  const dropped = structuredClone(baseResults);
  for (const t of dropped.conformance!) t.answers.splice(1, 1);
  runs.caseDropped = save('case-dropped.json', dropped);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

describe(`compare gate: a cell the baseline ran is missing from the current run (${adapters.join(', ')})`, () => {
  for (const adapter of adapters) {
    test(`${adapter}: baseline ran ${WORKLOADS.join(' and ')}, current only ${WORKLOADS[0]}: exit 1 naming the missing cell`, async () => {
      const r = await compare(runs.base, runs.oneWorkload);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`FAIL missing cell: ${cellOf(adapter, 'insert-bulk')} ran in the baseline but is not in the current run`);
      expect(r.stdout).not.toContain(`FAIL missing cell: ${cellOf(adapter, 'insert-sequential')}`);
      expect(r.stdout.trim().split('\n').at(-1)).toBe(`compare failed: MISSING: ${adapters.length} cell(s)`);
    });
  }

  test('the JSON verdict lists the missing cells and fails; nothing else is wrong', async () => {
    const v = await verdictOf(runs.base, runs.oneWorkload);
    expect(v).toMatchObject({ version: 1, verdict: 'fail', exitCode: 1, conformance: { missing: [], changed: [] } });
    expect(v.current.interrupted).toBe(false);
    expect(v.likeForLike.same).toBe(true);
    expect(v.missingCells.map((m) => m.key).sort()).toEqual(adapters.map((a) => cellOf(a, 'insert-bulk')).sort());
    expect(v.failures.map((f) => f.kind)).toEqual(adapters.map(() => 'missing cell'));
    for (const c of v.cells.filter((x) => x.cell.workload === 'insert-sequential')) {
      expect(c).toMatchObject({ failing: false, likeForLike: true });
      expect(c.metrics.map((m) => m.metric)).toEqual(['ops/s', 'p50 ms', 'p99 ms']);
    }
  });

  test('the other way round, the cells only the current run has are new: shown, not a failure (exit 0)', async () => {
    const r = await compare(runs.oneWorkload, runs.base, '--json', join(work, 'new-cells.json'));
    expect(r.code).toBe(0);
    for (const a of adapters) expect(r.stdout).toContain(`new cell: ${cellOf(a, 'insert-bulk')} is only in the current run (not judged)`);
    const v = JSON.parse(readFileSync(join(work, 'new-cells.json'), 'utf8')) as CompareJson;
    expect(v).toMatchObject({ verdict: 'pass', exitCode: 0, failures: [], missingCells: [] });
    expect(v.newCells.map((c) => `${c.adapter}/${c.profile}/${c.workload}`).sort()).toEqual(adapters.map((a) => cellOf(a, 'insert-bulk')).sort());
  });
});

describe(`compare gate: the current run was interrupted (${adapters.join(', ')})`, () => {
  for (const adapter of adapters) {
    test(`${adapter}: run aborted after its first cell, the rest skipped: exit 1 naming the interruption and each skipped cell`, async () => {
      const r = await compare(runs.base, runs.aborted);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('FAIL interrupted: the current run was stopped before it finished');
      const first = cellOf(adapters[0]!, WORKLOADS[0]!);
      for (const w of WORKLOADS) {
        const key = cellOf(adapter, w);
        if (key === first) expect(r.stdout).not.toContain(`FAIL missing cell: ${key}`);
        else expect(r.stdout).toContain(`FAIL missing cell: ${key} ran in the baseline but was skipped in the current run (run interrupted)`);
      }
    });
  }

  test('the JSON verdict says interrupted, and lists the skipped cells and the conformance the interrupted run never asked', async () => {
    const v = await verdictOf(runs.base, runs.aborted);
    expect(v).toMatchObject({ verdict: 'fail', exitCode: 1, baseline: { interrupted: false }, current: { interrupted: true } });
    expect(v.failures[0]).toMatchObject({ kind: 'interrupted' });
    expect(v.missingCells).toHaveLength(adapters.length * WORKLOADS.length - 1);
    for (const m of v.missingCells) expect(m.reason).toBe('skipped in the current run (run interrupted)');
    expect([...new Set(v.conformance.missing.map((m) => m.adapter))].sort()).toEqual([...adapters].sort());
  });

  test(`a real Ctrl-C of \`dbmatrix run\` after its first cell: the run exits 130, compare exits 1 and says so`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'dbmatrix-gate-ctrlc-'));
    cleanup.push(out);
    const args = [
      'run',
      '-a',
      adapters.join(','),
      '-w',
      WORKLOADS.join(','),
      '--ops',
      String(OPS),
      '--warmup',
      '8',
      '-o',
      out,
      ...adapters.flatMap(smallScale).flatMap((s) => ['-s', s]),
    ];
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Progress on a pipe prints a line as each cell ends: the first `ok` line means the run is between cells.
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/: ok, /.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    expect({ code: await exited, stderr }).toEqual({ code: 130, stderr: expect.stringContaining('interrupted') });
    const file = join(out, 'results.json');
    expect(readResults(file).interrupted).toBe(true);

    const r = await compare(runs.noConformance, file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL interrupted: the current run was stopped before it finished');
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^compare failed: .*INTERRUPTED/);
  });
});

describe(`compare gate: the current run lacks conformance answers the baseline has (${adapters.join(', ')})`, () => {
  for (const adapter of adapters) {
    test(`${adapter}: baseline ran with --conformance, current without: exit 1 naming the database`, async () => {
      const answered = baseResults.conformance!.find((t) => t.adapter === adapter)!.answers.length;
      const r = await compare(runs.base, runs.noConformance);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        `FAIL missing answers: ${adapter}: the baseline answered ${answered} conformance case(s), the current run none (run it with --conformance)`,
      );
      expect(r.stdout).not.toContain('FAIL missing cell');
    });

    test(`${adapter}: one case dropped from the current answers: exit 1 naming the case`, async () => {
      const dropped = baseResults.conformance!.find((t) => t.adapter === adapter)!.answers[1]!;
      const r = await compare(runs.base, runs.caseDropped);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`FAIL missing answer: ${adapter} ${dropped.id}: the baseline answered ${dropped.answer}, the current run has no answer`);
    });
  }

  test('the JSON verdict lists each missing answer by database and case', async () => {
    const v = await verdictOf(runs.base, runs.caseDropped);
    expect(v).toMatchObject({ verdict: 'fail', exitCode: 1, missingCells: [] });
    expect(v.conformance.missing).toEqual(
      adapters.map((adapter) => {
        const a = baseResults.conformance!.find((t) => t.adapter === adapter)!.answers[1]!;
        return { adapter, id: a.id, baseline: a.answer };
      }),
    );
  });
});

describe(`compare gate: like for like or not (${adapters.join(', ')})`, () => {
  test('the same run compared with itself: like for like, every cell unchanged, exit 0', async () => {
    const r = await compare(runs.base, runs.base);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`like for like: ${OPS} ops × 1 repeat on both sides`);
    expect(r.stdout).not.toContain('FAIL');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('no regression');
    // --json - puts the verdict alone on stdout and the table on stderr.
    const j = await compare(runs.base, runs.base, '--json', '-');
    expect(j.code).toBe(0);
    expect(j.stderr).toContain(`like for like: ${OPS} ops × 1 repeat on both sides`);
    const v = JSON.parse(j.stdout) as CompareJson;
    expect(v).toMatchObject({ verdict: 'pass', exitCode: 0, failures: [], missingCells: [], newCells: [], likeForLike: { same: true, differences: [] } });
    expect(v.cells).toHaveLength(adapters.length * WORKLOADS.length);
    for (const c of v.cells) expect(c).toMatchObject({ status: 'unchanged', failing: false, likeForLike: true });
  });

  test(`${OPS} ops × 1 repeat against ${OPS / 2} ops × 2 repeats: flagged on every verdict, in the table, Markdown and JSON, and not a failure by itself`, async () => {
    const md = join(work, 'unlike.md');
    const r = await compare(runs.oneWorkload, runs.shorter, '--markdown', md);
    const flag = `not like for like: baseline ${OPS} ops × 1 repeat, current ${OPS / 2} ops × 2 repeats`;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`WARNING ${flag}`);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('no regression (not like for like)');
    // Every status in the table carries the flag under it.
    expect(r.stdout.match(/\(unlike runs\)/g)).toHaveLength(adapters.length);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain(flag);
    expect(text.match(/unlike runs/g)!.length).toBeGreaterThanOrEqual(adapters.length);

    const v = await verdictOf(runs.oneWorkload, runs.shorter);
    expect(v).toMatchObject({ verdict: 'pass', exitCode: 0, likeForLike: { same: false, summary: flag, required: false } });
    expect(v.likeForLike.differences).toEqual([`ops: ${OPS} → ${OPS / 2}`, 'repeats: 1 → 2']);
    for (const c of v.cells) expect(c.likeForLike).toBe(false);
  });

  test('--require-like-for-like makes runs of different length fail the gate', async () => {
    const r = await compare(runs.oneWorkload, runs.shorter, '--require-like-for-like');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL not like for like: baseline ${OPS} ops × 1 repeat, current ${OPS / 2} ops × 2 repeats`);
  });
});

describe('compare gate: bad input is still exit 2, with one line and no JSON', () => {
  test('an unreadable current file', async () => {
    const json = join(work, 'never.json');
    const r = await runCli(['compare', '--baseline', runs.base, '--current', join(work, 'absent.json'), '--json', json]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('absent.json');
    expect(() => readFileSync(json)).toThrow();
  });
});
