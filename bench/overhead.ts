// `npm run bench`: how much throughput the harness costs. For each adapter, the same statements through the same knex
// path, once driven by dbmatrix's runner (claims, histograms, retries, ledgers) and once by a bare loop, in alternating
// rounds so drift on a shared machine falls on both; the ratio is harness ÷ bare. A benchmark, not a test: it prints.
import Table from 'cli-table3';
import knexFactory, { type Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Profile, ServerAddress } from '../adapters/contract';
import { ADAPTER_NAMES, type AdapterName, adapterFor } from '../adapters/registry';
import { OwnedTables, newRunId, tablePrefix } from '../matrix/namespace';
import { parseAdapterList, resolveProfiles } from '../matrix/profiles';
import { silentProgress } from '../matrix/progress';
import { MatrixRun } from '../matrix/runner';
import { UserError } from '../matrix/user-error';
import { ThreadPool } from '../matrix/workers';
import type { CellContext } from '../matrix/workloads/contract';
import { createKeyedTable, keyedRow } from '../matrix/workloads/keyed-rows';
import { loadReadTable } from '../matrix/workloads/read-table';
import { resolveServers } from '../servers/resolve';

/** Operations per measurement, rounds per pair: enough for a stable median in a minute or two per adapter. */
const OPS = Number(process.env.DBMATRIX_BENCH_OPS ?? 5000);
const ROUNDS = 3;

/** What a bare loop keeps between calls: its table, the rows loaded, the next key to insert. */
interface BareState {
  table: string;
  rows: number;
  next?: number;
}

/** A bare loop over the same statements a workload issues, with nothing of the harness around it; setup is not timed. */
const BARE: Record<'insert-sequential' | 'read-point', { setup(ctx: CellContext): Promise<BareState>; loop(ctx: CellContext, state: BareState, ops: number): Promise<void> }> = {
  'insert-sequential': {
    async setup(ctx) {
      const table = ctx.table('bseq');
      await createKeyedTable(ctx, table);
      return { table, rows: 0, next: 1 };
    },
    async loop(ctx, state, ops) {
      for (let i = 0; i < ops; i++) await ctx.knex(state.table).insert(keyedRow(0, state.next!++));
    },
  },
  'read-point': {
    setup: (ctx) => loadReadTable(ctx, 'brp'),
    async loop(ctx, { table, rows }, ops) {
      for (let i = 0; i < ops; i++) await ctx.knex(table).select('id', 'payload').where({ id: 1 + Math.floor(Math.random() * rows) });
    },
  },
};
type BenchWorkload = keyof typeof BARE;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Ops/s of the bare loop; setup is outside the timing, as the runner's load phase is. */
async function bare(profile: Profile, server: ServerAddress, workload: BenchWorkload, runId: string): Promise<number> {
  const adapter = adapterFor(profile.adapter as AdapterName);
  const knex: Knex = knexFactory(adapter.knexConfig(server, profile));
  const owned = new OwnedTables(tablePrefix(runId));
  const ctx: CellContext = { knex, adapter, profile, table: (s) => owned.name(s), createTable: (name, build) => owned.create(knex, name, build) };
  try {
    const state = await BARE[workload].setup(ctx);
    // The runner's warm-up, so both sides measure a warm connection and warm code.
    await BARE[workload].loop(ctx, state, 200);
    const t = performance.now();
    await BARE[workload].loop(ctx, state, OPS);
    return OPS / ((performance.now() - t) / 1000);
  } finally {
    await owned.dropAll(knex);
    await knex.destroy();
  }
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
  const table = new Table({ head: ['adapter', 'workload', 'harness ops/s', 'bare loop ops/s', 'ratio', 'rounds'], style: { head: [], border: [] } });
  try {
    for (const name of adapters) {
      const [profile] = resolveProfiles({ adapters: [name], settings: [`${name}.workers=1`] });
      for (const workload of Object.keys(BARE) as BenchWorkload[]) {
        const h: number[] = [];
        const b: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const server = resolved.servers[name] ?? { url: join(sqliteDir, `bare-${workload}-${round}.db`), provider: 'file' as const };
          // Alternate which goes first, so a slowly warming or cooling machine favours neither.
          const order = round % 2 === 0 ? ['h', 'b'] : ['b', 'h'];
          for (const which of order) {
            if (which === 'h') h.push(await harness(profile!, resolved.servers[name], sqliteDir, workload, newRunId(), threads));
            else b.push(await bare(profile!, server, workload, newRunId()));
          }
          log(`bench ${name} × ${workload}: round ${round + 1}/${ROUNDS}: harness ${Math.round(h.at(-1)!)} ops/s, bare ${Math.round(b.at(-1)!)} ops/s`);
        }
        const ratio = median(h) / median(b);
        table.push([name, workload, Math.round(median(h)).toLocaleString('en-US'), Math.round(median(b)).toLocaleString('en-US'), ratio.toFixed(2), String(ROUNDS)]);
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
