import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterName } from '../../adapters/registry';
import { type RunResults, runResultsSchema } from '../../model/results-schema';
import { smallScale } from '../support/cells';

const CLI = join(__dirname, '..', '..', 'bin', 'dbmatrix.js');

/** `dbmatrix run` for one adapter at small scale, as a user would start it; returns its parsed results.json. */
export async function cliRun(
  adapter: AdapterName,
  extra: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string; results: RunResults }> {
  const out = mkdtempSync(join(tmpdir(), 'dbmatrix-cli-run-'));
  const sets = smallScale(adapter).flatMap((s) => ['--set', s]);
  try {
    const child = spawn(process.execPath, [CLI, 'run', '-a', adapter, '--ops', '60', '-o', out, ...sets, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const text = readFileSync(join(out, 'results.json'), 'utf8');
    return { code, stdout, stderr, results: runResultsSchema.parse(JSON.parse(text)) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
