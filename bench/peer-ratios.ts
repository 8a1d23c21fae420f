import knexFactory from 'knex';
import type { NativePeer, PeerResult, PeerStatement, ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { cellContext, newRunId, OwnedTables, tablePrefix } from '../matrix/namespace';
import type { CellContext } from '../matrix/workloads/contract';
import { createKeyedTable } from '../matrix/workloads/keyed-rows';
import { loadReadTable, type ReadTableParams, readTableParams } from '../matrix/workloads/read-table';
import { median } from '../model/noise';
import { bare } from './bare-loop';
import { alternating, type BenchSetting, benchProfile, harness, opsFor } from './measure';

/** One comparison with a peer: the same statement at the same concurrency. */
export interface PeerCase {
  /** The dbmatrix workload whose statement the peer runs. */
  workload: 'insert-sequential' | 'read-point';
  /** Connections on both sides (insert-sequential is one writer by definition). */
  clients: number;
}

/** The cases every server adapter is compared on: one writer, one reader, and readers at the default profile's workers. */
export const PEER_CASES: PeerCase[] = [
  { workload: 'insert-sequential', clients: 1 },
  { workload: 'read-point', clients: 1 },
  { workload: 'read-point', clients: 8 },
];

/** A measured comparison. */
export interface PeerRow extends PeerCase {
  /** The adapter compared. */
  adapter: AdapterName;
  /** The peer tool as it named itself. */
  tool: string;
  /** Median ops/s of the peer. */
  peer: number;
  /** Median ops/s of dbmatrix on the prepared path. */
  prepared: number;
  /** Median ops/s of dbmatrix on the knex path. */
  knex: number;
  /** The last peer command, to reproduce it. */
  command?: string;
}

const STATEMENT: Record<PeerCase['workload'], PeerStatement> = { 'insert-sequential': 'insert', 'read-point': 'point-select' };

/** The server's own client as the peer, on a table made here as the workload makes its own, dropped afterwards. */
async function peerOnce(adapter: AdapterName, peer: NativePeer, server: ServerAddress, c: PeerCase, ops: number): Promise<PeerResult> {
  const profile = benchProfile(adapter, c.clients, 'prepared');
  const a = adapterFor(adapter);
  const knex = knexFactory(a.knexConfig(server, profile));
  const owned = new OwnedTables(tablePrefix(newRunId()));
  const ctx = cellContext(knex, a, profile, readTableParams.parse({}), owned) as CellContext<ReadTableParams>;
  try {
    let table: string;
    let rows = 0;
    if (c.workload === 'insert-sequential') await createKeyedTable(ctx, (table = ctx.table('pseq')));
    else ({ table, rows } = await loadReadTable(ctx, 'prp'));
    return await peer.run({ table, statement: STATEMENT[c.workload], rows, clients: c.clients, ops, url: server.url });
  } finally {
    await owned.dropAll(knex);
    await knex.destroy();
  }
}

/** Compare dbmatrix's two paths with the adapter's peer on one case: its server's own client, or else its driver alone in a bare loop. */
export async function peerRow(
  adapter: AdapterName,
  server: ServerAddress,
  c: PeerCase,
  setting: BenchSetting,
  rounds: number,
  log: (line: string) => void,
): Promise<PeerRow> {
  const a = adapterFor(adapter);
  const peer = a.nativePeer;
  let tool = `${a.client} alone (bare prepared loop)`;
  let command: string | undefined;
  // A file database gets a new file each round; a server, the same one.
  const target = (round: number) =>
    a.server ? server : { url: `${setting.sqliteDir}/peer-${c.workload}-${round}-${Date.now()}.db`, provider: 'file' as const };
  const harnessTarget = a.server ? server : undefined;
  let round = 0;
  let missing = false;
  const steps = {
    peer: async () => {
      if (!peer) return bare(benchProfile(adapter, 1, 'prepared'), target(round++), c.workload, 'prepared', newRunId(), opsFor(setting, c.workload));
      if (missing) return 0;
      let r: PeerResult;
      try {
        r = await peerOnce(adapter, peer, server, c, opsFor(setting, c.workload));
      } catch (err) {
        // A missing tool costs its column, not the bench: the row says what to install.
        if (!/is not installed/.test(String(err))) throw err;
        missing = true;
        tool = `${peer.tool} not installed (${peer.install})`;
        return 0;
      }
      tool = r.tool;
      command = `${r.command}   # script ${r.scriptName}: see bench/peer-scripts.md`;
      return r.opsPerSec;
    },
    prepared: () => harness(benchProfile(adapter, c.clients, 'prepared'), harnessTarget, c.workload, setting),
    knex: () => harness(benchProfile(adapter, c.clients, 'knex'), harnessTarget, c.workload, setting),
  };
  const m = await alternating(rounds, steps, (i, last) =>
    log(
      `bench ${adapter} × ${c.workload} × ${c.clients} client(s) against ${tool}: round ${i + 1}/${rounds}: peer ${Math.round(last.peer)}, prepared ${Math.round(last.prepared)}, knex ${Math.round(last.knex)} ops/s`,
    ),
  );
  return { ...c, adapter, tool, peer: median(m.peer), prepared: median(m.prepared), knex: median(m.knex), command };
}
