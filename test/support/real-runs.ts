import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterName } from '../../adapters/registry';
import { newRunId } from '../../matrix/namespace';
import { silentProgress } from '../../matrix/progress';
import { runMatrix } from '../../matrix/run-matrix';
import type { WorkloadName } from '../../matrix/workloads/registry';
import type { RunResults } from '../../model/results-schema';
import { urlVariable } from '../../servers/resolve';
import { smallScale } from './cells';

/** What a report test asks the real CLI path to run. */
export interface RealRunRequest {
  /** Adapters whose default profile runs, unless `profiles` names others. */
  adapters: AdapterName[];
  /** Named profiles. */
  profiles?: string[];
  /** Workloads. */
  workloads: WorkloadName[];
  /** Measured operations per cell and repeat. */
  ops: number;
  /** Measure for this long instead, ms (`ops` is then ignored). */
  durationMs?: number;
  /** Run id, for a test that must find the run's tables (random by default). */
  runId?: string;
  /** Times each cell runs. */
  repeats?: number;
  /** `--set` values after the small-scale ones. */
  settings?: string[];
  /** Also ask each database the conformance cases. */
  conformance?: boolean;
  /** Unmeasured operations before measuring starts (8 by default). */
  warmupOps?: number;
}

/** A run through runMatrix, as `dbmatrix run` does it, on the suite's servers; returns the results and the results.json path. */
export async function realRun(req: RealRunRequest): Promise<{ results: RunResults; file: string }> {
  const targets = req.profiles ?? req.adapters;
  const urls: Partial<Record<AdapterName, string>> = {};
  for (const a of req.adapters) {
    const url = process.env[urlVariable(a)];
    if (url) urls[a] = url;
  }
  const runId = req.runId ?? newRunId();
  return runMatrix({
    adapters: req.adapters,
    profiles: req.profiles,
    workloads: req.workloads,
    settings: [...targets.flatMap(smallScale), ...(req.settings ?? [])],
    ops: req.durationMs ? null : req.ops,
    durationMs: req.durationMs ?? null,
    warmupOps: req.warmupOps ?? 8,
    maxErrorRate: 0,
    repeats: req.repeats ?? 1,
    conformance: req.conformance,
    urls,
    runId,
    outDir: mkdtempSync(join(tmpdir(), `dbmatrix-report-${runId}-`)),
    progress: silentProgress,
    log: () => {},
  });
}
