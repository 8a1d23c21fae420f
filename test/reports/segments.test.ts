import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterFor } from '../../adapters/registry';
import { newRunId } from '../../matrix/namespace';
import type { RunResults } from '../../model/results-schema';
import { directKnex, LIST_TABLES, serverFor } from '../support/cells';
import { runCli } from '../support/cli';
import { selectedAdapters } from '../support/selection';

// `dbmatrix run --segment i/n`: one cell's workers split over processes that meet on the server under test, start and
// stop together, and are joined by `dbmatrix merge` over their common window, every segment's ledger verified against
// the one table.

const adapters = selectedAdapters();

describe(`dbmatrix run --segment (${adapters.join(', ')})`, () => {
  for (const adapter of adapters) {
    if (!adapterFor(adapter).server) {
      test(`${adapter}: a file database has no server to meet on; one line says so`, async () => {
        const r = await runCli(['run', '-a', adapter, '--segment', '1/2', '--run-id', newRunId(), '--ops', '100', '--no-progress', '--out', tmpdir()]);
        expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
          code: 2,
          stderr: `dbmatrix: --segment splits a cell's load over processes meeting on a server; ${adapter} has none: leave it out\n`,
          stdout: '',
        });
      });
      continue;
    }

    test(`${adapter}: --segment without --run-id is one line naming what to add`, async () => {
      const r = await runCli(['run', '-a', adapter, '--segment', '2/2', '--ops', '100', '--no-progress']);
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 2,
        stderr: 'dbmatrix: --segment 2/2 needs --run-id, the same for every segment: they meet in a table named with it\n',
      });
    });

    test(`${adapter}: two processes run one cell's workers between them, merged over their common window, every write verified`, async () => {
      const out = mkdtempSync(join(tmpdir(), 'dbmatrix-segments-'));
      const knex = directKnex(adapter);
      const runId = newRunId();
      try {
        const url = serverFor(adapter)!.url;
        const segment = (i: number) =>
          runCli([
            'run',
            '-a',
            adapter,
            '-w',
            'crud-mix,insert-sequential',
            '--ops',
            '2000',
            '--set',
            `${adapter}.workers=4`,
            '--segment',
            `${i}/2`,
            '--run-id',
            runId,
            `--${adapter}-url`,
            url,
            '--no-progress',
            '--out',
            join(out, `segment-${i}`),
          ]);
        const [one, two] = await Promise.all([segment(1), segment(2)]);
        for (const r of [one, two]) expect(r.code === 0 ? 'exit 0' : `${r.stdout}\n${r.stderr}`).toBe('exit 0');
        const files = [1, 2].map((i) => join(out, `segment-${i}`, 'results.json'));
        const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as RunResults);
        for (const [i, part] of parts.entries()) {
          const [crud, single] = part.cells;
          expect(crud!.state === 'completed' && crud!.figures.segment).toMatchObject({ index: i + 1, count: 2 });
          // Each segment ran half the workers and half the operations, and records the first segment's verdict on all of them.
          expect(crud!.state === 'completed' && [crud!.figures.workers, crud!.figures.operations.total, crud!.verification.ok]).toEqual([2, 1000, true]);
          // One worker cannot be split: skipped in every segment alike.
          expect(single).toMatchObject({ state: 'skipped', reason: '1 worker(s) cannot be split over 2 segments' });
        }
        // They measured together: the two windows overlap for most of their length.
        const [a, b] = parts.map((p) => (p.cells[0]!.state === 'completed' ? p.cells[0]!.figures.segment! : undefined)!);
        const overlap = Math.min(a.endedAt, b.endedAt) - Math.max(a.startedAt, b.startedAt);
        expect(overlap / Math.max(a.endedAt - a.startedAt, b.endedAt - b.startedAt)).toBeGreaterThan(0.5);

        const merged = join(out, 'merged.json');
        const m = await runCli(['merge', ...files, '-o', merged]);
        expect(m.code === 0 ? 'exit 0' : m.stderr).toBe('exit 0');
        const whole = JSON.parse(readFileSync(merged, 'utf8')) as RunResults;
        expect(whole.options.segment).toBeUndefined();
        const cell = whole.cells[0]!;
        expect(cell.state).toBe('completed');
        if (cell.state !== 'completed') return;
        expect([cell.figures.workers, cell.figures.operations.total, cell.verification.ok, cell.figures.segment]).toEqual([4, 2000, true, undefined]);
        const window = Math.max(a.endedAt, b.endedAt) - Math.min(a.startedAt, b.startedAt);
        expect(cell.figures.durationMs).toBeCloseTo(window, -1);
        expect(cell.figures.opsPerSec).toBeCloseTo(cell.figures.operations.succeeded / (window / 1000), -1);
        // The meeting table and the cells' tables are gone.
        expect(await LIST_TABLES[adapter as 'postgres' | 'mysql'](knex, `dbm_${runId}_`)).toEqual([]);
        // A segment given twice, or one missing, is refused in one line.
        const twice = await runCli(['merge', files[0]!, files[0]!, '-o', join(out, 'bad.json')]);
        expect({ code: twice.code, stderr: twice.stderr }).toEqual({
          code: 2,
          stderr: `dbmatrix: ${files[0]} and ${files[0]} are both segment 1 of 2; give each segment once\n`,
        });
        const missing = await runCli(['merge', files[1]!, '-o', join(out, 'bad.json')]);
        expect(missing.stderr).toBe('dbmatrix: segment(s) 1 of 2 are missing; merge every segment of the run\n');
      } finally {
        await knex.destroy();
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
});
