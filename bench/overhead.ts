// `npm run bench`: how much throughput the harness costs. For each adapter, the same statements through the same knex
// path, once driven by dbmatrix's runner (claims, histograms, retries, ledgers) and once by a bare loop, in alternating
// rounds so drift on a shared machine falls on both; the ratio is harness ÷ bare. A benchmark, not a test: it prints.
import Table from 'cli-table3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Profile, ServerAddress } from '../adapters/contract';
import { ADAPTER_NAMES, type AdapterName, adapterFor } from '../adapters/registry';
import { newRunId } from '../matrix/namespace';
import { parseAdapterList, resolveProfiles } from '../matrix/profiles';
import { silentProgress } from '../matrix/progress';
import { MatrixRun } from '../matrix/runner';
import { UserError } from '../matrix/user-error';
import { ThreadPool } from '../matrix/workers';
import { BARE, type BenchWorkload, bare } from './bare-loop';
import { int } from '../reports/format';
import { median } from '../reports/noise';
import { resolveServers } from '../servers/resolve';

/** Operations per measurement, rounds per pair: enough for a stable median in a minute or two per adapter. */
const OPS = Number(process.env.DBMATRIX_BENCH_OPS ?? 5000);
const ROUNDS = 3;


/** The bare loop inside a worker thread loaded as the harness loads its threads. */
function bareInThread(profile: Profile, server: ServerAddress, workload: BenchWorkload, runId: string): Promise<number> {
  const thread = new Worker(join(__dirname, 'bare-thread.ts'), { execArgv: ['--require', 'tsx/cjs'], workerData: { profile, server, workload, runId, ops: OPS } });
  return new Promise<number>((resolve, reject) => {
    thread.once('message', (m: { opsPerSec?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.opsPerSec!)));
    thread.once('error', reject);
  }).finally(() => thread.terminate());
}

/** Ops/s of the runner doing the same, one worker, warm-up excluded. */
async function harness(profile: Profile, server: ServerAddress | undefined, sqliteDir: string, workload: BenchWorkload, runId: string, threads: ThreadPool): Promise<number> {
  const run = new MatrixRun({
    runId,
    profiles: [profile],
    workloads: [workload],
    servers: server ? { [profile.adapter]: server } : {},
    sqliteDir,
    ops: OPS,
    durationMs: null,
    warmupOps: 200,
    maxErrorRate: 0,
    progress: silentProgress,
    threads,
  });
  const [r] = await run.run();
  if (!r || r.state !== 'completed') throw new Error(`harness cell ${profile.name} × ${workload} did not complete: ${r && r.state === 'failed' ? r.reasons.join('; ') : r?.state}`);
  return r.figures.opsPerSec;
}

async function main(): Promise<void> {
  const arg = process.argv.find((a) => a.startsWith('--adapter='));
  const adapters: AdapterName[] = arg ? parseAdapterList(arg.slice('--adapter='.length)) : [...ADAPTER_NAMES];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const resolved = await resolveServers(adapters, {}, process.env, log);
  const sqliteDir = mkdtempSync(join(tmpdir(), 'dbmatrix-bench-'));
  const threads = new ThreadPool();
  const table = new Table({ head: ['adapter', 'workload', 'harness ops/s', 'bare loop ops/s', 'harness ÷ bare', 'bare in a worker thread', 'harness ÷ bare thread'], style: { head: [], border: [] } });
  try {
    for (const name of adapters) {
      const [profile] = resolveProfiles({ adapters: [name], settings: [`${name}.workers=1`] });
      // SQLite workers run in threads: a bare loop in a thread shows how much of the gap is the thread, not the harness.
      const threaded = adapterFor(name).capabilities.threadedWorkers;
      for (const workload of Object.keys(BARE) as BenchWorkload[]) {
        const h: number[] = [];
        const b: number[] = [];
        const bt: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const server = (kind: string) => resolved.servers[name] ?? { url: join(sqliteDir, `bare-${kind}-${workload}-${round}.db`), provider: 'file' as const };
          // Alternate the order, so a slowly warming or cooling machine favours none of them.
          const steps = [
            async () => h.push(await harness(profile!, resolved.servers[name], sqliteDir, workload, newRunId(), threads)),
            async () => b.push(await bare(profile!, server('main'), workload, newRunId(), OPS)),
            ...(threaded ? [async () => bt.push(await bareInThread(profile!, server('thread'), workload, newRunId()))] : []),
          ];
          for (const step of round % 2 === 0 ? steps : [...steps].reverse()) await step();
          log(`bench ${name} × ${workload}: round ${round + 1}/${ROUNDS}: harness ${Math.round(h.at(-1)!)} ops/s, bare ${Math.round(b.at(-1)!)} ops/s${threaded ? `, bare in a thread ${Math.round(bt.at(-1)!)} ops/s` : ''}`);
        }
        table.push([
          name,
          workload,
          int(median(h)),
          int(median(b)),
          (median(h) / median(b)).toFixed(2),
          threaded ? int(median(bt)) : '-',
          threaded ? (median(h) / median(bt)).toFixed(2) : '-',
        ]);
      }
    }
  } finally {
    await threads.close();
    rmSync(sqliteDir, { recursive: true, force: true });
    await resolved.release();
  }
  process.stdout.write(`Harness overhead: one worker, ${OPS.toLocaleString('en-US')} operations per measurement, medians of ${ROUNDS} alternating rounds; ratio = harness ÷ bare loop (goal ≥ 0.95)\n${table.toString()}\n`);
}

main().catch((err) => {
  if (err instanceof UserError) {
    process.stderr.write(`dbmatrix bench: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
});
