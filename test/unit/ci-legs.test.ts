import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ADAPTER_NAMES, adapterFor, SERVER_ADAPTERS } from '../../adapters/registry';

/** One leg as ci/legs.js derives it from the registry. */
interface Leg {
  leg: string;
  adapter: string;
  node: string;
  image: string;
  report: string;
  localImage: string;
  script: string;
}

// ci/legs.js is a script the shell and the workflow run; it loads the registry through tsx.
const { plannedLegs, NODE_MAJORS } = require('../../ci/legs') as { plannedLegs(): Leg[]; NODE_MAJORS: string[] };

const ROOT = join(__dirname, '..', '..');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'dbmatrix.yml');
const CI_RUN = join(ROOT, '.ci', 'run');

type Workflow = { jobs: Record<string, { needs?: string | string[]; steps: { run?: string }[]; strategy?: { matrix?: { include?: unknown } } }> };

/** The `run:` commands of one job of the workflow, in order. */
function runSteps(workflow: Workflow, job: string): string[] {
  return workflow.jobs[job]!.steps.flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
}

/**
 * Where the workflow or .ci/run would run legs of their own instead of ci/legs.js's, one line each: the legs job's matrix
 * must be the plan job's output, which runs ci/legs.js, and .ci/run must read ci/legs.js and keep no list of its own.
 */
function legsOfTheirOwn(workflowText: string, ciRunText: string): string[] {
  const problems: string[] = [];
  const workflow = parse(workflowText) as Workflow;
  if (workflow.jobs.legs?.strategy?.matrix?.include !== '${{ fromJSON(needs.plan.outputs.legs) }}')
    problems.push("the workflow's legs job does not take its matrix from the plan job");
  if (!runSteps(workflow, 'plan').includes('node ci/legs.js --github-output')) problems.push("the workflow's plan job does not run ci/legs.js");
  if (!/^mapfile -t LEGS < <\(node ci\/legs\.js\)$/m.test(ciRunText)) problems.push('.ci/run does not read its legs from ci/legs.js');
  if (/^LEGS=\(/m.test(ciRunText)) problems.push('.ci/run lists legs of its own');
  return problems;
}

describe('CI legs: derived from the registry, run alike by the workflow and .ci/run', () => {
  const workflowText = readFileSync(WORKFLOW, 'utf8');
  const ciRunText = readFileSync(CI_RUN, 'utf8');
  const legs = plannedLegs();

  test('the workflow and .ci/run both take their legs from ci/legs.js', () => {
    expect(legsOfTheirOwn(workflowText, ciRunText)).toEqual([]);
  });

  test('the check sees a workflow or a .ci/run with legs of its own', () => {
    const literal = workflowText.replace(
      'include: ${{ fromJSON(needs.plan.outputs.legs) }}',
      'include:\n          - { leg: sqlite-node24, adapter: sqlite, node: "24", image: "", report: merged }',
    );
    expect(legsOfTheirOwn(literal, ciRunText)).toEqual(["the workflow's legs job does not take its matrix from the plan job"]);
    const ownList = ciRunText.replace('mapfile -t LEGS < <(node ci/legs.js)', 'LEGS=(\n  "sqlite-node24 sqlite 24 - merged -"\n)');
    expect(legsOfTheirOwn(workflowText, ownList)).toEqual(['.ci/run does not read its legs from ci/legs.js', '.ci/run lists legs of its own']);
  });

  test('every adapter has a leg on the newest Node, a native driver one on every Node, a server one per CI image', () => {
    const newest = NODE_MAJORS[NODE_MAJORS.length - 1]!;
    for (const name of ADAPTER_NAMES) {
      const adapter = adapterFor(name);
      const own = legs.filter((l) => l.adapter === name);
      const images = adapter.server ? adapter.server.ciImages.map((i) => i.image) : [''];
      const nodes = adapter.nativeDriver ? NODE_MAJORS : [newest];
      expect(own.map((l) => `${l.image} ${l.node}`).sort()).toEqual(images.flatMap((i) => nodes.map((n) => `${i} ${n}`)).sort());
    }
    expect(new Set(legs.map((l) => l.leg)).size).toBe(legs.length);
    expect(legs.map((l) => l.leg)).toEqual(
      expect.arrayContaining(['sqlite-node22', 'sqlite-node24', 'postgres15-node24', 'mariadb10.11-node24', 'mysql8.4-node24']),
    );
  });

  test('every server leg has a stand-in image that docker/local/build-local-images.sh builds by default, or says it has none', () => {
    // What the builder would build with no arguments, as .ci/run calls it: each adapter's first listed version.
    const listed = (...targets: string[]) =>
      execFileSync('bash', [join(ROOT, 'docker', 'local', 'build-local-images.sh'), ...targets, '--list'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((line) => line.split(' ')[0]!);
    const built = listed();
    for (const name of SERVER_ADAPTERS) expect(built).toContain(adapterFor(name).server!.localImage);
    for (const leg of legs.filter((l) => l.report !== 'versions')) {
      if (leg.image === '') expect(leg.localImage).toBe('-');
      else if (leg.localImage !== 'none') expect(built).toContain(leg.localImage);
    }
    // Every version a spec lists is tagged by that version, so two versions never share an image.
    const every = listed('every');
    expect(new Set(every).size).toBe(every.length);
    expect(every.length).toBeGreaterThan(built.length);
  });

  test('one leg runs every server version side by side, every version with a stand-in here among them', () => {
    const versions = legs.filter((l) => l.report === 'versions');
    expect(versions.map((l) => [l.leg, l.script])).toEqual([[`server-versions-node${NODE_MAJORS[NODE_MAJORS.length - 1]}`, 'versions.sh']]);
    const [leg] = versions;
    const pairs = (list: string) => list.split(',').map((p) => p.split('=') as [string, string]);
    const expected = SERVER_ADAPTERS.flatMap((name) => adapterFor(name).server!.versionImages.map((i) => [name, i.image, i.localImage] as const));
    expect(pairs(leg!.image)).toEqual(expected.map(([name, image]) => [name, image]));
    expect(pairs(leg!.localImage)).toEqual(expected.map(([name, image, local]) => [name, local ?? `none(${image})`]));
    // Every version the builder can make runs in the leg, and every stand-in the leg names is one the builder makes.
    const every = execFileSync('bash', [join(ROOT, 'docker', 'local', 'build-local-images.sh'), 'every', '--list'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0]!);
    expect(expected.flatMap(([, , local]) => (local ? [local] : [])).sort()).toEqual([...every].sort());
  });

  // What ci/report.sh merges must be one leg per adapter.
  test('the merged legs hold each adapter once, so no cell is reported twice', () => {
    const merged = legs.filter((l) => l.report === 'merged').map((l) => l.adapter);
    expect([...merged].sort()).toEqual([...ADAPTER_NAMES].sort());
    for (const l of legs) expect(['merged', 'own', 'versions']).toContain(l.report);
  });

  test("the workflow's jobs only install and call the scripts in ci/, which .ci/run calls too", () => {
    const workflow = parse(workflowText) as Workflow;
    expect(runSteps(workflow, 'plan')).toEqual(['npm ci --ignore-scripts', 'node ci/legs.js --github-output']);
    expect(runSteps(workflow, 'legs')).toEqual(['npm ci', 'bash ci/native-clients.sh', 'bash "ci/$SCRIPT"']);
    expect(ciRunText).toMatch(/^bash ci\/native-clients\.sh$/m);
    expect(runSteps(workflow, 'report')).toEqual(['npm ci', 'bash ci/report.sh legs report']);
    for (const step of runSteps(workflow, 'base-vs-head')) expect(step).toMatch(/^bash ci\/base-vs-head\.sh /);
    expect(ciRunText).toMatch(/\bbash "ci\/\$script"/);
    for (const leg of legs) expect(readFileSync(join(ROOT, 'ci', leg.script), 'utf8')).toMatch(/^export CI=true$/m);
    expect(ciRunText).toMatch(/\bbash ci\/report\.sh\b/);
    // A runner sets CI=true; the leg script sets it too, so .ci/run's legs run under the same rule (a skip fails).
    expect(readFileSync(join(ROOT, 'ci', 'leg.sh'), 'utf8')).toMatch(/^export CI=true$/m);
  });
});
