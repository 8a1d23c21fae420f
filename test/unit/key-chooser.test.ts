import { keyChooser } from '../../matrix/workloads/key-chooser';

/** How often each key came up in `draws` picks among 1..n. */
function counts(distribution: 'uniform' | 'zipfian' | 'latest', n: number, draws: number): number[] {
  const seen = new Array<number>(n + 1).fill(0);
  const next = keyChooser(distribution, n);
  for (let i = 0; i < draws; i++) {
    const k = next();
    if (!(k >= 1 && k <= n && Number.isInteger(k))) throw new Error(`key ${k} outside 1..${n}`);
    seen[k]!++;
  }
  return seen;
}

describe('key distributions, as YCSB defines them', () => {
  const n = 1000;
  const draws = 200_000;

  test('uniform: no key far above its 1/n share', () => {
    expect(Math.max(...counts('uniform', n, draws)) / draws).toBeLessThan(0.003);
  });

  test('zipfian: the most popular key takes about 1/ζ(n, 0.99) of the picks (13 % for 1,000 keys), and it is not simply key 1', () => {
    const seen = counts('zipfian', n, draws);
    const top = Math.max(...seen);
    expect(top / draws).toBeGreaterThan(0.1);
    expect(top / draws).toBeLessThan(0.17);
    expect(seen.indexOf(top)).not.toBe(1); // scrambled over the key space, as YCSB's default zipfian
    const sorted = [...seen].sort((a, b) => b - a);
    // The ten most popular keys take a third of the picks or more; uniform would give them 1 %.
    expect(sorted.slice(0, 10).reduce((a, b) => a + b, 0) / draws).toBeGreaterThan(0.3);
  });

  test('latest: the highest key, the most recently inserted, is the most popular', () => {
    const seen = counts('latest', n, draws);
    expect(seen.indexOf(Math.max(...seen))).toBe(n);
    expect(seen[n]! / draws).toBeGreaterThan(0.1);
  });
});
