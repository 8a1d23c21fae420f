#!/usr/bin/env node
// Load the TypeScript sources through tsx, the same way worker threads load them.
require('tsx/cjs');
require('../cli/dbmatrix').main(process.argv).catch((err) => {
  process.stderr.write(`dbmatrix: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});
