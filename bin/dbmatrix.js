#!/usr/bin/env node
// Start from the bundled CLI (see bundle-cache.js); without one, load the TypeScript sources through tsx.
const { bundleOf } = require('./bundle-cache');
const bundle = bundleOf('cli/dbmatrix.ts');
if (!bundle) require('tsx/cjs');
require(bundle ?? '../cli/dbmatrix').main(process.argv).catch((err) => {
  process.stderr.write(`dbmatrix: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});
