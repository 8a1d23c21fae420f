import Table from 'cli-table3';
import { ADAPTER_NAMES, ADAPTERS } from '../adapters/registry';
import { builtInProfiles } from '../config/profiles';
import { WORKLOAD_NAMES, WORKLOADS } from '../matrix/workloads/registry';

const plain = { style: { head: [], border: [] } };

/** Adapters and their capabilities. */
export function listAdapters(): string {
  const t = new Table({
    head: ['adapter', 'driver', 'RETURNING', 'max binds', 'max rows/INSERT', 'single writer lock', 'workers run as', 'server from'],
    ...plain,
  });
  for (const name of ADAPTER_NAMES) {
    const a = ADAPTERS[name];
    const c = a.capabilities;
    t.push([
      name,
      a.client,
      c.returning ? 'yes' : 'no',
      c.maxBindParams,
      c.maxRowsPerInsert,
      c.singleWriterLock ? 'yes' : 'no',
      c.threadedWorkers ? 'threads' : 'pooled connections',
      a.urlSchemes.length ? `DBMATRIX_${name.toUpperCase()}_URL / --${name}-url / Testcontainers` : 'local file per cell',
    ]);
  }
  return `Adapters\n${t.toString()}`;
}

/** Workloads: what each measures and verifies. */
export function listWorkloads(): string {
  const t = new Table({ head: ['workload', 'workers', 'measures', 'verifies'], colWidths: [26, 9, 50, 50], wordWrap: true, ...plain });
  for (const name of WORKLOAD_NAMES) {
    const w = WORKLOADS[name];
    t.push([name, w.concurrency === 'single' ? '1' : 'profile', w.measures, w.verifies]);
  }
  return `Workloads\n${t.toString()}`;
}

/** Every built-in profile with all its values (the first of each adapter is its default). */
export function listProfiles(): string {
  const t = new Table({
    head: ['profile', 'workers', 'batch', 'tx batch', 'pool', 'session', 'description'],
    colWidths: [24, 9, 7, 10, 22, 40, 40],
    wordWrap: true,
    ...plain,
  });
  const seen = new Set<string>();
  for (const p of builtInProfiles().values()) {
    const isDefault = !seen.has(p.adapter);
    seen.add(p.adapter);
    t.push([
      isDefault ? `${p.name} (default)` : p.name,
      p.workers,
      p.batchSize,
      p.transactionBatchSize,
      `min ${p.pool.min}, max ${p.pool.max}, idle ${p.pool.idleTimeoutMs} ms, acquire ${p.pool.acquireTimeoutMs} ms`,
      Object.entries(p.session)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
      p.description,
    ]);
  }
  return `Profiles (override with --set <adapter|profile>.<key>=<value>)\n${t.toString()}`;
}
