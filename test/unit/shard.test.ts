import { inShard, parseShard } from '../../matrix/shard';

describe('--shard i/n', () => {
  test.each([
    [7, 3],
    [8, 8],
    [3, 5],
    [1, 1],
  ])('%i cells over %i shards: every cell in exactly one shard, shard sizes at most one apart', (cells, count) => {
    const sizes = Array.from({ length: count }, (_, i) => [...Array(cells).keys()].filter((k) => inShard(k, { index: i + 1, count })).length);
    for (let k = 0; k < cells; k++) {
      const owners = Array.from({ length: count }, (_, i) => i + 1).filter((index) => inShard(k, { index, count }));
      expect({ cell: k, owners: owners.length }).toEqual({ cell: k, owners: 1 });
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(cells);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  test('parses i/n and refuses what is not a shard', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect([parseShard('0/4'), parseShard('5/4'), parseShard('2'), parseShard('a/b')]).toEqual([
      'needs 1 ≤ i ≤ n',
      'needs 1 ≤ i ≤ n',
      'takes i/n, e.g. 2/4',
      'takes i/n, e.g. 2/4',
    ]);
  });
});
