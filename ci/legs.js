#!/usr/bin/env node
// The legs of the CI matrix, derived from the adapter registry: each adapter on the newest supported Node, one whose
// driver is native (built per Node version) on every supported one, a server adapter once per image its server
// tests in CI (adapters/<name>/server.ts, ciImages), and one leg running every server version side by side (versionImages). The workflow's plan job, .ci/run and the report script all read
// them here, so the three cannot disagree.
//   node ci/legs.js                  one leg a line: name adapter node image report local-image script ('-' for none)
//   node ci/legs.js --github-output  appends legs=<the workflow's matrix as JSON> to $GITHUB_OUTPUT
require('tsx/cjs');
const { appendFileSync } = require('node:fs');
const { ADAPTER_NAMES, adapterFor } = require('../adapters/registry');

/** The Node majors CI runs, oldest first: the ones maintained today. The newest runs every adapter. */
const NODE_MAJORS = ['22', '24'];

/**
 * Every leg: `leg` its name, `adapter`, `node` major, `image` the workflow's ('' when none), `report` 'merged' for the one
 * leg per adapter merged into the reported run (its first image on the newest Node), 'own' for the others and 'versions'
 * for the one over every server version, `localImage` what .ci/run starts instead, where no registry answers ('-' when
 * no image is needed, 'none' when there is no stand-in), and `script` the file in ci/ that runs it. The versions leg
 * names several adapters and its images as adapter=image pairs, comma-separated, none(<image>) for a version with no stand-in.
 */
function plannedLegs() {
  const newest = NODE_MAJORS[NODE_MAJORS.length - 1];
  const legs = ADAPTER_NAMES.flatMap((name) => {
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
        script: 'leg.sh',
      })),
    );
  });
  // One run on one runner over every version of every server, so that the ratios between versions compare like with
  // like: legs on separate runners differ by their machines as much as by their servers.
  const servers = ADAPTER_NAMES.filter((name) => adapterFor(name).server);
  const pairs = (pick) => servers.flatMap((name) => adapterFor(name).server.versionImages.map((i) => `${name}=${pick(i)}`)).join(',');
  legs.push({
    leg: `server-versions-node${newest}`,
    adapter: servers.join(','),
    node: newest,
    image: pairs((i) => i.image),
    report: 'versions',
    localImage: pairs((i) => i.localImage ?? `none(${i.image})`),
    script: 'versions.sh',
  });
  return legs;
}

module.exports = { plannedLegs, NODE_MAJORS };

if (require.main === module) {
  const legs = plannedLegs();
  if (process.argv.includes('--github-output')) {
    const matrix = legs.map(({ leg, adapter, node, image, report, script }) => ({ leg, adapter, node, image, report, script }));
    appendFileSync(process.env.GITHUB_OUTPUT ?? '/dev/stdout', `legs=${JSON.stringify(matrix)}\n`);
  } else {
    for (const l of legs) process.stdout.write(`${l.leg} ${l.adapter} ${l.node} ${l.image || '-'} ${l.report} ${l.localImage} ${l.script}\n`);
  }
}
