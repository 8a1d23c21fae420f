import { setField, shapeKeys } from '../../config/settings';
import { formatIssues, UserError } from '../../model/user-error';
import type { Workload, WorkloadParams } from './contract';

/** One `target.key=value` from `--set` or a config file's `set`, and where it came from for messages. */
export interface Setting {
  /** An adapter, a profile or a workload name. */
  target: string;
  /** The key under the target (workers, pool.max, hotRows, crudWeights.read …). */
  key: string;
  /** The value: text from the command line, data from a config file. */
  value: string | number;
  /** Where it came from: `--set '…'` or `config set '…'`. */
  where: string;
}

/** The parameters each of these workloads runs with, by workload name, from the same settings (see resolveParams). */
export function paramsByWorkload(workloads: readonly Workload[], settings: readonly Setting[]): Record<string, WorkloadParams> {
  return Object.fromEntries(workloads.map((w) => [w.name, resolveParams(w, settings)]));
}

/** The parameters a workload runs with: its defaults, then every setting aimed at it, in order, checked by its schema. */
export function resolveParams(workload: Workload, settings: readonly Setting[]): WorkloadParams {
  const mine = settings.filter((s) => s.target === workload.name);
  const schema = workload.params;
  if (!schema) {
    if (mine[0]) throw new UserError(`${mine[0].where}: workload ${workload.name} has no parameters to set`);
    return {};
  }
  const defaults = schema.safeParse({});
  if (!defaults.success) throw new UserError(`workload ${workload.name}: every parameter needs a default (${formatIssues(defaults.error.issues)})`);
  const values = defaults.data as Record<string, unknown>;
  for (const s of mine) {
    if (!setField(schema.shape, values, s.key, s.value, s.where, workload.name)) {
      throw new UserError(`${s.where}: unknown ${workload.name} parameter '${s.key}'; valid: ${shapeKeys(schema.shape).join(', ')}`);
    }
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UserError(`workload ${workload.name}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}
