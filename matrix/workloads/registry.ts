import type { Workload } from './contract';
import { crudMix } from './crud-mix';
import { highVolumeInsert } from './high-volume-insert';
import { hotRowUpdate } from './hot-row-update';
import { insertBulk } from './insert-bulk';
import { insertSequential } from './insert-sequential';
import { insertTransactionBatch } from './insert-transaction-batch';
import { readPoint } from './read-point';
import { readRange } from './read-range';

/** Every workload, by name, in the order the matrix runs them. Adding one is one file and one line here. */
export const WORKLOADS = {
  'insert-sequential': insertSequential,
  'insert-transaction-batch': insertTransactionBatch,
  'insert-bulk': insertBulk,
  'high-volume-insert': highVolumeInsert,
  'crud-mix': crudMix,
  'read-point': readPoint,
  'read-range': readRange,
  'hot-row-update': hotRowUpdate,
} as const;

/** The name of a registered workload. */
export type WorkloadName = keyof typeof WORKLOADS;

/** Registered workload names, in run order. */
export const WORKLOAD_NAMES = Object.keys(WORKLOADS) as WorkloadName[];

/** Whether a string names a registered workload. */
export function isWorkloadName(name: string): name is WorkloadName {
  return Object.hasOwn(WORKLOADS, name);
}

/** The workload for a name, with its types erased for the runner. */
export function workloadFor(name: WorkloadName): Workload {
  return WORKLOADS[name] as unknown as Workload;
}
