import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdapterName } from '../../adapters/registry';
import { newRunId, tablePrefix } from '../../matrix/namespace';
import { LIST_TABLES, directKnex } from '../support/cells';

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

/** Start a long CLI run, send SIGINT once its tables exist, and report how it ended and what it left. */
export async function interruptRun(adapter: AdapterName): Promise<{ code: number | null; tracesDuring: string[]; tracesAfter: string[]; interrupted: boolean; stderr: string }> {
  const runId = newRunId();
  const out = mkdtempSync(join(tmpdir(), 'dbmatrix-out-'));
  const child = spawn(process.execPath, [CLI, 'run', '-a', adapter, '-w', 'high-volume-insert', '--duration', '60s', '--run-id', runId, '-o', out, '--no-progress', '-s', `${adapter}.workers=4`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    let during: string[] = [];
    for (let i = 0; i < 300 && during.length === 0; i++) {
      await sleep(100);
      during = await traces(adapter, runId);
    }
    await sleep(1500); // well into the measured phase
    child.kill('SIGINT');
    const code = await Promise.race([exited, sleep(30_000, undefined, { ref: false }).then(() => -1)]);
    const results = code === 130 ? JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) : { interrupted: false };
    return { code, tracesDuring: during, tracesAfter: await traces(adapter, runId), interrupted: results.interrupted, stderr };
  } finally {
    child.kill('SIGKILL');
    rmSync(out, { recursive: true, force: true });
  }
}
