import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdapterName } from '../../adapters/registry';
import { newRunId, tablePrefix } from '../../matrix/namespace';
import { directKnex, LIST_TABLES } from '../support/cells';

const CLI = join(__dirname, '..', '..', 'bin', 'dbmatrix.js');

/** What a run leaves while it works: its SQLite directory, or its tables on the server. */
async function traces(adapter: AdapterName, runId: string): Promise<string[]> {
  if (adapter === 'sqlite') return readdirSync(tmpdir()).filter((f) => f.startsWith(`dbmatrix-${runId}-`));
  const knex = directKnex(adapter);
  try {
    return await LIST_TABLES[adapter](knex, tablePrefix(runId));
  } finally {
    await knex.destroy();
  }
}

/** Containers, running or not, that a process started (by the owner label every dbmatrix container carries). */
function containersOf(pid: number | undefined): string[] {
  const out = execFileSync('docker', ['ps', '-aq', '--filter', `label=org.dbmatrix.pid=${pid}`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

/** What an interrupted run left. */
export interface InterruptOutcome {
  /** Exit code (130 expected after SIGINT, 143 after SIGTERM). */
  code: number | null;
  /** Tables or files of the run seen while it ran. */
  tracesDuring: string[];
  /** Tables or files of the run left after it exited. */
  tracesAfter: string[];
  /** Whether results.json says the run was interrupted. */
  interrupted: boolean;
  /** Containers the run started that still exist (only when the suite's server came from a container). */
  containersLeft: string[];
  /** What the run wrote to stderr. */
  stderr: string;
}

/** Start a long CLI run, send it `signal` once its tables exist, and report how it ended and what it left. */
export async function interruptRun(adapter: AdapterName, signal: 'SIGINT' | 'SIGTERM'): Promise<InterruptOutcome> {
  const runId = newRunId();
  const out = mkdtempSync(join(tmpdir(), 'dbmatrix-out-'));
  // On the container path, the run starts (and must remove) a container of its own.
  const containers = process.env[`DBMATRIX_${adapter.toUpperCase()}_PROVIDER`] === 'testcontainers';
  const env = { ...process.env };
  if (containers) delete env[`DBMATRIX_${adapter.toUpperCase()}_URL`];
  const child = spawn(
    process.execPath,
    [CLI, 'run', '-a', adapter, '-w', 'high-volume-insert', '--duration', '60s', '--run-id', runId, '-o', out, '--no-progress', '-s', `${adapter}.workers=4`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    let during: string[] = [];
    for (let i = 0; i < 300 && during.length === 0; i++) {
      await sleep(100);
      // On the container path the tables live in the run's own container: its readiness is the trace to wait for.
      during = containers ? (stderr.includes('ready in') ? containersOf(child.pid) : []) : await traces(adapter, runId);
    }
    await sleep(1500); // well into the measured phase
    child.kill(signal);
    const code = await Promise.race([exited, sleep(30_000, undefined, { ref: false }).then(() => -1)]);
    const results = code === 130 || code === 143 ? JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) : { interrupted: false };
    // The run's own container is gone with it, so its tables are checked through it while it runs only.
    const tracesAfter = containers ? [] : await traces(adapter, runId);
    return { code, tracesDuring: during, tracesAfter, interrupted: results.interrupted, containersLeft: containers ? containersOf(child.pid) : [], stderr };
  } finally {
    child.kill('SIGKILL');
    rmSync(out, { recursive: true, force: true });
  }
}
