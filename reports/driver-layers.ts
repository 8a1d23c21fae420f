import { type CellResult, databaseName, type RunResults } from '../model/results-schema';

type Completed = Extract<CellResult, { state: 'completed' }>;

/** One workload on one adapter measured through both layers in the same run: the cost of the query builder as a finding. */
export interface DriverLayerPair {
  /** The database: the adapter, or adapter@server when the run had several servers for it. */
  adapter: string;
  /** The workload. */
  workload: string;
  /** The cell that ran through knex's query builder. */
  knex: Completed;
  /** The cell that ran prepared statements on the driver. */
  prepared: Completed;
  /** knex ops/s ÷ prepared ops/s: the share of the driver's throughput left once the query builder is in the way. */
  ratio: number;
}

/** A profile's values with its name, description and driver path left out: two profiles that differ in driverPath alone have equal keys. */
function settingsBesidesDriverPath(results: RunResults, profile: string): string | undefined {
  const values = results.profiles.find((p) => p.name === profile);
  if (!values) return undefined;
  const { name: _name, description: _description, driverPath: _path, ...rest } = values;
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Every adapter × workload verified on both driver paths by profiles that differ in driverPath alone, so the ratio is
 * the query builder's cost and not, say, synchronous commit's (postgres-async-commit beside postgres-prepared pairs with nothing).
 */
export function driverLayerPairs(results: RunResults): DriverLayerPair[] {
  const pairs: DriverLayerPair[] = [];
  const done = results.cells.filter((c): c is Completed => c.state === 'completed');
  for (const prepared of done.filter((c) => c.figures.driverPath === 'prepared' && c.figures.opsPerSec > 0)) {
    const twin = settingsBesidesDriverPath(results, prepared.cell.profile);
    const knex = done.find(
      (c) =>
        databaseName(c.cell) === databaseName(prepared.cell) &&
        c.cell.workload === prepared.cell.workload &&
        (c.figures.driverPath ?? 'knex') === 'knex' &&
        twin !== undefined &&
        settingsBesidesDriverPath(results, c.cell.profile) === twin,
    );
    if (knex)
      pairs.push({
        adapter: databaseName(prepared.cell),
        workload: prepared.cell.workload,
        knex,
        prepared,
        ratio: knex.figures.opsPerSec / prepared.figures.opsPerSec,
      });
  }
  return pairs;
}
