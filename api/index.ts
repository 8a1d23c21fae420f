// The package's entry point: `import { defineWorkload, run } from 'dbmatrix'`. The Jest helper is 'dbmatrix/jest'.
export * from './workload';
export { type RunOptions, run } from './run';
export { defineConfig } from './config';
export type { DbmatrixConfig } from '../matrix/config-file';
export type { CellResult, Figures, RunResults } from '../reports/results-schema';
export type { ProgressSink } from '../matrix/progress';
export { UserError } from '../matrix/user-error';
export { ADAPTER_NAMES, type AdapterName } from '../adapters/registry';
export { WORKLOAD_NAMES } from '../matrix/workloads/registry';
