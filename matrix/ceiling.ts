// The native ceiling: the server's own benchmark client (pgbench, sysbench) over the statement a cell issues, at the
// cell's concurrency, on a table shaped as the cell's, so a report can say how much of the server's rate reached the
// user through Node, the driver and knex. `dbmatrix run --ceiling` takes turns with the cell's repeats; `npm run bench`
// compares the harness's two paths with it.
import knexFactory from 'knex';
import { errorMessage, type NativePeer, type PeerResult, type PeerStatement, type Profile, type ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { median } from '../model/noise';
import type { Ceiling, CellResult } from '../model/results-schema';
import { cellContext, newRunId, OwnedTables, tablePrefix } from './namespace';
import type { CellContext, WorkloadParams } from './workloads/contract';
import { createKeyedTable } from './workloads/keyed-rows';
import { loadReadTable, type ReadTableParams, readTableParams } from './workloads/read-table';

/** The built-in workloads a native client can run as they do, with the statement it runs for each. */
export const CEILING_STATEMENTS: Readonly<Record<string, PeerStatement>> = { 'insert-sequential': 'insert', 'read-point': 'point-select' };

/** One measurement of the native client on a workload's statement. */
export interface CeilingRequest {
  /** The server adapter. */
  adapter: AdapterName;
  /** The server, as the cell reached it. */
  server: ServerAddress;
  /** The cell's profile (its session settings shape the table's connection). */
  profile: Profile;
  /** The built-in workload whose statement the client runs (one of CEILING_STATEMENTS). */
  workload: string;
  /** The workload's parameters as the cell ran with them (the read table's size). */
  params: WorkloadParams;
  /** Connections: the cell's workers. */
  clients: number;
  /** Statements in all: the cell's measured operations. */
  ops: number;
}

/** The adapter's native client, or undefined where it has none (a file database). */
export function nativePeerOf(adapter: AdapterName): NativePeer | undefined {
  return adapterFor(adapter).nativePeer;
}

/** Run the native client once on a table of its own, made as the workload makes its own and dropped afterwards. */
export async function measureCeiling(req: CeilingRequest): Promise<PeerResult> {
  const a = adapterFor(req.adapter);
  const peer = a.nativePeer;
  const statement = CEILING_STATEMENTS[req.workload];
  if (!peer || !statement) throw new Error(`no native client runs ${req.workload} on ${req.adapter}`);
  const knex = knexFactory(a.knexConfig(req.server, req.profile));
  const owned = new OwnedTables(tablePrefix(newRunId()));
  const ctx = cellContext(knex, a, req.profile, readTableParams.parse(req.params), owned) as CellContext<ReadTableParams>;
  try {
    let table: string;
    let rows = 0;
    if (statement === 'insert') await createKeyedTable(ctx, (table = ctx.table('ceil')));
    else ({ table, rows } = await loadReadTable(ctx, 'ceil'));
    return await peer.run({ table, statement, rows, clients: req.clients, ops: req.ops, url: req.server.url });
  } finally {
    await owned.dropAll(knex);
    await knex.destroy();
  }
}

/**
 * Native-client rounds taken in turns with a run's cells, one after each completed repeat of a cell it can run, so
 * drift on a shared machine falls on both alike. What cannot be measured (a file database, a workload no native client
 * runs, a tool not installed) is said once, in one line, and the cells go on without a ceiling.
 */
export class CeilingRounds {
  /** What was already said, so each reason is one line per run. */
  private readonly said = new Set<string>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly params: Record<string, WorkloadParams>,
  ) {}

  /** One round after a repeat of the cell; undefined when the cell gets no ceiling. */
  async round(profile: Profile, workload: string, server: ServerAddress | undefined, result: CellResult): Promise<PeerResult | undefined> {
    if (result.state !== 'completed') return undefined;
    const adapter = profile.adapter as AdapterName;
    const peer = nativePeerOf(adapter);
    if (!peer || !server)
      return this.once(`${adapter}`, `--ceiling: ${adapter} has no native client (its driver runs in this process); its cells have no ceiling`);
    if (!CEILING_STATEMENTS[workload])
      return this.once(
        workload,
        `--ceiling: no native client runs ${workload} (${Object.keys(CEILING_STATEMENTS).join(' and ')} only); its cells have no ceiling`,
      );
    const f = result.figures;
    try {
      const clients = f.workers;
      return await measureCeiling({
        adapter,
        server,
        profile,
        workload,
        params: this.params[workload] ?? {},
        clients,
        ops: Math.max(f.operations.total, clients),
      });
    } catch (err) {
      // The tool's own diagnostics follow its first line: kept, on one line.
      const message = errorMessage(err)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' / ');
      if (/is not installed/.test(message))
        return this.once(peer.tool, `--ceiling: ${peer.tool} is not installed (${peer.install}); ${adapter} cells have no ceiling`);
      this.log(`--ceiling: ${peer.tool} failed on ${adapter} × ${workload}: ${message}`);
      return undefined;
    }
  }

  /** Say `line` the first time `key` comes up. */
  private once(key: string, line: string): undefined {
    if (!this.said.has(key)) this.log(line);
    this.said.add(key);
    return undefined;
  }
}

/** The cell's result with the native ceiling of its rounds (the median), and its throughput as a share of it; unchanged without rounds. */
export function withCeiling(result: CellResult, rounds: PeerResult[]): CellResult {
  if (rounds.length === 0 || result.state === 'skipped' || !result.figures) return result;
  const opsPerSec = median(rounds.map((r) => r.opsPerSec));
  const last = rounds.at(-1)!;
  const ceiling: Ceiling = {
    tool: last.tool,
    opsPerSec: Math.round(opsPerSec * 10) / 10,
    rounds: rounds.map((r) => Math.round(r.opsPerSec * 10) / 10),
    share: opsPerSec > 0 ? Math.round((result.figures.opsPerSec / opsPerSec) * 1000) / 1000 : 0,
    command: last.command,
    script: last.script,
  };
  return { ...result, figures: { ...result.figures, ceiling } };
}
