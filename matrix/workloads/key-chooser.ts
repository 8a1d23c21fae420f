import type { KeyDistribution } from '../../adapters/contract';

/** YCSB's skew: a few keys take most requests (the most popular of 10,000 about 10 %). */
const THETA = 0.99;

/** Σ 1/i^θ for i = 1..n. */
function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += 1 / i ** theta;
  return sum;
}

/**
 * Ranks 0..n-1, rank 0 the most frequent: Gray et al.'s generator, as YCSB's ZipfianGenerator implements it. n may grow
 * (YCSB's latest over a table still being inserted into): ζ(n) is then extended by the new terms, not summed again.
 */
export class ZipfianRanks {
  private n = 0;
  private zetan = 0;
  private readonly alpha = 1 / (1 - THETA);
  private readonly zeta2 = zeta(2, THETA);

  constructor(n: number) {
    this.grow(n);
  }

  /** Widen the range to 0..n-1 (never narrows). */
  grow(n: number): void {
    for (let i = this.n + 1; i <= n; i++) this.zetan += 1 / i ** THETA;
    this.n = Math.max(this.n, n);
  }

  /** The next rank. */
  next(): number {
    const { n, zetan } = this;
    if (n <= 1) return 0;
    const eta = (1 - (2 / n) ** (1 - THETA)) / (1 - this.zeta2 / zetan);
    const u = Math.random();
    const uz = u * zetan;
    if (uz < 1) return 0;
    if (uz < 1 + 0.5 ** THETA) return 1;
    return Math.min(n - 1, Math.floor(n * (eta * u - eta + 1) ** this.alpha));
  }
}

/** FNV-1a of a rank, so popular keys spread over the key space as YCSB's ScrambledZipfianGenerator spreads them. */
function scramble(rank: number, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 4; i++) {
    h ^= (rank >>> (i * 8)) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % n;
}

/**
 * A chooser of keys 1..n: uniform; zipfian (scrambled, as YCSB's default zipfian); or latest (the highest keys, the
 * most recently inserted, most often, as YCSB's SkewedLatestGenerator). Built once per worker: zipfian sums n terms.
 */
export function keyChooser(distribution: KeyDistribution, n: number): () => number {
  if (n <= 1) return () => 1;
  if (distribution === 'uniform') return () => 1 + Math.floor(Math.random() * n);
  const ranks = new ZipfianRanks(n);
  if (distribution === 'latest') return () => n - ranks.next();
  return () => 1 + scramble(ranks.next(), n);
}
