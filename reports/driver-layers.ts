import type { CellResult, RunResults } from './results-schema';

type Completed = Extract<CellResult, { state: 'completed' }>;

/** One workload on one adapter measured through both layers in the same run: the cost of the query builder as a finding. */
export interface DriverLayerPair {
  /** The adapter. */
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

/** Every adapter × workload that ran on both driver paths, verified, with the first cell of each path. */
export function driverLayerPairs(results: RunResults): DriverLayerPair[] {
  const pairs: DriverLayerPair[] = [];
  const done = results.cells.filter((c): c is Completed => c.state === 'completed');
  const keys = [...new Set(done.map((c) => `${c.cell.adapter}\u0000${c.cell.workload}`))];
  for (const key of keys) {
    const [adapter, workload] = key.split('\u0000') as [string, string];
    const here = done.filter((c) => c.cell.adapter === adapter && c.cell.workload === workload);
    const knex = here.find((c) => (c.figures.driverPath ?? 'knex') === 'knex');
    const prepared = here.find((c) => c.figures.driverPath === 'prepared');
    if (knex && prepared && prepared.figures.opsPerSec > 0) pairs.push({ adapter, workload, knex, prepared, ratio: knex.figures.opsPerSec / prepared.figures.opsPerSec });
  }
  return pairs;
}
