import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../packaging/bundle-cache';
import type { RunResults } from './results-schema';

/** The installed version of a package, or 'missing'. */
function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

/** This package's own version, from its package.json (in a checkout and where it is installed alike). */
export function dbmatrixVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The git commit of the checkout dbmatrix runs from, when there is one. */
function gitCommit(): string | null {
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || null
    );
  } catch {
    return null;
  }
}

/** The machine and software this run measures. */
export function describeEnvironment(): RunResults['environment'] {
  const cpu = cpus();
  return {
    node: process.version,
    platform: platform(),
    release: release(),
    arch: arch(),
    cpuModel: cpu[0]?.model ?? 'unknown',
    cpuCount: cpu.length,
    totalMemoryMiB: Math.round(totalmem() / 1024 / 1024),
    gitCommit: gitCommit(),
    packages: Object.fromEntries(['knex', 'better-sqlite3', 'pg', 'mysql2', 'testcontainers'].map((p) => [p, packageVersion(p)])),
  };
}
