import type { PeerResult, ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { measureCeiling } from '../matrix/ceiling';
import { newRunId } from '../matrix/namespace';
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
        const profile = benchProfile(adapter, c.clients, 'prepared');
        r = await measureCeiling({ adapter, server, profile, workload: c.workload, params: {}, clients: c.clients, ops: opsFor(setting, c.workload) });
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
