import type { Profile, TuneAxis } from '../../adapters/contract';
import { ADAPTER_NAMES, type AdapterName, adapterFor } from '../../adapters/registry';
import { type WorkloadName, workloadFor } from '../workloads/registry';

/** The grid per adapter, from each adapter's tuneAxes. */
export const AXES = Object.fromEntries(ADAPTER_NAMES.map((name) => [name, adapterFor(name).tuneAxes])) as Record<AdapterName, TuneAxis[]>;

/** The axes that can change a workload's figures: workers mean nothing to a one-worker workload, batch sizes only to batched ones. */
export function axesFor(adapter: AdapterName, workload: WorkloadName): TuneAxis[] {
  const w = workloadFor(workload);
  return AXES[adapter].filter((a) => {
    switch (a.appliesTo) {
      case 'all':
        return true;
      case 'concurrent':
        return w.concurrency === 'profile';
      case 'writes':
        return w.writes !== 'none';
      default:
        return w.sizedBy === a.appliesTo;
    }
  });
}

/** Where a `--set` key lives in a profile (workers; pool.max; a session key) and its value there. */
export function profileValue(profile: Profile, key: string): { path: string[]; value: unknown } {
  const p = profile as unknown as Record<string, unknown>;
  const [group, sub] = key.split('.', 2);
  if (sub) return { path: [group!, sub], value: (p[group!] as Record<string, unknown> | undefined)?.[sub] };
  if (key in p) return { path: [key], value: p[key] };
  return { path: ['session', key], value: profile.session[key] };
}
