import type { Knex } from 'knex';
import type { z } from 'zod';
import type { Adapter, Profile } from '../../adapters/contract';
import type { DriverPath, StatementPath } from '../../driver-paths/contract';
import type { Verification } from '../../model/results-schema';

/** The result of checking the data, not the counters (its shape is the results model's). */
export type { Verification };

/** A workload's own parameters, by name, as they are in force for a cell. */
export type WorkloadParams = Record<string, unknown>;

/** What setup and verify get: the cell's connection and the run's table namespace. */
export interface CellContext<Params extends WorkloadParams = WorkloadParams> {
  /** A knex instance built from the adapter and profile (the pool shared with in-process workers). */
  knex: Knex;
  /** The adapter under test. */
  adapter: Adapter;
  /** The profile in force. */
  profile: Profile;
  /** The workload's own parameters in force: its defaults, with the run's `--set <workload>.<key>=<value>` applied. */
  params: Params;
  /** The run-specific name for a table of this workload; never a name the user chose. */
  table(suffix: string): string;
  /** Create a table this run owns (plain CREATE TABLE: fails rather than reuse an existing one). */
  createTable(name: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void>;
  /** The same from the workload's own CREATE TABLE statement for `name` (dialects differ where knex's builder cannot say it). */
  createTableWithSql(name: string, sql: string): Promise<void>;
}

/** What one worker gets. */
export interface WorkerContext<Params extends WorkloadParams = WorkloadParams> {
  /** This worker's connection: its own knex in a thread, or the cell's shared pool. */
  knex: Knex;
  /** The adapter under test. */
  adapter: Adapter;
  /** The profile in force. */
  profile: Profile;
  /** The workload's own parameters in force. */
  params: Params;
  /** Statements through the cell's driver path (knex, or prepared statements on knex's connections). */
  statements: StatementPath;
  /** 0-based worker number, unique within the cell; part of every key it writes. */
  workerId: number;
  /** Rows the next operation should carry: the profile's size, or the adaptive controller's when enabled. */
  batchRows(): number;
}

/** What one operation reports back on success. */
export interface OpOutcome {
  /** Rows written or read by the operation (defaults to 1). */
  rows?: number;
}

/** One worker's operations and its record of what the database acknowledged. */
export interface WorkerSession<Ledger> {
  /**
   * Perform one attempt of an operation; throw the driver's error on failure (the transaction must be rolled back).
   * `attempt` is 1, then 2, 3… when the worker retries the same operation: a retry writes the same keys, so a write
   * applied twice (an attempt that committed unseen, then its retry) shows in verify.
   */
  op(attempt: number): Promise<OpOutcome | void>;
  /** The worker's ledger: plain data (it crosses thread boundaries), read once the worker stops. */
  ledger(): Ledger;
}

/** One workload: setup, per-worker operations and verification, the same code for every adapter. */
export interface Workload<State = unknown, Ledger = unknown, Params extends WorkloadParams = WorkloadParams> {
  /** Registry key, also the `--workload` name. */
  name: string;
  /** One line on what it measures. */
  measures: string;
  /** One line on what verify() checks. */
  verifies: string;
  /** 'single' runs one worker whatever the profile says; 'profile' runs `profile.workers`. */
  concurrency: 'single' | 'profile';
  /** Which operations commit writes: the diagnosis weighs commit cost only where there are commits. */
  writes: 'every-operation' | 'some-operations' | 'none';
  /** The profile size that sets rows per operation (and that adaptive batching adjusts); none for one-row workloads. */
  sizedBy?: 'batchSize' | 'transactionBatchSize';
  /** Every operation goes through ctx.statements, so the profile's driverPath applies; otherwise knex runs it whatever the profile says. */
  preparable?: boolean;
  /** Its own knobs: a zod object whose every field has a default; `--set <workload>.<key>=<value>` changes one for a run. */
  params?: z.ZodType<Params> & { shape: z.ZodRawShape };
  /** Create tables and load data; the state must be plain data (it is sent to worker threads). */
  setup(ctx: CellContext<Params>): Promise<State>;
  /** Start one worker's session. */
  worker(ctx: WorkerContext<Params>, state: State): WorkerSession<Ledger>;
  /** Check the database against all workers' ledgers. */
  verify(ctx: CellContext<Params>, state: State, ledgers: Ledger[]): Promise<Verification>;
}

/**
 * Whether a failed write's outcome is unknown: the connection died, possibly during COMMIT, so the write may or may not
 * have committed. Everything else that fails was rolled back by the server.
 */
export function isAmbiguous(ctx: Pick<WorkerContext, 'adapter'>, err: unknown): boolean {
  return ctx.adapter.classify(err).errorClass === 'connection';
}

/** A verification with nothing wrong yet, to fill in. */
export function emptyVerification(): Verification {
  return { ok: true, acknowledged: 0, failed: 0, ambiguous: 0, ambiguousCommitted: 0, lost: 0, phantom: 0, duplicated: 0, mismatched: 0, problems: [] };
}

/** Set `ok` from the counts and add the matching problem lines. */
export function finishVerification(v: Verification, what: string): Verification {
  if (v.lost) v.problems.push(`${v.lost} acknowledged ${what} missing`);
  if (v.phantom) v.problems.push(`${v.phantom} unacknowledged ${what} present`);
  if (v.duplicated) v.problems.push(`${v.duplicated} ${what} present more than once`);
  if (v.mismatched) v.problems.push(`${v.mismatched} ${what} with unexpected values`);
  v.ok = v.problems.length === 0;
  return v;
}

/** The driver path a cell of this workload runs on under a profile. */
export function driverPathOf(workload: Pick<Workload, 'preparable'>, profile: Pick<Profile, 'driverPath'>): DriverPath {
  return workload.preparable ? profile.driverPath : 'knex';
}
