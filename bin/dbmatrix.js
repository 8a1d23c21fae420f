#!/usr/bin/env node
// An installed package starts dist/cli.js (built by packaging/build.js). A checkout starts from a bundle of its
// TypeScript sources (see bundle-cache.js), or without one, from the sources through tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

function cliEntry() {
  if (!existsSync(join(__dirname, '..', 'cli', 'dbmatrix.ts'))) return '../dist/cli.js';
  const bundle = require('../packaging/bundle-cache').bundleOf('cli/dbmatrix.ts');
  if (!bundle) require('tsx/cjs');
  return bundle ?? '../cli/dbmatrix';
}

require(cliEntry())
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`dbmatrix: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  });
