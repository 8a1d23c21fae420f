import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The dbmatrix executable, as users start it. */
export const CLI = join(__dirname, '..', '..', 'bin', 'dbmatrix.js');

/** What a CLI invocation did. */
export interface CliOutcome {
  /** Exit code. */
  code: number | null;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
  /** Wall time, ms. */
  ms: number;
}

/** Run `dbmatrix <args>` in a child process; resolves on 'close', when its output has been read to the end ('exit' can come first). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<CliOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
