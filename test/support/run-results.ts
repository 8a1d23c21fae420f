import type { RunResults } from '../../model/results-schema';

/** A results.json with nothing in it but what `over` gives: for the gate's and the reports' logic, which needs no figures. */
export function runResults(over: Omit<Partial<RunResults>, 'options'> & { options?: Partial<RunResults['options']> } = {}): RunResults {
  const { options, ...rest } = over;
  return {
    schemaVersion: 2,
    runId: 'r',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:01:00.000Z',
    environment: {
      node: 'v20.0.0',
      platform: 'linux',
      release: '6',
      arch: 'x64',
      cpuModel: 'cpu',
      cpuCount: 2,
      totalMemoryMiB: 1024,
      gitCommit: null,
      packages: {},
    },
    options: { repeats: 1, ops: 100, durationMs: null, warmupOps: null, maxErrorRate: 0, rate: null, ...options },
    profiles: [],
    cells: [],
    interrupted: false,
    ...rest,
  };
}
