// The workload-definition API: what every built-in workload uses, and what a workload file imports from 'dbmatrix'
// (api/workload.ts re-exports it). It holds no runner code, so a workload module loads without the matrix behind it.
import type { Workload, WorkloadParams } from './contract';

/** zod, for a workload's params schema: the same copy dbmatrix validates them with. */
export { z } from 'zod';
export type { Profile } from '../../adapters/contract';
export { KEY_DISTRIBUTIONS, type KeyDistribution } from '../../adapters/contract';
export type { QueryTarget, Row, Statement, StatementPath, StatementRunner } from '../../driver-paths/contract';
export { statement } from '../../driver-paths/contract';
export type { CellContext, OpOutcome, Verification, WorkerContext, WorkerSession, Workload, WorkloadParams } from './contract';
export { emptyVerification, finishVerification, isAmbiguous } from './contract';
export { keyChooser } from './key-chooser';

/**
 * Define a workload: setup (create its tables, load data), worker (one operation at a time, each keeping a ledger of
 * what the database acknowledged) and verify (the data against the ledgers). A typed identity: the types flow from
 * setup's state and the worker's ledger into verify, and from its params schema into ctx.params; the object is what
 * the runner loads.
 */
export function defineWorkload<State, Ledger, Params extends WorkloadParams = WorkloadParams>(
  workload: Workload<State, Ledger, Params>,
): Workload<State, Ledger, Params> {
  return workload;
}
