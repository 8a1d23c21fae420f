import { PassThrough } from 'node:stream';
import { clockText, streamProgress } from '../../matrix/progress';
import type { CellResult } from '../../model/results-schema';

/** A stream that keeps what was written, as a terminal (isTTY) or as a log. */
function capture(tty: boolean): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream: PassThrough & { isTTY?: boolean; columns?: number } = new PassThrough();
  if (tty) Object.assign(stream, { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let text = '';
  stream.on('data', (d) => (text += d));
  return { stream, text: () => text };
}

const skipped = (workload: string): CellResult => ({ state: 'skipped', cell: { adapter: 'a', profile: 'p', workload }, reason: 'test' });

test('a span of time reads as seconds, minutes and seconds, or hours and minutes', () => {
  expect([clockText(4_400), clockText(185_000), clockText(3_725_000)]).toEqual(['4 s', '3m05s', '1h02m']);
});

test('progress says which cell of the matrix runs, the time so far and the time left at the pace so far', () => {
  let t = 0;
  const { stream, text } = capture(false);
  const progress = streamProgress(stream, 5000, () => t);
  progress.matrixStarted?.(4);
  for (const [i, w] of ['w1', 'w2', 'w3', 'w4'].entries()) {
    progress.cellStarted(`p × ${w}`, 1000, null);
    t += 6_000;
    progress.update(500, 1);
    t += 24_000;
    progress.cellFinished(`p × ${w}`, skipped(w));
    if (i === 0) expect(text()).toContain('  [cell 1 of 4, 6 s] p × w1: 500/1,000 ops, 83 ops/s, 1 failed\n');
  }
  expect(
    text()
      .split('\n')
      .filter((l) => l.startsWith('[')),
  ).toEqual([
    '[cell 1 of 4, 30 s, about 1m30s left] p × w1: skipped (test)',
    '[cell 2 of 4, 1m00s, about 1m00s left] p × w2: skipped (test)',
    '[cell 3 of 4, 1m30s, about 30 s left] p × w3: skipped (test)',
    '[cell 4 of 4, 2m00s] p × w4: skipped (test)',
  ]);
});

test('on a terminal, a cell measured for a time shows seconds of that time and the operations done, not a count of ticks', () => {
  let t = 0;
  const { stream, text } = capture(true);
  const progress = streamProgress(stream, 5000, () => t);
  progress.matrixStarted?.(2);
  progress.cellStarted('p × w', null, 10_000);
  t += 4_000;
  progress.update(17_030, 0);
  // The bar draws at most every 200 ms of real time, and once more when it stops.
  progress.cellFinished('p × w', skipped('w'));
  expect(text()).toMatch(/cell 1 of 2, 4 s \| p × w \[[^\]]*\] 4\.0\/10\.0 s, 17,030 ops \| 4,258 ops\/s \| 0 failed/);
});
