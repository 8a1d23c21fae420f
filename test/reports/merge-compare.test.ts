import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AdapterName } from '../../adapters/registry';
import { CONFORMANCE_CASES } from '../../conformance/registry';
import type { WorkloadName } from '../../matrix/workloads/registry';
import { mergeResults } from '../../model/merge';
import { mergeHistograms, summarizeLatency } from '../../model/metrics';
import { readResults } from '../../model/read-results';
import type { RunResults } from '../../model/results-schema';
import { runCli } from '../support/cli';
import { realRun } from '../support/real-runs';
import { selectedAdapters } from '../support/selection';

const adapters = selectedAdapters();
let work: string;
const runDirs: string[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'dbmatrix-merge-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  for (const d of runDirs) rmSync(d, { recursive: true, force: true });
});

async function run(req: Parameters<typeof realRun>[0]): Promise<{ results: RunResults; file: string }> {
  const r = await realRun(req);
  runDirs.push(dirname(r.file));
  return r;
}

function save(name: string, results: RunResults): string {
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(results));
  return file;
}

describe(`merge: one job per adapter (${adapters.join(', ')})`, () => {
  const perAdapter: { adapter: AdapterName; file: string; results: RunResults }[] = [];

  beforeAll(async () => {
    for (const adapter of adapters)
      perAdapter.push({ adapter, ...(await run({ adapters: [adapter], workloads: ['insert-sequential', 'read-point'], ops: 100 })) });
  });

  test('the merged report covers every adapter, each cell as its job measured it', async () => {
    const out = join(work, 'merged.json');
    const r = await runCli(['merge', ...perAdapter.map((p) => p.file), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const merged = readResults(out);
    expect([...new Set(merged.cells.map((c) => c.cell.adapter))].sort()).toEqual([...adapters].sort());
    expect(merged.cells).toHaveLength(adapters.length * 2);
    expect(merged.mergedFrom!.map((m) => m.adapters)).toEqual(adapters.map((a) => [a]));
    for (const p of perAdapter) for (const cell of p.results.cells) expect(merged.cells).toContainEqual(cell);
  });

  test('a report of the merged file names every adapter in Markdown', async () => {
    const out = join(work, 'merged-for-report.json');
    await runCli(['merge', ...perAdapter.map((p) => p.file), '--out', out]);
    const md = join(work, 'summary.md');
    const r = await runCli(['report', out, '--markdown', md, '--bench-json', join(work, 'bench')]);
    expect(r.code).toBe(0);
    const text = readFileSync(md, 'utf8');
    for (const a of adapters) expect(text).toContain(`${a}/`);
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
    const bigger = JSON.parse(readFileSync(join(work, 'bench', 'bigger-is-better.json'), 'utf8'));
    expect(bigger).toHaveLength(adapters.length * 2);
    expect(bigger[0]).toMatchObject({ unit: 'ops/s', value: expect.any(Number) });
  });

  test('the same file twice is refused with one line that names it', async () => {
    const file = perAdapter[0]!.file;
    const r = await runCli(['merge', file, file, '--out', join(work, 'twice.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('are the same run');
  });
});

describe('merge --as-repeats pools histograms exactly', () => {
  test('two runs of the same cells: counts add up and percentiles come from the summed histograms', async () => {
    const adapter = adapters[0]!;
    const a = await run({ adapters: [adapter], workloads: ['read-point'], ops: 150 });
    const b = await run({ adapters: [adapter], workloads: ['read-point'], ops: 150 });

    const refused = await runCli(['merge', a.file, b.file, '--out', join(work, 'dup.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cell .*read-point is in both .* pass --as-repeats/);

    const out = join(work, 'pooled.json');
    expect((await runCli(['merge', '--as-repeats', a.file, b.file, '--out', out])).code).toBe(0);
    const pooled = readResults(out).cells[0]!;
    const [ca, cb] = [a.results.cells[0]!, b.results.cells[0]!];
    if (pooled.state !== 'completed' || ca.state !== 'completed' || cb.state !== 'completed') throw new Error('a read-point cell failed');
    expect(pooled.figures.samples).toEqual([...ca.figures.samples, ...cb.figures.samples]);
    expect(pooled.figures.operations.total).toBe(ca.figures.operations.total + cb.figures.operations.total);
    const summed = summarizeLatency(mergeHistograms([ca.figures.histograms.latency, cb.figures.histograms.latency]));
    expect(pooled.figures.latencyMs).toEqual(summed);
    expect(summed.count).toBe(ca.figures.latencyMs.count + cb.figures.latencyMs.count);
  });
});

/** A deliberate slowdown per adapter: the same profile name before and after one setting changed. */
const SLOWDOWN: Record<AdapterName, { workload: WorkloadName; ops: number; baseline: string[]; current: string[] }> = {
  // Every autocommit insert now waits for a journal write and fsync of its own.
  sqlite: { workload: 'insert-sequential', ops: 1000, baseline: [], current: ['sqlite.journal_mode=DELETE', 'sqlite.synchronous=FULL'] },
  // The servers' slowdowns are in the operation, ten times the rows per transaction, not in a commit flush: in a
  // container the flush can cost next to nothing (synchronous_commit=on measured only 32 % slower, inside the noise).
  postgres: { workload: 'insert-transaction-batch', ops: 60, baseline: ['postgres.transactionBatchSize=20'], current: ['postgres.transactionBatchSize=200'] },
  mysql: { workload: 'insert-transaction-batch', ops: 60, baseline: ['mysql.transactionBatchSize=20'], current: ['mysql.transactionBatchSize=200'] },
};

describe('compare: a deliberate slowdown regresses, the same profile does not', () => {
  const adapter = adapters[0]!;
  const slowdown = SLOWDOWN[adapter];
  const files: Record<'base' | 'same' | 'slow', string> = { base: '', same: '', slow: '' };

  beforeAll(async () => {
    const variants = { base: slowdown.baseline, same: slowdown.baseline, slow: slowdown.current };
    const repeats: Record<keyof typeof variants, { file: string; results: RunResults }[]> = { base: [], same: [], slow: [] };
    // One discarded run warms the process; then the variants take turns, so drift on a shared machine falls on all of them
    // alike: in every order of the three once, so each variant runs first, second and third equally often. With three
    // rounds (a partial order), base and same measured 10.5 % apart once in a leg (95 % interval −19.7 % to −0.3 %).
    await run({ adapters: [adapter], workloads: [slowdown.workload], ops: Math.ceil(slowdown.ops / 3), settings: slowdown.baseline });
    const order: (keyof typeof variants)[][] = [
      ['base', 'same', 'slow'],
      ['slow', 'same', 'base'],
      ['same', 'base', 'slow'],
      ['slow', 'base', 'same'],
      ['base', 'slow', 'same'],
      ['same', 'slow', 'base'],
    ];
    for (const round of order) {
      for (const v of round) repeats[v].push(await run({ adapters: [adapter], workloads: [slowdown.workload], ops: slowdown.ops, settings: variants[v] }));
    }
    for (const v of Object.keys(variants) as (keyof typeof variants)[]) {
      files[v] = save(`${v}.json`, mergeResults(repeats[v], { asRepeats: true }));
    }
  });

  test(`${adapter} × ${slowdown.workload} with ${slowdown.current.join(', ')}: compare exits 1 and names the regression`, async () => {
    const md = join(work, 'compare.md');
    const r = await runCli(['compare', '--baseline', files.base, '--current', files.slow, '--markdown', md]);
    expect(r.stdout).toContain('REGRESSED: 1 cell(s)');
    expect(r.code).toBe(1);
    const text = readFileSync(md, 'utf8');
    expect(text).toMatch(/^## ❌ dbmatrix compare: 1 regression/);
    expect(text).toContain('### What changed between the runs');
  });

  test('two runs of the same profile: compare exits 0', async () => {
    const r = await runCli(['compare', '--baseline', files.base, '--current', files.same]);
    expect(r.stdout).toContain('no regression');
    expect(r.code).toBe(0);
  });
});

describe('compare: a conformance answer that changed is a regression', () => {
  test('the same answers exit 0; one case answered otherwise (as after a server upgrade) exits 1 and names it', async () => {
    const adapter = adapters[0]!;
    const base = await run({ adapters: [adapter], workloads: ['insert-sequential'], ops: 50, conformance: true });
    const answers = base.results.conformance!.find((t) => t.adapter === adapter)!.answers;
    expect(answers.map((a) => a.id)).toEqual(CONFORMANCE_CASES.map((c) => c.id));
    const same = save('conformance-same.json', base.results);
    const upgraded = structuredClone(base.results);
    const changed = upgraded.conformance!.find((t) => t.adapter === adapter)!.answers[0]!;
    changed.answer = '"an upgraded answer"';
    const after = save('conformance-upgraded.json', upgraded);

    expect((await runCli(['compare', '--baseline', base.file, '--current', same])).code).toBe(0);
    const md = join(work, 'conformance-compare.md');
    const r = await runCli(['compare', '--baseline', base.file, '--current', after, '--markdown', md]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`answer changed: ${adapter} ${changed.id}: ${answers[0]!.answer} -> "an upgraded answer"`);
    expect(r.stdout).toContain('CHANGED ANSWERS: 1 conformance case(s)');
    expect(readFileSync(md, 'utf8')).toContain('### Conformance answers that changed');

    const summary = join(work, 'conformance-summary.md');
    expect((await runCli(['report', base.file, '--markdown', summary])).code).toBe(0);
    const text = readFileSync(summary, 'utf8');
    expect(text).toMatch(/### Conformance: how each database answers \(\d+ of \d+ cases differ between databases\)/);
    for (const c of CONFORMANCE_CASES) expect(text).toContain(`| \`${c.id}\` |`);
  });
});

describe('shards of a matrix', () => {
  test('--shard 1/2 and 2/2 run disjoint cells that merge into the whole matrix', async () => {
    const adapter = adapters[0]!;
    const workloads = ['insert-sequential', 'read-point', 'crud-mix'];
    const urls = adapter === 'sqlite' ? [] : [`--${adapter}-url`, process.env[`DBMATRIX_${adapter.toUpperCase()}_URL`]!];
    const files = [];
    for (const s of ['1/2', '2/2']) {
      const dir = join(work, `shard-${s.replace('/', '-')}`);
      const r = await runCli(['run', '-a', adapter, '-w', workloads.join(','), '--ops', '30', '--shard', s, '-o', dir, '--no-progress', ...urls]);
      expect({ shard: s, code: r.code, stderr: r.stderr }).toEqual({ shard: s, code: 0, stderr: expect.any(String) });
      files.push(join(dir, 'results.json'));
    }
    const [one, two] = files.map((f) => readResults(f));
    expect(one!.options.shard).toEqual({ index: 1, count: 2 });
    expect(one!.cells.map((c) => c.cell.workload)).toEqual(['insert-sequential', 'crud-mix']);
    expect(two!.cells.map((c) => c.cell.workload)).toEqual(['read-point']);
    const whole = join(work, 'shards.json');
    expect((await runCli(['merge', ...files, '--out', whole])).code).toBe(0);
    const merged = readResults(whole);
    expect(merged.cells.map((c) => c.cell.workload).sort()).toEqual([...workloads].sort());
    expect(merged.options.shard).toBeUndefined();
  });
});
