import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AdapterName } from '../adapters/registry';
import type { findConfigFile } from '../config/config-file';
import { resolveProfiles } from '../config/profiles';
import { KnownDifferences } from '../conformance/slt/known';
import { loadSltScripts, runSltOnDatabase, type SltDatabaseRun, type SltScript, sltResults } from '../conformance/slt/run';
import { defaultRunDir, newRunId } from '../matrix/namespace';
import { describeEnvironment } from '../model/environment';
import { RESULTS_SCHEMA_VERSION, type RunResults } from '../model/results-schema';
import { sltSummaryText, unexplainedFailures } from '../reports/slt-text';
import { resolveServers } from '../servers/resolve';
import { abortOnSignal } from './interrupt';

/** What `dbmatrix conformance --slt` was asked. */
export interface SltRequest {
  /** sqllogictest files or folders of them. */
  paths: string[];
  /** Adapters whose databases run them. */
  adapters: AdapterName[];
  /** Server URLs from the flags. */
  urls: Partial<Record<AdapterName, string[]>>;
  /** Images from the flags. */
  images: Partial<Record<AdapterName, string>>;
  /** The config file, when there is one. */
  config?: ReturnType<typeof findConfigFile>;
  /** Directory for results.json; absent: dbmatrix-runs/<time>-slt-<run id>. */
  out?: string;
  /** A file of known differences: failures it gives a cause for do not fail the run. */
  known?: string;
}

/** Records per second, shown while a file runs at most this often. */
const PROGRESS_EVERY_MS = 2000;

/**
 * Run sqllogictest scripts on every database of the run (each adapter's servers, the adapter's default profile), write
 * results.json, and print per file and database what passed, failed and was skipped, and where the databases disagree.
 * Exit code 1 when a record failed on any database, unless the known-differences file gives its cause.
 */
export async function sltConformance(request: SltRequest): Promise<number> {
  // Every file is read and parsed before a server is asked: a record dbmatrix cannot run stops the run here.
  const scripts = loadSltScripts(request.paths);
  const known = request.known ? KnownDifferences.read(request.known) : undefined;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const runId = newRunId();
  const outDir = resolve(request.out ?? defaultRunDir(`slt-${runId}`));
  const resolved = await resolveServers(request.adapters, {
    urls: request.urls,
    images: request.images,
    config: { servers: request.config?.servers, images: request.config?.images },
    log,
  });
  const sqliteDir = mkdtempSync(join(tmpdir(), `dbmatrix-${runId}-`));
  const startedAt = new Date().toISOString();
  const runs: SltDatabaseRun[] = [];
  const profiles = request.adapters.map((adapter) => resolveProfiles({ adapters: [adapter] })[0]!);
  // Ctrl-C skips the records left, drops the namespaces and still writes what ran, marked interrupted.
  let stop = false;
  const guard = abortOnSignal(() => ({ abort: () => (stop = true) }));
  try {
    for (const [a, adapter] of request.adapters.entries()) {
      for (const server of resolved.servers[adapter] ?? [{ url: sqliteDir, provider: 'file' as const }]) {
        const name = server.label ? `${adapter}@${server.label}` : adapter;
        let shownAt = performance.now();
        let startedFile = shownAt;
        let current: SltScript | undefined;
        const progress = (script: SltScript, done: number, total: number) => {
          const now = performance.now();
          if (script !== current) [current, startedFile] = [script, now];
          if (done < total && now - shownAt < PROGRESS_EVERY_MS) return;
          shownAt = now;
          const rate = Math.round((done / Math.max(now - startedFile, 1)) * 1000);
          log(`slt: ${name}: ${script.file}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} records (${rate.toLocaleString('en-US')}/s)`);
        };
        runs.push(await runSltOnDatabase(scripts, { name, adapter, profile: profiles[a]!, server }, runId, progress, () => stop));
      }
    }
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
    await resolved.release();
    guard.dispose();
  }
  const sqllogictest = sltResults(scripts, runs, known);
  const results: RunResults = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: describeEnvironment(),
    options: { repeats: 1, ops: null, durationMs: null, warmupOps: null, maxErrorRate: 0 },
    profiles: profiles as unknown as Record<string, unknown>[],
    cells: [],
    sqllogictest,
    interrupted: guard.interrupted(),
  };
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${sltSummaryText(sqllogictest)}\nwrote ${file}\n`);
  if (guard.interrupted()) return guard.exitCode();
  return unexplainedFailures(sqllogictest) > 0 ? 1 : 0;
}
