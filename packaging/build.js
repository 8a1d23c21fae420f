#!/usr/bin/env node
// `npm pack` runs this first (prepack): dist/ gets the CLI, the worker-thread entry, the API ('dbmatrix') and the Jest
// helper ('dbmatrix/jest') as bundled JavaScript, and their type declarations. The package then needs neither the
// TypeScript sources nor a compile step where it is installed. Plain JavaScript: it runs before any TypeScript loader.
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');
const { BUNDLE_OPTIONS } = require('./bundle-cache');

const root = join(__dirname, '..');
const dist = join(root, 'dist');

/** Bundled entry points, by the file name they get in dist/. */
const ENTRIES = { cli: 'cli/dbmatrix.ts', 'worker-thread': 'matrix/worker-thread.ts', index: 'api/index.ts', jest: 'jest-helper/jest.ts' };

rmSync(dist, { recursive: true, force: true });
esbuild.buildSync({
  ...BUNDLE_OPTIONS,
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(root, file)])),
  outdir: dist,
  logLevel: 'warning',
});

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(__dirname, 'tsconfig.types.json')], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('packaging: the type declarations did not build\n');
  process.exit(1);
}
process.stderr.write(
  `packaging: ${Object.keys(ENTRIES)
    .map((n) => `dist/${n}.js`)
    .join(', ')} and dist/types/ built\n`,
);
