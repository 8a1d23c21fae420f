/** One of n shards of a matrix: CI jobs that each run one shard run the whole matrix once between them. */
export interface Shard {
  /** Which shard, 1-based. */
  index: number;
  /** How many shards there are. */
  count: number;
}

/**
 * Whether the k-th cell of the matrix (0-based, in run order: profiles, then workloads) belongs to a shard. Cells are
 * dealt round robin, so shards differ by at most one cell and the same command line always picks the same cells.
 */
export function inShard(k: number, shard: Shard | undefined): boolean {
  return !shard || k % shard.count === shard.index - 1;
}

/** Parse `i/n`; the reason as a string when it is not a shard. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return 'takes i/n, e.g. 2/4';
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || index < 1 || index > count) return 'needs 1 ≤ i ≤ n';
  return { index, count };
}
