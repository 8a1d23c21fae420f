import { BatchSizer } from '../../matrix/adaptive-batch';

const adaptive = { enabled: true, minRows: 10, maxRows: 1000, targetLatencyMs: 50 };

describe('adaptive batch sizing (AIMD)', () => {
  test('a failed attempt halves the batch, a slow one shrinks it by a fifth, a fast one adds a tenth of the start size', () => {
    const s = new BatchSizer(500, adaptive);
    s.onAttempt(false, 10);
    expect(s.size()).toBe(250);
    s.onAttempt(true, 80);
    expect(s.size()).toBe(200);
    s.onAttempt(true, 5);
    expect(s.size()).toBe(250);
    expect(s.trajectory().map(([, rows]) => rows)).toEqual([500, 250, 200, 250]);
  });

  test('sizes stay within minRows and maxRows', () => {
    const s = new BatchSizer(500, adaptive);
    for (let i = 0; i < 20; i++) s.onAttempt(false, 1);
    expect(s.size()).toBe(10);
    for (let i = 0; i < 500; i++) s.onAttempt(true, 1);
    expect(s.size()).toBe(1000);
  });

  test('without adaptive settings the size never moves', () => {
    const s = new BatchSizer(500, undefined);
    s.onAttempt(false, 1);
    s.onAttempt(true, 1000);
    expect(s.size()).toBe(500);
    expect(s.trajectory()).toEqual([[0, 500]]);
  });
});
