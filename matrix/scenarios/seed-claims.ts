import { LOCK_ERROR_CLASSES } from '../../adapters/contract';
import type { AdapterName } from '../../adapters/registry';
import { int, signedPercent } from '../../model/format';
import { describeTally } from '../../model/metrics';
import type { Figures } from '../../model/results-schema';
import type { WorkloadName } from '../workloads/registry';

/** What the measurements say about one seed claim on one adapter. */
export type Verdict = 'holds' | 'differs' | 'not applicable';

/** One claim judged on one adapter. */
export interface Judgement {
  /** The measured figure, as text. */
  measured: string;
  /** Whether the claim holds here. */
  verdict: Verdict;
  /** One line on why. */
  note: string;
}

/** The part a profile plays: the seed's setup before tuning, after it, after it with 50 workers, or the commit-durability counterpart. */
export type Role = 'naive' | 'tuned' | 'tuned50' | 'durability';

/** One cell a claim reads, by role. */
export interface CellRef {
  role: Role;
  workload: WorkloadName;
}

/** A measured cell as a judge sees it. */
export interface Measured {
  figures: Figures;
  /** Settings read back from the connection. */
  settings: Record<string, string>;
}

/** A claim of the seed, the cells that measure it, and how to judge them. */
export interface SeedClaim {
  /** Short stable id. */
  id: string;
  /** The seed's words. */
  text: string;
  /** The seed's figure, as quoted. */
  figure: string;
  /** Cells that measure it (the same roles on every adapter). */
  cells: CellRef[];
  /** Turn the measured cells into a judgement; `get` throws when a cell was not measured. */
  judge(get: (role: Role, workload: WorkloadName) => Measured, adapter: AdapterName): Judgement;
}

/** Workers of the seed's concurrent load tests. */
export const SEED_WORKERS = 20;
/** Workers the seed expects its tuning to support ("50+"). */
export const SEED_MANY_WORKERS = 50;
/** "~N" figures hold within this factor either way: they are rough figures from another machine and ORM. */
export const RATIO_FACTOR = 2;
/** Quoted success rates hold within this many percentage points. */
export const RATE_POINTS = 10;

/** The workloads the seed's concurrency claims are about. */
export const CONCURRENT: WorkloadName[] = ['high-volume-insert', 'crud-mix'];

const times = (x: number) => (Number.isFinite(x) ? `×${x >= 10 ? x.toFixed(0) : x.toFixed(1)}` : '×∞');
// One decimal unless whole, so 999 of 1,000 never reads as 100 %.
const percent = (x: number) => `${Number.isInteger(x * 100) ? x * 100 : (x * 100).toFixed(1)} %`;
const rate = (f: Figures) => f.operations.succeeded / f.operations.total;
const failedOf = (f: Figures) => `${int(f.operations.failed)} of ${int(f.operations.total)} failed${f.operations.failed ? `: ${describeTally(f.errors)}` : ''}`;
const short = (w: WorkloadName) => (w === 'high-volume-insert' ? 'high-volume' : w);
const ABSOLUTE = 'absolute: another machine, disk and ORM, so reported, not judged';

/** Judge a "~claimed" figure: it holds within RATIO_FACTOR either way. */
function near(measured: number, claimed: number, subject: string, seed: string): Pick<Judgement, 'verdict' | 'note'> {
  const q = measured / claimed;
  if (q >= 1 / RATIO_FACTOR && q <= RATIO_FACTOR) return { verdict: 'holds', note: `${subject}: within a factor of ${RATIO_FACTOR} of the seed's ${seed}` };
  return { verdict: 'differs', note: `${subject}: ${q > 1 ? `more than ${RATIO_FACTOR}×` : `less than 1/${RATIO_FACTOR} of`} the seed's ${seed}` };
}

const success = (f: Figures) => `${percent(rate(f))} success (${failedOf(f)})`;

/** Judge a success rate against a quoted one, within RATE_POINTS. */
function successNear(f: Figures, claimed: number): Judgement {
  const off = Math.abs(rate(f) - claimed) * 100;
  const seed = `the seed's ${(claimed * 100).toFixed(2).replace(/\.?0+$/, '')} %`;
  return off <= RATE_POINTS
    ? { measured: success(f), verdict: 'holds', note: `within ${RATE_POINTS} points of ${seed}` }
    : { measured: success(f), verdict: 'differs', note: `${off.toFixed(0)} points ${rate(f) > claimed ? 'above' : 'below'} ${seed}` };
}

/** Judge a success rate the seed expects at least. */
function successAtLeast(f: Figures, min: number): Judgement {
  const ok = rate(f) >= min;
  const note = min === 1 ? (ok ? 'no failures after tuning' : 'failures remain after tuning') : `${ok ? 'at least' : 'below'} ${percent(min)} after tuning`;
  return { measured: success(f), verdict: ok ? 'holds' : 'differs', note };
}

/** Judge "no failures" over several cells. */
function noFailures(cells: [WorkloadName, Figures][], workers: number): Judgement {
  const failed = cells.filter(([, f]) => f.operations.failed > 0);
  const measured = cells.map(([w, f]) => `${short(w)}: ${failedOf(f)}`).join('; ');
  if (failed.length === 0) return { measured, verdict: 'holds', note: `${workers} workers, every operation succeeded` };
  return { measured, verdict: 'differs', note: `${failed.map(([w]) => short(w)).join(' and ')} had failures with ${workers} workers` };
}

/** The seed's claims, in the order of its text. */
export const SEED_CLAIMS: SeedClaim[] = [
  {
    id: 'sequential-inserts',
    text: 'Sequential Inserts: ~2,428 ops/sec (individual transactions)',
    figure: '~2,428 ops/s',
    cells: [{ role: 'naive', workload: 'insert-sequential' }],
    judge: (get) => ({ measured: `${int(get('naive', 'insert-sequential').figures.opsPerSec)} ops/s`, verdict: 'not applicable', note: ABSOLUTE }),
  },
  {
    id: 'batched-inserts',
    text: 'Batch Inserts with Transaction: ~28,321 ops/sec (significant improvement)',
    figure: '~28,321 ops/s',
    cells: [{ role: 'naive', workload: 'insert-transaction-batch' }],
    judge: (get) => {
      const f = get('naive', 'insert-transaction-batch').figures;
      return {
        measured: `${int(f.rowsPerSec)} inserts/s (${int(f.rows / Math.max(1, f.operations.succeeded))} per transaction)`,
        verdict: 'not applicable',
        note: ABSOLUTE,
      };
    },
  },
  {
    id: 'transactions-10x',
    text: 'Individual inserts without transactions are ~10x slower',
    figure: '~10x',
    cells: [
      { role: 'naive', workload: 'insert-sequential' },
      { role: 'naive', workload: 'insert-transaction-batch' },
    ],
    judge: (get) => {
      const seq = get('naive', 'insert-sequential').figures.rowsPerSec;
      const batch = get('naive', 'insert-transaction-batch').figures.rowsPerSec;
      const x = batch / seq;
      return { measured: `${times(x)} (${int(batch)} vs ${int(seq)} rows/s)`, ...near(x, 10, `batching gains ${times(x)}`, '~10x') };
    },
  },
  {
    id: 'wal-vs-delete',
    text: 'WAL Mode Impact: 4684 ops/sec vs DELETE mode (~93% improvement)',
    figure: '4,684 ops/s, ~+93 %',
    cells: [
      { role: 'tuned', workload: 'insert-sequential' },
      { role: 'durability', workload: 'insert-sequential' },
    ],
    judge: (get, adapter) => {
      if (adapter === 'mysql') {
        const flush = get('tuned', 'insert-sequential').settings.innodb_flush_log_at_trx_commit ?? '?';
        return {
          measured: `server: innodb_flush_log_at_trx_commit=${flush}`,
          verdict: 'not applicable',
          note: 'the commit flush (innodb_flush_log_at_trx_commit) is server-wide: a session cannot change it',
        };
      }
      const tuned = get('tuned', 'insert-sequential').figures.opsPerSec;
      const other = get('durability', 'insert-sequential').figures.opsPerSec;
      // SQLite's relaxed side is the tuned WAL profile; PostgreSQL's is synchronous_commit=off against the tuned default.
      const [fast, slow, label] = adapter === 'sqlite' ? [tuned, other, ['WAL', 'DELETE']] : [other, tuned, ['sync commit off', 'on']];
      const gain = fast / slow - 1;
      const subject = adapter === 'sqlite' ? `WAL gains ${signedPercent(gain, 0)}` : `the analogue, synchronous_commit=off, gains ${signedPercent(gain, 0)}`;
      return { measured: `${signedPercent(gain, 0)} (${label[0]} ${int(fast)} vs ${label[1]} ${int(slow)} ops/s)`, ...near(gain, 0.93, subject, '+93 %') };
    },
  },
  {
    id: 'concurrent-20',
    text: 'Concurrent Operations: Handles 20 concurrent threads without failures',
    figure: '20 threads, 0 failures',
    cells: CONCURRENT.flatMap((workload) => [
      { role: 'naive' as const, workload },
      { role: 'tuned' as const, workload },
    ]),
    judge: (get) => {
      const naive = noFailures(
        CONCURRENT.map((w) => [w, get('naive', w).figures]),
        SEED_WORKERS,
      );
      if (naive.verdict === 'holds') return { ...naive, note: `naive setup: ${naive.note}` };
      const tuned = noFailures(
        CONCURRENT.map((w) => [w, get('tuned', w).figures]),
        SEED_WORKERS,
      );
      const fix = tuned.verdict === 'holds' ? 'the tuned profile had none' : `the tuned profile too (${tuned.measured})`;
      return { measured: `naive: ${naive.measured}`, verdict: 'differs', note: `naive setup: ${naive.note}; ${fix}` };
    },
  },
  {
    id: 'high-volume-naive',
    text: 'The high-volume insert failures (0% success rate)',
    figure: '0 % success',
    cells: [{ role: 'naive', workload: 'high-volume-insert' }],
    judge: (get) => successNear(get('naive', 'high-volume-insert').figures, 0),
  },
  {
    id: 'high-volume-tuned',
    text: 'High-volume inserts: 100% success rate (from 0%)',
    figure: '100 % success',
    cells: [{ role: 'tuned', workload: 'high-volume-insert' }],
    judge: (get) => successAtLeast(get('tuned', 'high-volume-insert').figures, 1),
  },
  {
    id: 'crud-naive',
    text: 'CRUD operations: ... (from 77.78%)',
    figure: '77.78 % success',
    cells: [{ role: 'naive', workload: 'crud-mix' }],
    judge: (get) => successNear(get('naive', 'crud-mix').figures, 0.7778),
  },
  {
    id: 'crud-tuned',
    text: 'CRUD operations: 95%+ success rate',
    figure: '95 %+ success',
    cells: [{ role: 'tuned', workload: 'crud-mix' }],
    judge: (get) => successAtLeast(get('tuned', 'crud-mix').figures, 0.95),
  },
  {
    id: 'throughput-2-5x',
    text: 'Throughput: 2-5x improvement in ops/sec',
    figure: '2–5x',
    cells: CONCURRENT.flatMap((workload) => [
      { role: 'naive' as const, workload },
      { role: 'tuned' as const, workload },
    ]),
    judge: (get) => {
      const gains = CONCURRENT.map((w) => ({
        w,
        x: get('tuned', w).figures.opsPerSec / get('naive', w).figures.opsPerSec,
        naiveFailed: 1 - rate(get('naive', w).figures),
      }));
      const measured = `${gains.map((g) => `${short(g.w)} ${times(g.x)}`).join(', ')} (tuned ÷ naive ops/s)`;
      const outside = gains.filter((g) => !(g.x >= 2 && g.x <= 5));
      if (outside.length === 0) return { measured, verdict: 'holds', note: 'every gain within 2–5x' };
      // The size of the gain follows from how much the naive setup failed: tuning recovers failed operations, little else.
      const why = (g: (typeof gains)[number]) =>
        g.x > 5
          ? `over 5x: naive failed ${percent(g.naiveFailed)}`
          : `under 2x${g.naiveFailed === 0 ? ': nothing failed naive, so retries and backpressure had nothing to fix' : ''}`;
      const byReason = new Map<string, string[]>();
      for (const g of outside) byReason.set(why(g), [...(byReason.get(why(g)) ?? []), short(g.w)]);
      return { measured, verdict: 'differs', note: [...byReason].map(([reason, ws]) => `${ws.join(' and ')} ${reason}`).join('; ') };
    },
  },
  {
    id: 'workers-50',
    text: 'Concurrency: Support for 50+ concurrent workers',
    figure: '50+ workers',
    cells: CONCURRENT.map((workload) => ({ role: 'tuned50' as const, workload })),
    judge: (get) =>
      noFailures(
        CONCURRENT.map((w) => [w, get('tuned50', w).figures]),
        SEED_MANY_WORKERS,
      ),
  },
  {
    id: 'cause-locks',
    text: 'Database Lock Contention: SQLite uses file-level locking, causing contention under high concurrency',
    figure: 'locks cause the failures',
    cells: [{ role: 'naive', workload: 'high-volume-insert' }],
    judge: (get) => {
      const f = get('naive', 'high-volume-insert').figures;
      if (f.operations.failed === 0) return { measured: 'no failures', verdict: 'not applicable', note: 'nothing failed, so there is no failure to explain' };
      const locks = LOCK_ERROR_CLASSES.reduce((n, k) => n + (f.errors[k]?.count ?? 0), 0);
      const measured = `${int(locks)} of ${int(f.operations.failed)} failures on locks (${describeTally(f.errors)})`;
      return locks * 2 >= f.operations.failed
        ? { measured, verdict: 'holds', note: 'most failures are lock errors' }
        : { measured, verdict: 'differs', note: 'most failures are not lock errors' };
    },
  },
  {
    id: 'cause-pool',
    text: 'Connection Pool Exhaustion: Default pool settings not optimized for concurrent workers',
    figure: 'pool exhaustion causes failures',
    cells: CONCURRENT.map((workload) => ({ role: 'naive' as const, workload })),
    judge: (get, adapter) => {
      if (adapter === 'sqlite') return { measured: 'no pool', verdict: 'not applicable', note: 'each SQLite worker thread has its own connection' };
      const cells = CONCURRENT.map((w) => get('naive', w).figures);
      const failed = cells.reduce((n, f) => n + f.operations.failed, 0);
      const timeouts = cells.reduce((n, f) => n + (f.errors['pool-timeout']?.count ?? 0), 0);
      const queued = Math.max(...cells.map((f) => f.health.maxPendingAcquires));
      const measured = `${int(timeouts)} pool timeouts of ${int(failed)} failures; up to ${int(queued)} queries queued for a connection`;
      if (failed === 0)
        return {
          measured,
          verdict: 'not applicable',
          note: `nothing failed; ${queued > 0 ? 'the pool queued queries but served them' : 'the pool never queued'}`,
        };
      return timeouts * 2 >= failed
        ? { measured, verdict: 'holds', note: 'most failures are pool timeouts' }
        : { measured, verdict: 'differs', note: 'most failures are not pool timeouts' };
    },
  },
];
