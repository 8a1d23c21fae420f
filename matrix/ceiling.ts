// The native ceiling: the server's own benchmark client (pgbench, sysbench) over the statement a cell issues, at the
// cell's concurrency, on a table shaped as the cell's, so a report can say how much of the server's rate reached the
// user through Node, the driver and knex. `dbmatrix run --ceiling` takes turns with the cell's repeats; `npm run bench`
// compares the harness's two paths with it.
import knexFactory from 'knex';
import {
  errorMessage,
  type NativePeer,
  type PeerParam,
  type PeerResult,
  type PeerScriptRequest,
  type PeerStatement,
  type Profile,
  type ServerAddress,
} from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { median } from '../model/noise';
import type { Ceiling, CellResult } from '../model/results-schema';
import { cellContext, newRunId, OwnedTables, tablePrefix } from './namespace';
import type { CellContext, WorkloadParams } from './workloads/contract';
import { createKeyedTable } from './workloads/keyed-rows';
import { loadReadTable, type ReadTableParams, readTableParams } from './workloads/read-table';
import { isSqlScriptFile, loadWorkload, type WorkloadRef } from './workloads/sources';
import { readSqlScript } from './workloads/sql-script/load';
import { partsOf } from './workloads/sql-script/schema';
import { sqlFor, withTables } from './workloads/sql-script/sql-text';
import type { ScriptState } from './workloads/sql-script/workload';

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
  /** The workload whose statements the client runs: a built-in one of CEILING_STATEMENTS, or an SQL-script workload's file. */
  workload: WorkloadRef;
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

/** Whether a native client can run the workload: a built-in one of CEILING_STATEMENTS, or an SQL-script workload. */
export const hasCeiling = (workload: WorkloadRef) => Object.hasOwn(CEILING_STATEMENTS, workload) || isSqlScriptFile(workload);

/** A workload the native client cannot run as the cell does (a parameter its scripts cannot draw): no ceiling, and why. */
export class NoCeiling extends Error {}

/** Run the native client once on tables of its own, made and loaded as the workload makes its own, and dropped afterwards. */
export async function measureCeiling(req: CeilingRequest): Promise<PeerResult> {
  const a = adapterFor(req.adapter);
  const peer = a.nativePeer;
  if (!peer || !hasCeiling(req.workload)) throw new Error(`no native client runs ${req.workload} on ${req.adapter}`);
  const knex = knexFactory(a.knexConfig(req.server, req.profile));
  const owned = new OwnedTables(tablePrefix(newRunId()));
  const ctx = cellContext(knex, a, req.profile, readTableParams.parse(req.params), owned) as CellContext<ReadTableParams>;
  try {
    const statement = CEILING_STATEMENTS[req.workload];
    if (!statement) return await peer.runScript({ ...(await scriptFor(req, ctx)), clients: req.clients, ops: req.ops, url: req.server.url });
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

/** An SQL-script workload's statements and parameters for the native client, on tables its own setup made and loaded. */
async function scriptFor(req: CeilingRequest, ctx: CellContext): Promise<Pick<PeerScriptRequest, 'statements' | 'params'>> {
  const script = readSqlScript(req.workload);
  const params: Record<string, PeerParam> = {};
  for (const [name, g] of Object.entries(script.params)) {
    if (g.latest) throw new NoCeiling(`parameter ${name} draws the latest values of a sequence, which pgbench and sysbench scripts cannot`);
    params[name] = g.sequence ? { sequence: { first: g.sequence.start } } : (g as PeerParam);
  }
  const state = (await loadWorkload(req.workload).setup(ctx)) as ScriptState;
  // A sequence goes on after the values the loader took, as the cell's workers do.
  for (const [name, n] of Object.entries(state.loaded)) {
    const p = params[name];
    if (p && 'sequence' in p) params[name] = { sequence: { first: p.sequence.first + n } };
  }
  const statements = script.statements.map((s, i) => ({
    name: s.name,
    weight: s.weight,
    parts: partsOf(s, i).map(([, text]) => withTables(sqlFor(text, req.adapter)!, (t) => state.tables[t]!)),
  }));
  return { statements, params };
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
  async round(profile: Profile, workload: WorkloadRef, server: ServerAddress | undefined, result: CellResult): Promise<PeerResult | undefined> {
    if (result.state !== 'completed') return undefined;
    const adapter = profile.adapter as AdapterName;
    const peer = nativePeerOf(adapter);
    const name = result.cell.workload;
    if (!peer || !server)
      return this.once(`${adapter}`, `--ceiling: ${adapter} has no native client (its driver runs in this process); its cells have no ceiling`);
    if (!hasCeiling(workload))
      return this.once(
        name,
        `--ceiling: no native client runs ${name} (${Object.keys(CEILING_STATEMENTS).join(', ')} and SQL-script workloads only); its cells have no ceiling`,
      );
    const f = result.figures;
    try {
      const clients = f.workers;
      return await measureCeiling({ adapter, server, profile, workload, params: this.params[name] ?? {}, clients, ops: Math.max(f.operations.total, clients) });
    } catch (err) {
      if (err instanceof NoCeiling) return this.once(name, `--ceiling: ${name} has no ceiling: ${err.message}`);
      // The tool's own diagnostics follow its first line: kept, on one line.
      const message = errorMessage(err)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' / ');
      if (/is not installed/.test(message))
        return this.once(peer.tool, `--ceiling: ${peer.tool} is not installed (${peer.install}); ${adapter} cells have no ceiling`);
      this.log(`--ceiling: ${peer.tool} failed on ${adapter} × ${name}: ${message}`);
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
