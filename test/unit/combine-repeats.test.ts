import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Figures } from '../../model/results-schema';
import { realRun } from '../support/real-runs';

// Three repeats of one SQLite cell with adaptive batches, pooled into one result as `--repeat 3` does.
describe('repeats pooled into one cell', () => {
  let figures: Figures;
  beforeAll(async () => {
    const adaptive = ['sqlite.adaptive.enabled=true', 'sqlite.adaptive.minRows=10', 'sqlite.adaptive.maxRows=400', 'sqlite.adaptive.targetLatencyMs=5'];
    const { results, file } = await realRun({ adapters: ['sqlite'], workloads: ['high-volume-insert'], ops: 80, repeats: 3, settings: adaptive });
    rmSync(dirname(file), { recursive: true, force: true });
    const cell = results.cells[0]!;
    if (cell.state === 'skipped' || !cell.figures) throw new Error(`the cell did not run: ${JSON.stringify(cell)}`);
    figures = cell.figures;
  });

  test('the timeline and the one-second windows account for every repeat’s operations, on one time axis', () => {
    expect(figures.samples).toHaveLength(3);
    const last = figures.health.timeline.at(-1)!;
    expect({ completed: last.completed, failed: last.failed }).toEqual({ completed: figures.operations.succeeded, failed: figures.operations.failed });
    const windows = figures.health.windows;
    expect(windows.reduce((n, w) => n + w.completed + w.failed, 0)).toBe(figures.operations.total);
    const times = figures.health.timeline.map((p) => p.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const measured = figures.samples.reduce((n, s) => n + s.durationMs, 0);
    expect(last.atMs).toBeGreaterThan(measured - figures.samples.at(-1)!.durationMs);
  });

  test('the batch-size trajectory goes on into the last repeat', () => {
    const points = figures.batchTrajectory.flatMap((t) => t.points.map(([ms]) => ms));
    expect(points.length).toBeGreaterThan(0);
    expect(Math.max(...points)).toBeGreaterThanOrEqual(figures.samples[0]!.durationMs + figures.samples[1]!.durationMs);
  });
});
