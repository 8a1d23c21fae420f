// `npm run stall`: what coordinated omission hides. The same PostgreSQL workload runs twice, closed loop and
// open loop (--rate), each while another connection locks its table for a few seconds mid-run; both sets of latency
// percentiles are printed side by side. A measurement, not a test: it passes or fails nothing.
// Environment: DBMATRIX_POSTGRES_URL (else Testcontainers), STALL_RATE (ops/s, default 200), STALL_HOLD_MS (3000),
// STALL_DURATION_MS (10000), STALL_WORKERS (4).
import Table from 'cli-table3';
import { ThreadPool } from '../matrix/workers';
import { ms } from '../model/format';
import type { CellResult } from '../model/results-schema';
import { behindSchedule } from '../reports/load-mode';
import { firstServers, resolveServers } from '../servers/resolve';
import { type StalledRun, stalledRun } from './stalled-run';

const RATE = Number(process.env.STALL_RATE ?? 200);
const HOLD_MS = Number(process.env.STALL_HOLD_MS ?? 3000);
const DURATION_MS = Number(process.env.STALL_DURATION_MS ?? 10_000);
const WORKERS = Number(process.env.STALL_WORKERS ?? 4);
/** The lock is taken this long after measuring begins: a third of the way in. */
const LOCK_AFTER_MS = Math.round(DURATION_MS / 3);

function figuresOf(r: CellResult) {
  if (r.state === 'completed') return r.figures;
  throw new Error(`the cell did not complete: ${r.state === 'failed' ? r.reasons.join('; ') : r.reason}`);
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const resolved = await resolveServers(['postgres'], { log, oneEach: 'the stall bench' });
  const threads = new ThreadPool();
  const runs: [string, StalledRun][] = [];
  try {
    for (const rate of [null, RATE]) {
      const label = rate === null ? 'closed loop' : `open loop, --rate ${RATE}`;
      log(`stall: ${label}: hot-row-update, ${WORKERS} workers, ${DURATION_MS / 1000} s, table locked ${HOLD_MS / 1000} s from ${LOCK_AFTER_MS / 1000} s in`);
      const run = await stalledRun({
        server: firstServers(resolved).postgres!,
        workload: 'hot-row-update',
        settings: [`postgres.workers=${WORKERS}`],
        durationMs: DURATION_MS,
        rate,
        lockTable: 'hot',
        lockAfterMs: LOCK_AFTER_MS,
        holdMs: HOLD_MS,
        threads,
      });
      runs.push([label, run]);
    }
  } finally {
    await threads.close();
    await resolved.release();
  }
  const table = new Table({ head: ['', ...runs.map(([label]) => label)], style: { head: [], border: [] } });
  const row = (name: string, pick: (r: StalledRun) => string) => table.push([name, ...runs.map(([, r]) => pick(r))]);
  row('ops/s', (r) => figuresOf(r.result).opsPerSec.toFixed(1));
  row('operations', (r) => String(figuresOf(r.result).operations.total));
  for (const p of ['p50', 'p90', 'p99', 'p999', 'max'] as const) row(`latency ${p === 'p999' ? 'p99.9' : p} ms`, (r) => ms(figuresOf(r.result).latencyMs[p]));
  row('attempt p50 / p99 ms', (r) => `${ms(figuresOf(r.result).attemptLatencyMs.p50)} / ${ms(figuresOf(r.result).attemptLatencyMs.p99)}`);
  row('lock held ms', (r) => r.heldMs.toFixed(0));
  row('behind schedule', (r) => behindSchedule(figuresOf(r.result)) ?? 'no');
  process.stdout.write(`${table.toString()}\n`);
  process.stdout.write(
    'latency: successful operations end to end (closed loop: from the actual start; open loop: from the due time); attempt: one try, from its actual start.\n',
  );
}

main().catch((err) => {
  process.stderr.write(`stall: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
