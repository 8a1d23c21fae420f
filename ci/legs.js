#!/usr/bin/env node
// The legs of the CI matrix, derived from the adapter registry: each adapter on the newest supported Node, one whose
// driver is native (built per Node version) on every supported one, and a server adapter once per image its server
// tests in CI (adapters/<name>/server.ts, ciImages). The workflow's plan job, .ci/run and the report script all read
// them here, so the three cannot disagree.
//   node ci/legs.js                  one leg a line: name adapter node image report local-image ('-' for none)
//   node ci/legs.js --github-output  appends legs=<the workflow's matrix as JSON> to $GITHUB_OUTPUT
require('tsx/cjs');
const { appendFileSync } = require('node:fs');
const { ADAPTER_NAMES, adapterFor } = require('../adapters/registry');

/** The Node majors CI runs, oldest first: the ones maintained today. The newest runs every adapter. */
const NODE_MAJORS = ['22', '24'];

/**
 * Every leg: `leg` its name, `adapter`, `node` major, `image` the workflow's ('' when none), `report` 'merged' for the one
 * leg per adapter merged into the reported run (its first image on the newest Node) and 'own' for the others, and
 * `localImage` what .ci/run starts instead, where no registry answers ('-' when no image is needed, 'none' when there is
 * no stand-in).
 */
function plannedLegs() {
  const newest = NODE_MAJORS[NODE_MAJORS.length - 1];
  return ADAPTER_NAMES.flatMap((name) => {
    const adapter = adapterFor(name);
    const images = adapter.server ? adapter.server.ciImages : [{ image: '', localImage: '-' }];
    const nodes = adapter.nativeDriver ? NODE_MAJORS : [newest];
    return images.flatMap(({ image, localImage }, i) =>
      nodes.map((node) => ({
        leg: `${image ? image.replace(':', '') : name}-node${node}`,
        adapter: name,
        node,
        image,
        report: i === 0 && node === newest ? 'merged' : 'own',
        localImage: localImage ?? 'none',
      })),
    );
  });
}

module.exports = { plannedLegs, NODE_MAJORS };

if (require.main === module) {
  const legs = plannedLegs();
  if (process.argv.includes('--github-output')) {
    const matrix = legs.map(({ leg, adapter, node, image, report }) => ({ leg, adapter, node, image, report }));
    appendFileSync(process.env.GITHUB_OUTPUT ?? '/dev/stdout', `legs=${JSON.stringify(matrix)}\n`);
  } else {
    for (const l of legs) process.stdout.write(`${l.leg} ${l.adapter} ${l.node} ${l.image || '-'} ${l.report} ${l.localImage}\n`);
  }
}
