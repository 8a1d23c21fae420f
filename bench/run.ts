// `npm run bench`: what the harness itself costs, and how far the Node driver paths are from the servers' own benchmark
// clients. Every comparison is measured in one run, in alternating rounds, and printed as a ratio; it is a benchmark,
// not a test: it prints figures and passes or fails nothing.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { ADAPTER_NAMES, type AdapterName, adapterFor } from '../adapters/registry';
import { parseAdapterList } from '../config/profiles';
import { DRIVER_PATHS } from '../driver-paths/contract';
import { newRunId } from '../matrix/namespace';
import { ThreadPool } from '../matrix/workers';
import { int } from '../model/format';
import { median } from '../model/noise';
import { UserError } from '../model/user-error';
import { firstServers, resolveServers } from '../servers/resolve';
import { BARE, type BenchWorkload, bare } from './bare-loop';
import { alternating, type BenchSetting, bareInThread, benchProfile, harness, opsFor } from './measure';
import { PEER_CASES, type PeerRow, peerRow } from './peer-ratios';

/** Operations per measurement, rounds per comparison: a stable median in a few minutes for all three adapters. */
const OPS = Number(process.env.DBMATRIX_BENCH_OPS ?? 5000);
const ROUNDS = Number(process.env.DBMATRIX_BENCH_ROUNDS ?? 3);

const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '-');

async function main(): Promise<void> {
  const arg = process.argv.find((a) => a.startsWith('--adapter='));
  const adapters: AdapterName[] = arg ? parseAdapterList(arg.slice('--adapter='.length)) : [...ADAPTER_NAMES];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const resolved = await resolveServers(adapters, { log, oneEach: 'npm run bench' });
  const servers = firstServers(resolved);
  const setting: BenchSetting = { ops: OPS, sqliteDir: mkdtempSync(join(tmpdir(), 'dbmatrix-bench-')), threads: new ThreadPool() };
  const overhead = new Table({
    head: ['adapter', 'workload', 'path', 'harness ops/s', 'bare loop ops/s', 'harness ÷ bare', 'bare loop in a thread', 'harness ÷ bare in a thread'],
    style: { head: [], border: [] },
  });
  const peers: PeerRow[] = [];
  try {
    for (const name of adapters) {
      const server = servers[name];
      // SQLite workers run in threads: a bare loop in a thread shows how much of the gap is the thread, not the harness.
      const threaded = adapterFor(name).capabilities.threadedWorkers;
      for (const workload of Object.keys(BARE) as BenchWorkload[]) {
        for (const path of DRIVER_PATHS) {
          const profile = benchProfile(name, 1, path);
          let n = 0;
          const target = (kind: string) => server ?? { url: join(setting.sqliteDir, `bare-${kind}-${workload}-${path}-${n++}.db`), provider: 'file' as const };
          const steps = {
            harness: () => harness(profile, server, workload, setting),
            bare: () => bare(profile, target('main'), workload, path, newRunId(), opsFor(setting, workload)),
            ...(threaded ? { thread: () => bareInThread(profile, target('thread'), workload, path, opsFor(setting, workload)) } : {}),
          };
          const m = await alternating(ROUNDS, steps as Record<'harness' | 'bare' | 'thread', () => Promise<number>>, (i, last) =>
            log(
              `bench ${name} × ${workload} × ${path}: round ${i + 1}/${ROUNDS}: harness ${Math.round(last.harness)}, bare ${Math.round(last.bare)}${threaded ? `, bare in a thread ${Math.round(last.thread)}` : ''} ops/s`,
            ),
          );
          const [h, b] = [median(m.harness), median(m.bare)];
          const t = threaded ? median(m.thread) : 0;
          overhead.push([name, workload, path, int(h), int(b), ratio(h, b), threaded ? int(t) : '-', threaded ? ratio(h, t) : '-']);
        }
      }
      for (const c of PEER_CASES) {
        if (!adapterFor(name).server && c.clients > 1) continue; // no server client to compare readers over many connections with
        peers.push(await peerRow(name, server ?? { url: '', provider: 'file' }, c, setting, ROUNDS, log));
      }
    }
  } finally {
    await setting.threads.close();
    rmSync(setting.sqliteDir, { recursive: true, force: true });
    await resolved.release();
  }
  const peerTable = new Table({
    head: ['adapter', 'workload', 'clients', 'peer', 'peer ops/s', 'prepared ops/s', 'prepared ÷ peer', 'knex ops/s', 'knex ÷ peer'],
    style: { head: [], border: [] },
  });
  for (const p of peers)
    peerTable.push([p.adapter, p.workload, p.clients, p.tool, int(p.peer), int(p.prepared), ratio(p.prepared, p.peer), int(p.knex), ratio(p.knex, p.peer)]);
  const out = [
    `Harness overhead: one worker, ${OPS.toLocaleString('en-US')} operations per measurement (read-point ${(OPS * 4).toLocaleString('en-US')}), medians of ${ROUNDS} alternating rounds; ratio = harness ÷ a bare loop over the same statements on the same path (goal ≥ 0.95)`,
    overhead.toString(),
    '',
    `Peers: the same statement at the same concurrency through the server's own benchmark client; ratio = dbmatrix ÷ peer (goal for the prepared path ≥ 0.9)`,
    peerTable.toString(),
    '',
    'Reproduce a peer figure by hand: bench/peer-scripts.md. Commands run:',
    ...peers.filter((p) => p.command).map((p) => `  ${p.command}`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err) => {
  if (err instanceof UserError) {
    process.stderr.write(`dbmatrix bench: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
});
