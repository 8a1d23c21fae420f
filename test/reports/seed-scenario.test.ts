import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADAPTER_NAMES } from '../../adapters/registry';
import { profileFor, seedRuns } from '../../matrix/scenarios/seed';
import { SEED_CLAIMS } from '../../matrix/scenarios/seed-claims';
import { readResults } from '../../model/read-results';
import { mdText } from '../../reports/markdown';
import { ADAPTER_LABELS } from '../../reports/seed-report';
import { urlVariable } from '../../servers/resolve';
import { type CliOutcome, runCli } from '../support/cli';
import { selectedAdapters } from '../support/selection';

const adapters = selectedAdapters();
/** The servers global setup resolved, passed as flags the way a user would. */
const urls = adapters.flatMap((a) => (a !== 'sqlite' && process.env[urlVariable(a)] ? [`--${a}-url`, process.env[urlVariable(a)]!] : []));

/** The cells of a Markdown table row; escaped pipes stay inside their cell. */
const cellsOf = (line: string) => line.slice(2, -2).split(/(?<!\\) \| /);

describe(`dbmatrix scenario seed (${adapters.join(', ')})`, () => {
  let dir: string;
  let outcome: CliOutcome;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dbmatrix-seed-test-'));
    outcome = await runCli(['scenario', 'seed', '-a', adapters.join(','), '--ops', '60', '-o', dir, '--no-progress', ...urls]);
  }, 120_000 * adapters.length);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('runs every cell with verified data and exits 0', () => {
    expect({ code: outcome.code, stderr: outcome.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(outcome.stdout).toContain(`report: ${join(dir, 'seed-report.md')}`);
    const results = readResults(join(dir, 'results.json'));
    const expected = seedRuns(adapters).reduce((n, r) => n + r.profiles.length * r.workloads.length, 0);
    expect(results.cells).toHaveLength(expected);
    for (const c of results.cells)
      expect({ cell: c.cell, state: c.state, verified: c.state === 'completed' && c.verification.ok }).toEqual({
        cell: c.cell,
        state: 'completed',
        verified: true,
      });
    expect(results.options.maxErrorRate).toBe(1);
  });

  test('the report puts every claim beside a measured figure and a verdict for each adapter that ran, and only those', () => {
    const md = readFileSync(join(dir, 'seed-report.md'), 'utf8');
    const head = md.split('\n').find((l) => l.startsWith('| claim | seed |'))!;
    expect(cellsOf(head)).toEqual(['claim', 'seed', ...adapters.map((a) => `${ADAPTER_LABELS[a]} measured`), 'verdict']);
    for (const other of ADAPTER_NAMES.filter((a) => !adapters.includes(a))) expect(head).not.toContain(ADAPTER_LABELS[other]);
    for (const claim of SEED_CLAIMS) {
      const line = md.split('\n').find((l) => l.startsWith(`| \`${claim.id}\``));
      expect(line).toContain(mdText(claim.text));
      const cells = cellsOf(line!);
      expect(cells).toHaveLength(3 + adapters.length);
      adapters.forEach((a, i) => {
        expect(cells[2 + i]).not.toMatch(/^(–|not measured)/);
        expect(cells.at(-1)).toMatch(new RegExp(`${ADAPTER_LABELS[a]} (✅ holds|⚠️ differs|➖ n/a)`));
      });
    }
    expect(md).toContain('### Where they differ');
    expect(md).toContain('### Diagnosis of each cell');
  });

  // Declared only when SQLite runs: a test skipped for some selections would fail every CI leg without it.
  if (adapters.includes('sqlite')) {
    test('SQLite: the naive profile fails high-volume inserts, the tuned one does not', () => {
      const results = readResults(join(dir, 'results.json'));
      const hvi = (role: 'naive' | 'tuned') =>
        results.cells.find((c) => c.cell.profile === profileFor('sqlite', role) && c.cell.workload === 'high-volume-insert');
      const naive = hvi('naive');
      const tuned = hvi('tuned');
      expect(naive?.state === 'completed' && naive.figures.operations.failed).toBeGreaterThan(0);
      expect(naive?.state === 'completed' && naive.figures.errors.busy?.count).toBeGreaterThan(0);
      expect(tuned?.state === 'completed' && tuned.figures.operations).toEqual({ total: 60, succeeded: 60, failed: 0 });
    });
  }
});

describe('dbmatrix scenario: bad input', () => {
  test.each([
    [['scenario', 'nonsense'], /unknown scenario 'nonsense'; valid scenarios: seed/],
    [['scenario', 'seed', '-a', 'oracle'], /unknown adapter 'oracle'/],
    [['scenario', 'seed', '--ops', '0'], /--ops takes a whole number/],
  ])('%j: one line, exit 2', async (args, message) => {
    const out = await runCli(args);
    expect({ code: out.code, lines: out.stderr.trim().split('\n').length, stdout: out.stdout }).toEqual({ code: 2, lines: 1, stdout: '' });
    expect(out.stderr).toMatch(message);
  });
});
