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

/** The CLI, or one line saying what to install when a peer dependency it loads at start-up (knex) is missing. */
function loadCli() {
  try {
    return require(cliEntry());
  } catch (err) {
    const missing = err && err.code === 'MODULE_NOT_FOUND' && /Cannot find module '([^']+)'/.exec(err.message);
    if (!missing || missing[1].startsWith('.') || missing[1].startsWith('/')) throw err;
    process.stderr.write(`dbmatrix: the ${missing[1]} package is not installed; install it beside dbmatrix: npm install ${missing[1]}\n`);
    process.exit(2);
  }
}

loadCli()
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`dbmatrix: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  });
