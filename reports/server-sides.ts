import type { CellResult } from '../model/results-schema';

/** One adapter's servers in a run side by side: a row per profile and workload, a column per server. */
export interface ServerSideBySide {
  /** The adapter whose servers these are. */
  adapter: string;
  /** Each server's label in the order the run measured them; the others are measured against the first. */
  servers: string[];
  /** One row per profile and workload, with each server's cell in the order of `servers` (undefined where it has none). */
  rows: { profile: string; workload: string; cells: (CellResult | undefined)[] }[];
}

/** The adapters of a run that were measured on more than one server; empty when each adapter had one. */
export function serversSideBySide(cells: CellResult[]): ServerSideBySide[] {
  const adapters = [...new Set(cells.map((c) => c.cell.adapter))];
  return adapters.flatMap((adapter) => {
    const own = cells.filter((c) => c.cell.adapter === adapter);
    const servers = [...new Set(own.map((c) => c.cell.serverLabel ?? ''))];
    if (servers.length < 2) return [];
    const keys = [...new Map(own.map((c) => [`${c.cell.profile}\0${c.cell.workload}`, c.cell])).values()];
    const rows = keys.map(({ profile, workload }) => ({
      profile,
      workload,
      cells: servers.map((s) => own.find((c) => (c.cell.serverLabel ?? '') === s && c.cell.profile === profile && c.cell.workload === workload)),
    }));
    return [{ adapter, servers, rows }];
  });
}

/** The same cell on its adapter's first server of the run, for a cell on another of its servers; undefined otherwise. */
export function firstServerCell(cells: CellResult[], cell: CellResult | undefined): CellResult | undefined {
  if (!cell?.cell.serverLabel) return undefined;
  const { adapter, profile, workload } = cell.cell;
  const first = cells.find((c) => c.cell.adapter === adapter && c.cell.profile === profile && c.cell.workload === workload);
  return first === cell ? undefined : first;
}

/**
 * A completed cell's throughput as a multiple of another's, when both completed: one run's figures, which
 * `compare --baseline-server` judges against the noise.
 */
export function throughputRatio(cell: CellResult | undefined, versus: CellResult | undefined): number | undefined {
  if (cell?.state !== 'completed' || versus?.state !== 'completed' || versus.figures.opsPerSec <= 0) return undefined;
  return cell.figures.opsPerSec / versus.figures.opsPerSec;
}

/** A ratio as the reports print it beside a later server's throughput: "0.72× postgres 13.16". */
export function ratioText(ratio: number, versusLabel: string): string {
  return `${ratio.toFixed(2)}× ${versusLabel}`;
}
