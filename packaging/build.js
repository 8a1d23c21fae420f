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
const ENTRIES = {
  cli: 'cli/dbmatrix.ts',
  'worker-thread': 'matrix/worker-thread.ts',
  index: 'api/index.ts',
  'test-helper': 'test-helper/each-adapter.ts',
  jest: 'test-helper/jest.ts',
};

/**
 * The helper's core is dist/test-helper.js alone, which dbmatrix/jest requires and dbmatrix/vitest imports: a bundle
 * of its own in each would be a second copy of the code.
 */
const helperCore = {
  name: 'helper-core',
  setup(build) {
    build.onResolve({ filter: /^\.\/each-adapter$/ }, () => ({ path: './test-helper.js', external: true }));
  },
};

/** dist/ from scratch: the CommonJS bundles, the ES module of dbmatrix/vitest, the type declarations. */
async function build() {
  rmSync(dist, { recursive: true, force: true });
  await esbuild.build({
    ...BUNDLE_OPTIONS,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(root, file)])),
    outdir: dist,
    plugins: [helperCore],
    logLevel: 'warning',
  });
  // Vitest can only be imported, not required: dbmatrix/vitest is an ES module over the CommonJS core.
  await esbuild.build({
    ...BUNDLE_OPTIONS,
    format: 'esm',
    entryPoints: { vitest: join(root, 'test-helper/vitest.ts') },
    outExtension: { '.js': '.mjs' },
    outdir: dist,
    plugins: [helperCore],
    logLevel: 'warning',
  });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(__dirname, 'tsconfig.types.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error('the type declarations did not build');
  process.stderr.write(`packaging: ${[...Object.keys(ENTRIES).map((n) => `dist/${n}.js`), 'dist/vitest.mjs'].join(', ')} and dist/types/ built\n`);
}

build().catch((err) => {
  process.stderr.write(`packaging: ${err.message}\n`);
  process.exit(1);
});
