import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { z } from 'zod';
import { defaultExport, requireUserModule } from '../../config/user-module';
import { formatIssues, UserError } from '../../model/user-error';
import type { Workload } from './contract';
import { isWorkloadName, WORKLOAD_NAMES, workloadFor } from './registry';
import { loadSqlScript } from './sql-script/load';

/**
 * A workload as a run names it: a built-in name, or the absolute path of a workload file. Plain text, so it crosses
 * into worker threads, which load the same workload from it.
 */
export type WorkloadRef = string;

/** Files that hold a workload module (default export, or an export named `workload`). */
const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
/** Files that hold an SQL-script workload. */
const SCRIPT_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** Every extension a workload file may have. */
const FILE_EXTENSIONS = [...MODULE_EXTENSIONS, ...SCRIPT_EXTENSIONS];

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');

/** The shape a loaded module's workload must have; checked before any cell runs, so a typo ends in one line. */
const workloadShape = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes'),
  measures: z.string(),
  verifies: z.string(),
  concurrency: z.enum(['single', 'profile']),
  writes: z.enum(['every-operation', 'some-operations', 'none']),
  sizedBy: z.enum(['batchSize', 'transactionBatchSize']).optional(),
  preparable: z.boolean().optional(),
  setup: fn,
  worker: fn,
  verify: fn,
});

/** Whether a workload reference is an SQL-script workload's file. */
export const isSqlScriptFile = (ref: WorkloadRef) => SCRIPT_EXTENSIONS.includes(extname(ref));

/** Whether `--workload` text names a file rather than a built-in workload. */
export function looksLikeFile(text: string): boolean {
  return /[\\/]/.test(text) || FILE_EXTENSIONS.includes(extname(text));
}

/** Check one workload as given by a user: a built-in name, or a file that exists (made absolute against `baseDir`). */
export function workloadRef(text: string, baseDir = process.cwd()): WorkloadRef {
  if (isWorkloadName(text)) return text;
  if (!looksLikeFile(text)) {
    throw new UserError(
      `unknown workload '${text}'; valid workloads: ${WORKLOAD_NAMES.join(', ')}, or a path to a workload file (${FILE_EXTENSIONS.join(' ')})`,
    );
  }
  const path = resolve(baseDir, text);
  if (!existsSync(path) || !statSync(path).isFile())
    throw new UserError(`workload file ${path} does not exist; give a path to a .ts, .js or .yaml workload file`);
  const ext = extname(path);
  if (!FILE_EXTENSIONS.includes(ext)) {
    throw new UserError(`workload file ${path}: cannot load '${ext}' files; use ${FILE_EXTENSIONS.join(' ')}`);
  }
  return path;
}

/** The workload a module exports, checked. */
function fromModule(path: string): Workload {
  const mod = requireUserModule(path, 'workload file');
  const candidate = defaultExport(mod) ?? mod.workload;
  if (!candidate) throw new UserError(`workload file ${path} exports no workload; export default defineWorkload({...}) from it`);
  return checkWorkload(candidate, `workload file ${path}`);
}

/** A workload checked against the shape every workload must have, built-in or the user's. */
export function checkWorkload(candidate: unknown, where: string): Workload {
  const checked = workloadShape.safeParse(candidate);
  if (!checked.success) throw new UserError(`${where} is invalid: ${formatIssues(checked.error.issues)}`);
  return candidate as Workload;
}

const loaded = new Map<WorkloadRef, Workload>();

/** The workload behind a reference, loaded once per thread. */
export function loadWorkload(ref: WorkloadRef): Workload {
  if (isWorkloadName(ref)) return workloadFor(ref);
  let workload = loaded.get(ref);
  if (!workload) {
    workload = SCRIPT_EXTENSIONS.includes(extname(ref)) ? loadSqlScript(ref) : fromModule(ref);
    loaded.set(ref, workload);
  }
  return workload;
}

/** Load every workload of a run up front, so a bad file or a clash of names ends the run before any server starts. */
export function loadWorkloads(refs: WorkloadRef[]): Workload[] {
  const byName = new Map<string, WorkloadRef>();
  return refs.map((ref) => {
    const workload = loadWorkload(ref);
    if (ref !== workload.name && isWorkloadName(workload.name))
      throw new UserError(`workload file ${ref} is named '${workload.name}', the name of a built-in workload; rename it`);
    const other = byName.get(workload.name);
    if (other !== undefined) throw new UserError(`workload name '${workload.name}' is used by both ${other} and ${ref}; give each workload its own name`);
    byName.set(workload.name, ref);
    return workload;
  });
}
