import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ADAPTER_NAMES, type AdapterName } from '../../adapters/registry';

// What one database means lives in its folder, adapters/<name>/, and one line of adapters/registry.ts; everything else
// (server flags, images and stand-ins, resolution, flavours and pins, tune axes, native peers, labels, test selection, CI legs) is derived from the registry. This test lists,
// for each database, the other files whose code names it: comments do not count, string literals and identifiers do.

const ROOT = join(__dirname, '..', '..');

/** How code names each database: its adapter name and the servers it reaches. */
const NAMED: Record<AdapterName, RegExp> = {
  sqlite: /\bsqlite\b/i,
  postgres: /\bpostgres(?:ql)?\b/i,
  mysql: /\b(?:mysql|mariadb)\b/i,
};

/**
 * Files about databases by name on purpose: the seed analysis's claims and its report are about these three, the
 * examples show a user's config and workloads for them, the stall bench reproduces a PostgreSQL lock stall, and the
 * known differences of the shared sqllogictest selection say on which engines each record fails.
 */
const ON_PURPOSE = [
  'matrix/scenarios/seed-claims.ts',
  'matrix/scenarios/seed.ts',
  'reports/seed-report.ts',
  'bench/stall.ts',
  'bench/stalled-run.ts',
  'examples/dbmatrix.config.ts',
  'examples/jest/orders.test.ts',
  'examples/workloads/orders.yaml',
  'examples/workloads/transfers.ts',
  'ci/sqllogictest-known.json',
];

/**
 * Files read by tools that cannot load the registry, so they name the databases themselves: npm (the drivers and
 * container modules as dependencies), docker compose (servers for people who start them by hand), GitHub (the
 * base-vs-head job's adapters and service containers) and .ci/run (this machine's own servers, started before the tests).
 */
const MANIFESTS: Record<AdapterName, string[]> = {
  sqlite: ['.github/workflows/dbmatrix.yml'],
  postgres: ['package.json', 'docker/docker-compose.yml', '.github/workflows/dbmatrix.yml', '.ci/run', 'ci/native-clients.sh'],
  mysql: ['package.json', 'docker/docker-compose.yml', '.github/workflows/dbmatrix.yml', '.ci/run'],
};

/** Source files of the repository (not its tests, docs, build output or dependencies), relative to the root. */
function sourceFiles(dir = ROOT): string[] {
  const skip = /^(\.git|node_modules|dist|test|docs|test-artifacts|results|dbmatrix-runs|coverage)$/;
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return dir === ROOT && skip.test(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|js|cjs|mjs|sh|ya?ml|json)$|^run$/.test(entry.name) && entry.name !== 'package-lock.json' ? [relative(ROOT, path)] : [];
  });
}

/** A file's text without its comments: TypeScript and JavaScript through the compiler's printer, shell and YAML without # lines' comments. */
function code(file: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  if (/\.(ts|js|cjs|mjs)$/.test(file)) {
    const kind = /\.ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
    return ts.createPrinter({ removeComments: true }).printFile(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind));
  }
  if (/\.json$/.test(file)) return text;
  return text.replace(/(^|\s)#.*$/gm, '$1');
}

const files = sourceFiles();

describe.each(ADAPTER_NAMES)('%s is named only in its folder and the registry', (name) => {
  const own = (file: string) => file.startsWith(`adapters/${name}/`) || file === 'adapters/registry.ts';
  const naming = files.filter((file) => !own(file) && NAMED[name].test(code(file))).sort();

  test('no file outside them names it, apart from those about databases on purpose and the manifests', () => {
    const allowed = new Set([...ON_PURPOSE, ...MANIFESTS[name]]);
    expect(naming.filter((file) => !allowed.has(file))).toEqual([]);
  });

  test('every manifest listed does name it (strike it off once it no longer does)', () => {
    expect(MANIFESTS[name].filter((file) => !naming.includes(file))).toEqual([]);
  });
});
