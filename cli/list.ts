import Table from 'cli-table3';
import { ADAPTER_NAMES, ADAPTERS } from '../adapters/registry';
import { builtInProfiles } from '../config/profiles';
import { WORKLOAD_NAMES, WORKLOADS } from '../matrix/workloads/registry';
import { urlVariable } from '../servers/resolve';

const plain = { style: { head: [], border: [] } };

/** The sections of `dbmatrix list`, each as data (for --json) and as a table (for people). */
export const LIST_SECTIONS = {
  adapters: { data: adaptersData, table: listAdapters },
  workloads: { data: workloadsData, table: listWorkloads },
  profiles: { data: profilesData, table: listProfiles },
} as const;

/** Each adapter: its driver, capabilities, and where its server comes from (null: a file per cell). */
function adaptersData() {
  return ADAPTER_NAMES.map((name) => {
    const a = ADAPTERS[name];
    const server = a.server ? { serves: a.server.serves, urlVariable: urlVariable(name), image: a.server.image, defaultPort: a.server.defaultPort } : null;
    return { name, label: a.label, driver: a.client, capabilities: a.capabilities, server };
  });
}

/** Each built-in workload: whether it runs one worker or the profile's, and what it measures and verifies. */
function workloadsData() {
  return WORKLOAD_NAMES.map((name) => {
    const w = WORKLOADS[name];
    return { name, workers: w.concurrency === 'single' ? 'one' : 'profile', measures: w.measures, verifies: w.verifies };
  });
}

/** Every built-in profile with all its values, marked default when it is its adapter's first. */
function profilesData() {
  const seen = new Set<string>();
  return [...builtInProfiles().values()].map((p) => {
    const isDefault = !seen.has(p.adapter);
    seen.add(p.adapter);
    return { ...p, default: isDefault };
  });
}

/** Adapters and their capabilities. */
function listAdapters(): string {
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
function listWorkloads(): string {
  const t = new Table({ head: ['workload', 'workers', 'measures', 'verifies'], colWidths: [26, 9, 50, 50], wordWrap: true, ...plain });
  for (const w of workloadsData()) t.push([w.name, w.workers === 'one' ? '1' : 'profile', w.measures, w.verifies]);
  return `Workloads\n${t.toString()}`;
}

/** Every built-in profile with all its values (the first of each adapter is its default). */
function listProfiles(): string {
  const t = new Table({
    head: ['profile', 'workers', 'batch', 'tx batch', 'pool', 'session', 'description'],
    colWidths: [24, 9, 7, 10, 22, 40, 40],
    wordWrap: true,
    ...plain,
  });
  for (const p of profilesData()) {
    t.push([
      p.default ? `${p.name} (default)` : p.name,
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
