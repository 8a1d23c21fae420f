import { withCostPerOperation } from '../model/metrics';
import { type CellKey, type CellResult, cellName, type Figures, type RunResults } from '../model/results-schema';
import { pinDifferences } from './conformance-matrix';
import { type Diagnosis, diagnoseRun } from './diagnosis';
import { firstServerCell, throughputRatio } from './server-sides';
import { recordsPerSecond, unexplainedFailures } from './slt-text';

/** One cell as `report --json` gives it: the figures people read in the table, and whether the data verified. */
export interface CellSummaryJson {
  /** adapter[@server]/profile/workload, as the tables name it. */
  key: string;
  /** The cell's key. */
  cell: CellKey;
  /** completed, failed or skipped. */
  state: CellResult['state'];
  /** Why it failed or was skipped; empty when it completed. */
  reasons: string[];
  /** Successful operations per second; null when nothing was measured. */
  opsPerSec: number | null;
  /** Latency percentiles in ms; null when nothing was measured. */
  latencyMs: Figures['latencyMs'] | null;
  /** Operations measured and failed; null when nothing was measured. */
  operations: { total: number; failed: number } | null;
  /** Whether every acknowledged write was found as written; null when the data was not checked. */
  verified: boolean | null;
  /** The client's cost: CPU time of the dbmatrix process (all threads) per operation in µs, and the cores it kept busy; null when not recorded. */
  clientCpu: { usPerOperation: number; cores: number } | null;
  /** With --ceiling: the native client's rate on the same statement and connections, and the share of it the cell reached; null otherwise. */
  ceiling: { tool: string; opsPerSec: number; share: number } | null;
  /** Throughput as a multiple of the same cell on its adapter's first server, in a run of several; null otherwise. */
  versusFirstServer: number | null;
}

/** What `dbmatrix report --json` writes: the run's verdict, every cell, what limited each, and answers that left their pins. */
export interface ReportJson {
  /** Layout version of this file. */
  version: 1;
  /** The run's id. */
  runId: string;
  /** Whether the run was stopped before it finished. */
  interrupted: boolean;
  /** 0 when every cell passed and every failed sqllogictest record has a known cause, 1 otherwise: the exit code of `report`. */
  exitCode: 0 | 1;
  /** Every cell, in the run's order. */
  cells: CellSummaryJson[];
  /** What limited each measured cell, and what to change. */
  diagnosis: Diagnosis[];
  /** Conformance answers that differ from the pins of their server's flavour and version. */
  pinDifferences: ReturnType<typeof pinDifferences>;
  /** Each sqllogictest file on each database: records passed, failed (of which known), skipped, and records/s. */
  sqllogictest: { file: string; database: string; passed: number; failed: number; known: number; skipped: number; recordsPerSecond: number }[];
}

/** The run as `report --json` gives it. */
export function reportJson(results: RunResults): ReportJson {
  const cells = results.cells.map((c): CellSummaryJson => {
    const f = c.state === 'skipped' ? undefined : c.figures;
    const first = firstServerCell(results.cells, c);
    const usPerOperation = f ? withCostPerOperation(f.health.cpu, f.operations.total).harnessUsPerOperation : undefined;
    return {
      key: cellName(c.cell),
      cell: c.cell,
      state: c.state,
      reasons: c.state === 'skipped' ? [c.reason] : c.state === 'failed' ? c.reasons : [],
      opsPerSec: f ? f.opsPerSec : null,
      latencyMs: f ? f.latencyMs : null,
      operations: f ? { total: f.operations.total, failed: f.operations.failed } : null,
      verified: c.state === 'skipped' || !c.verification ? null : c.verification.ok,
      ceiling: f?.ceiling ? { tool: f.ceiling.tool, opsPerSec: f.ceiling.opsPerSec, share: f.ceiling.share } : null,
      clientCpu: f && usPerOperation !== undefined ? { usPerOperation, cores: f.health.cpu.harnessCores } : null,
      versusFirstServer: first && first !== c ? (throughputRatio(c, first) ?? null) : null,
    };
  });
  return {
    version: 1,
    runId: results.runId,
    interrupted: results.interrupted,
    exitCode: results.cells.some((c) => c.state === 'failed') || unexplainedFailures(results.sqllogictest) > 0 ? 1 : 0,
    cells,
    diagnosis: diagnoseRun(results),
    pinDifferences: pinDifferences(results),
    sqllogictest: (results.sqllogictest ?? []).flatMap((f) =>
      f.databases.map((d) => ({
        file: f.file,
        database: d.database,
        passed: d.passed,
        failed: d.failed,
        known: d.known,
        skipped: d.skipped,
        recordsPerSecond: Math.round(recordsPerSecond(d)),
      })),
    ),
  };
}
