import { ADAPTER_NAMES, type AdapterName, adapterFor } from '../../adapters/registry';
import type { ConfigFile } from '../../config/profiles';
import type { CellResult, RunResults } from '../../model/results-schema';
import type { WorkloadName } from '../workloads/registry';
import { CONCURRENT, type Judgement, type Measured, type Role, SEED_CLAIMS, SEED_MANY_WORKERS, SEED_WORKERS, type SeedClaim } from './seed-claims';

/** Scenarios `dbmatrix scenario` knows. */
export const SCENARIOS: readonly string[] = ['seed'];

/** SQLite's own defaults, which the seed's load tests ran with before its tuning (cache, temp store and mmap included). */
const SQLITE_OUT_OF_THE_BOX = { journal_mode: 'DELETE', synchronous: 'FULL', busy_timeout: 0, cache_size: -2000, temp_store: 'DEFAULT', mmap_size: 0 };

/** Per adapter: what "naive" changes besides retries and backpressure, and the profile that isolates the cost of a durable commit. */
const SETUPS: Record<AdapterName, { naive: { session?: Record<string, unknown>; what: string }; durability: string | null }> = {
  sqlite: {
    naive: { session: SQLITE_OUT_OF_THE_BOX, what: 'DELETE journal, synchronous=FULL, busy_timeout=0, SQLite default cache' },
    durability: 'sqlite-delete',
  },
  postgres: { naive: { what: 'postgres-default settings' }, durability: 'postgres-async-commit' },
  mysql: { naive: { what: 'mysql-default settings' }, durability: null },
};

/** The profile playing a role on an adapter, or null where the adapter has none. */
export function profileFor(adapter: AdapterName, role: Role): string | null {
  if (role === 'durability') return SETUPS[adapter].durability;
  return { naive: `${adapter}-naive`, tuned: `${adapter}-tuned`, tuned50: `${adapter}-tuned-${SEED_MANY_WORKERS}w` }[role];
}

/** The scenario's named profiles, as a config file would define them. */
export function seedConfig(adapters: AdapterName[]): ConfigFile {
  const profiles: NonNullable<ConfigFile['profiles']> = {};
  for (const a of adapters) {
    const base = adapterFor(a).defaultProfiles[0]!.name;
    const naive = SETUPS[a].naive;
    profiles[profileFor(a, 'naive')!] = {
      extends: base,
      description: `the seed's out-of-the-box setup: ${naive.what}, no retries, no backpressure, ${SEED_WORKERS} workers`,
      workers: SEED_WORKERS,
      retry: { maxAttempts: 1 },
      backpressureErrorRate: 1,
      ...(naive.session ? { session: naive.session } : {}),
    };
    profiles[profileFor(a, 'tuned')!] = { extends: base, description: `${base} (the tuned setup) with ${SEED_WORKERS} workers`, workers: SEED_WORKERS };
    profiles[profileFor(a, 'tuned50')!] = {
      extends: base,
      description: `${base} (the tuned setup) with ${SEED_MANY_WORKERS} workers`,
      workers: SEED_MANY_WORKERS,
    };
  }
  return { profiles };
}

/** The runs of the scenario: each runs its profiles × workloads, so only needed cells are measured. */
export function seedRuns(adapters: AdapterName[]): { profiles: string[]; workloads: WorkloadName[] }[] {
  const groups: { roles: Role[]; workloads: WorkloadName[] }[] = [
    { roles: ['naive', 'tuned'], workloads: ['insert-sequential', 'insert-transaction-batch', ...CONCURRENT] },
    { roles: ['tuned50'], workloads: CONCURRENT },
    { roles: ['durability'], workloads: ['insert-sequential'] },
  ];
  return groups
    .map((g) => ({ profiles: adapters.flatMap((a) => g.roles.map((r) => profileFor(a, r)).filter((p): p is string => p !== null)), workloads: g.workloads }))
    .filter((g) => g.profiles.length > 0);
}

/** A claim judged on every adapter that ran. */
export interface ClaimOutcome {
  claim: SeedClaim;
  byAdapter: Partial<Record<AdapterName, Judgement>>;
}

/** The cells (profile × workload) behind a claim on one adapter. */
export function cellsFor(claim: SeedClaim, adapter: AdapterName): { profile: string; workload: WorkloadName }[] {
  return claim.cells.flatMap((c) => {
    const profile = profileFor(adapter, c.role);
    return profile ? [{ profile, workload: c.workload }] : [];
  });
}

class NotMeasured extends Error {}

/** A cell of a run as a judge may use it, or why it cannot. */
function lookup(results: RunResults, adapter: AdapterName, role: Role, workload: WorkloadName): Measured {
  const profile = profileFor(adapter, role);
  const cell: CellResult | undefined = results.cells.find((c) => c.cell.adapter === adapter && c.cell.profile === profile && c.cell.workload === workload);
  const name = `${profile} × ${workload}`;
  if (!cell) throw new NotMeasured(`${name} was not run`);
  if (cell.state === 'skipped') throw new NotMeasured(`${name} skipped: ${cell.reason}`);
  if (cell.verification && !cell.verification.ok) throw new NotMeasured(`data did not verify in ${name}: ${cell.verification.problems.join('; ')}`);
  if (!cell.figures || cell.figures.operations.total === 0)
    throw new NotMeasured(`${name} failed: ${cell.state === 'failed' ? cell.reasons.join('; ') : 'no operation measured'}`);
  return { figures: cell.figures, settings: cell.target?.settings ?? {} };
}

/** Every seed claim judged on every adapter that has cells in the results. */
export function judgeSeed(results: RunResults): ClaimOutcome[] {
  const adapters = ADAPTER_NAMES.filter((a) => results.cells.some((c) => c.cell.adapter === a));
  return SEED_CLAIMS.map((claim) => {
    const byAdapter: Partial<Record<AdapterName, Judgement>> = {};
    for (const adapter of adapters) {
      try {
        byAdapter[adapter] = claim.judge((role, workload) => lookup(results, adapter, role, workload), adapter);
      } catch (err) {
        if (!(err instanceof NotMeasured)) throw err;
        // Unverified or missing data cannot support a verdict either way.
        byAdapter[adapter] = { measured: 'not measured', verdict: 'not applicable', note: err.message };
      }
    }
    return { claim, byAdapter };
  });
}
