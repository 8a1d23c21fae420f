// What the servers' own benchmark clients (pgbench, sysbench) share when `npm run bench` runs them over the statements
// dbmatrix issues, to show how far the Node driver path is from what a C client reaches against the same server, table
// and statement. Each server adapter's peer lives in its folder (native-peer.ts).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { PeerRequest } from './contract';

const execFileAsync = promisify(execFile);

/** Generous: a slow or contended machine should give a low figure, not a timeout. */
const TIMEOUT_MS = 10 * 60_000;

/** A constant 64-character payload: both tools bind the same width our rows have, without per-row string building. */
export const PAYLOAD = 'peer-'.padEnd(64, 'x');

/** Reject requests the tools would misread (pgbench -t 0 means "default", sysbench --events=0 means "unlimited"). */
export function check(req: PeerRequest): void {
  for (const k of ['clients', 'ops'] as const) {
    if (!Number.isInteger(req[k]) || req[k] < 1) throw new Error(`peer ${k} must be a positive integer, got ${req[k]}`);
  }
  // A line break would split the script's statement line; nothing legitimate needs one in a table name.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  if (!req.table || /[\x00-\x1f]/.test(req.table))
    throw new Error(`peer table name must be non-empty, without control characters: ${JSON.stringify(req.table)}`);
  if (req.statement === 'point-select' && (!Number.isInteger(req.rows) || req.rows < 1)) throw new Error(`peer point-select needs rows ≥ 1, got ${req.rows}`);
}

/** Connection parts from a server URL, decoded, with the driver's usual defaults. */
export function parseUrl(url: string, schemes: string[], defaultPort: number, defaultUser: string) {
  const u = new URL(url);
  if (!schemes.includes(u.protocol)) throw new Error(`expected a ${schemes.join(' or ')} URL, got ${u.protocol}`);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : defaultPort,
    user: decodeURIComponent(u.username) || defaultUser,
    password: decodeURIComponent(u.password) || (u.searchParams.get('password') ?? ''),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}

/**
 * Run a tool in a fresh temp dir holding its script, so the command line names the script by its bare name.
 * Errors carry the tool's own diagnostics, not execFile's message.
 */
export async function runTool(file: string, args: string[], scriptName: string, script: string, password: string, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dbmatrix-peer-'));
  try {
    await writeFile(join(dir, scriptName), script);
    const { stdout } = await execFileAsync(file, args, { cwd: dir, env, timeout: TIMEOUT_MS, maxBuffer: 16 << 20 });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string; killed?: boolean; signal?: string | null };
    if (e.code === 'ENOENT') throw new Error(`${file} is not installed (not found on PATH)`);
    // sysbench writes its FATAL lines to stdout amid its banner, pgbench its errors to stderr: keep both, banner dropped.
    const lines = (e.stdout ?? '').split('\n').filter((l) => l.trim());
    const flagged = lines.filter((l) => /^(FATAL|ALERT|WARNING|ERROR)\b/.test(l));
    const detail = [e.stderr?.trim(), (flagged.length ? flagged : lines.slice(-12)).join('\n')].filter(Boolean).join('\n');
    const how = e.killed ? `was killed after ${TIMEOUT_MS / 1000}s` : e.signal ? `died on ${e.signal}` : `exited with status ${e.code}`;
    throw new Error(redact(`${file} ${how}:\n${detail}`, password));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Text with a password removed, in both its raw and URL-encoded spellings. */
export function redact(text: string, password: string): string {
  if (!password) return text;
  return text.split(password).join('***').split(encodeURIComponent(password)).join('***');
}

/** A copy-pasteable POSIX shell line. */
export function shellLine(file: string, args: string[]): string {
  return [file, ...args].map((a) => (/^[\w./=:@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** A weighted pick among a script's statements: each with the running total of integer weights it is chosen up to (weights to 0.01). */
export function scriptBranches<S extends { weight: number }>(statements: S[]): { upTo: number; statement: S }[] {
  let total = 0;
  return statements.map((statement) => ({ upTo: (total += Math.max(1, Math.round(statement.weight * 100))), statement }));
}

/** The parameters some parts name as `:name` (not a `::` cast), each once, in the order declared. */
export function usedParams<P>(parts: string[], params: Record<string, P>): [string, P][] {
  return Object.entries(params).filter(([name]) => parts.some((part) => new RegExp(`(?<!:):${name}\\b`).test(part)));
}
