#!/usr/bin/env node
// The legs of the CI matrix, read from .github/workflows/dbmatrix.yml: the one place they are declared. Prints one leg a
// line as `name adapter node image report` (image `-` when the adapter needs none), or the legs as JSON with --json.
// The report script reads it to know which legs should have uploaded results; a unit test holds .ci/run to the same list.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

const WORKFLOW = join(__dirname, '..', '.github', 'workflows', 'dbmatrix.yml');
const CI_RUN = join(__dirname, '..', '.ci', 'run');

/** The `include` entries of the `legs` job's matrix, checked for the keys every leg needs. */
function workflowLegs(file = WORKFLOW) {
  const workflow = parse(readFileSync(file, 'utf8'));
  const include = workflow?.jobs?.legs?.strategy?.matrix?.include;
  if (!Array.isArray(include) || include.length === 0) throw new Error(`${file}: jobs.legs.strategy.matrix.include lists no legs`);
  return include.map((leg, i) => {
    for (const key of ['leg', 'adapter', 'node', 'image', 'report']) {
      if (leg[key] === undefined) throw new Error(`${file}: leg ${i + 1} has no '${key}'`);
    }
    return { leg: String(leg.leg), adapter: String(leg.adapter), node: String(leg.node), image: String(leg.image), report: String(leg.report) };
  });
}

/** The LEGS array of .ci/run: `name adapter node image local-image` a line, image `-` for none. */
function ciRunLegs(text = readFileSync(CI_RUN, 'utf8')) {
  const block = /^LEGS=\(\n([\s\S]*?)^\)/m.exec(text);
  if (!block) throw new Error('.ci/run: no LEGS=( ... ) array');
  return [...block[1].matchAll(/^\s*"([^"]*)"\s*$/gm)].map((m) => {
    const [leg, adapter, node, image, localImage] = m[1].trim().split(/\s+/);
    return { leg, adapter, node, image: image === '-' ? '' : image, localImage };
  });
}

/** Where the workflow's legs and .ci/run's disagree, one line each; empty when they agree on every leg's name, adapter, Node and image. */
function legsDisagreement(workflow, ciRun) {
  const problems = [];
  const key = (l) => `${l.adapter} node ${l.node} image '${l.image}'`;
  const ours = new Map(ciRun.map((l) => [l.leg, l]));
  for (const w of workflow) {
    const c = ours.get(w.leg);
    if (!c) problems.push(`leg ${w.leg} is in the workflow but not in .ci/run`);
    else if (key(c) !== key(w)) problems.push(`leg ${w.leg}: the workflow runs ${key(w)}, .ci/run ${key(c)}`);
  }
  const theirs = new Set(workflow.map((l) => l.leg));
  for (const c of ciRun) if (!theirs.has(c.leg)) problems.push(`leg ${c.leg} is in .ci/run but not in the workflow`);
  return problems;
}

module.exports = { workflowLegs, ciRunLegs, legsDisagreement, WORKFLOW, CI_RUN };

if (require.main === module) {
  const legs = workflowLegs();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(legs)}\n`);
  else for (const l of legs) process.stdout.write(`${l.leg} ${l.adapter} ${l.node} ${l.image || '-'} ${l.report}\n`);
}
