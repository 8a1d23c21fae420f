import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ADAPTER_NAMES, type AdapterName } from '../../adapters/registry';

// What one database means lives in its folder, adapters/<name>/, and one line of adapters/registry.ts; everything else
// (server flags, images, resolution, tune axes, labels, test selection) is derived from the registry. This test lists,
// for each database, the other files whose code names it: comments do not count, string literals and identifiers do.

const ROOT = join(__dirname, '..', '..');

/** How code names each database: its adapter name and the servers it reaches. */
const NAMED: Record<AdapterName, RegExp> = {
  sqlite: /\bsqlite\b/i,
  postgres: /\bpostgres(?:ql)?\b/i,
  mysql: /\b(?:mysql|mariadb)\b/i,
};

/** Files that compare the databases on purpose: the seed analysis's claims and its report are about these three by name. */
const ON_PURPOSE = [
  'matrix/scenarios/seed-claims.ts',
  'matrix/scenarios/seed.ts',
  'reports/seed-report.ts',
  'examples/dbmatrix.config.ts',
  'examples/jest/orders.test.ts',
  'examples/workloads/orders.yaml',
  'examples/workloads/transfers.ts',
];

/** Files not yet moved that name every database. */
const EVERY_DATABASE = [
  // The CI legs: next to be derived from the registry.
  '.ci/run',
  '.github/workflows/dbmatrix.yml',
  // Descriptions of figures that exist for some databases only.
  'model/results-schema.ts',
  'model/results.schema.json',
];

/**
 * Files that still name a database outside its folder: the work left to move it there (or derive it from the registry).
 * The list may only shrink: a file named here that no longer names the database fails the test until it is struck off.
 */
const NOT_YET_MOVED: Record<AdapterName, string[]> = {
  sqlite: [
    ...EVERY_DATABASE,
    // The benchmarks against native clients (to become \`run --ceiling\`).
    'bench/peer-ratios.ts',
    'bench/run.ts',
  ],
  postgres: [
    ...EVERY_DATABASE,
    // The compose file.
    'docker/docker-compose.yml',
    // Its driver and container module as dependencies.
    'package.json',
    // The benchmarks against native clients (to become \`run --ceiling\`).
    'bench/peer-ratios.ts',
    'bench/peers.ts',
    'bench/stall.ts',
    'bench/stalled-run.ts',
  ],
  mysql: [
    ...EVERY_DATABASE,
    // The compose file; its driver and container module as dependencies.
    'docker/docker-compose.yml',
    'package.json',
    'bench/peers.ts',
  ],
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

  test('no file outside them names it, apart from those comparing databases on purpose and those not yet moved', () => {
    const allowed = new Set([...ON_PURPOSE, ...NOT_YET_MOVED[name]]);
    expect(naming.filter((file) => !allowed.has(file))).toEqual([]);
  });

  test('every file the list still allows does name it (strike a file off once it is moved)', () => {
    expect(NOT_YET_MOVED[name].filter((file) => !naming.includes(file))).toEqual([]);
  });
});
