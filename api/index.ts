// The package's entry point: `import { defineWorkload, run } from 'dbmatrix'`. The Jest helper is 'dbmatrix/jest'.

export { ADAPTER_NAMES, type AdapterName } from '../adapters/registry';
export type { DbmatrixConfig } from '../config/config-file';
export type { ProgressSink } from '../matrix/progress';
export { WORKLOAD_NAMES } from '../matrix/workloads/registry';
export type { CellResult, Figures, RunResults } from '../model/results-schema';
export { UserError } from '../model/user-error';
export { defineConfig } from './config';
export { type RunOptions, run } from './run';
export * from './workload';
