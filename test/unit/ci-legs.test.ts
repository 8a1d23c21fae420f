import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One leg as ci/legs.js reads it from the workflow or from .ci/run. */
interface Leg {
  leg: string;
  adapter: string;
  node: string;
  image: string;
}

// ci/legs.js is plain JavaScript so that the shell scripts run it without a TypeScript loader.
const { workflowLegs, ciRunLegs, legsDisagreement, WORKFLOW, CI_RUN } = require('../../ci/legs') as {
  workflowLegs(file?: string): Leg[];
  ciRunLegs(text?: string): (Leg & { localImage: string })[];
  legsDisagreement(workflow: Leg[], ciRun: Leg[]): string[];
  WORKFLOW: string;
  CI_RUN: string;
};

/** The `run:` commands of one job of the workflow, in order. */
function runSteps(job: string): string[] {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
  return workflow.jobs[job]!.steps.flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
}

describe('CI legs: the workflow and .ci/run', () => {
  test('.ci/run runs the same legs as the workflow, with the same adapter, Node major and image', () => {
    const workflow = workflowLegs();
    expect(workflow.length).toBeGreaterThanOrEqual(4);
    expect(legsDisagreement(workflow, ciRunLegs())).toEqual([]);
  });

  test('the check sees a leg dropped, added or changed in .ci/run', () => {
    const text = readFileSync(CI_RUN, 'utf8');
    const workflow = workflowLegs();
    const dropped = text.replace(/^\s*"postgres15-node24 .*"\n/m, '');
    expect(legsDisagreement(workflow, ciRunLegs(dropped))).toEqual(['leg postgres15-node24 is in the workflow but not in .ci/run']);
    const changed = text.replace('"mysql8.4-node24 mysql 24 mysql:8.4', '"mysql8.4-node24 mysql 22 mysql:8.0');
    expect(legsDisagreement(workflow, ciRunLegs(changed))).toEqual([
      "leg mysql8.4-node24: the workflow runs mysql node 24 image 'mysql:8.4', .ci/run mysql node 22 image 'mysql:8.0'",
    ]);
    const added = text.replace('LEGS=(\n', 'LEGS=(\n  "sqlite-node20 sqlite 20 - -"\n');
    expect(legsDisagreement(workflow, ciRunLegs(added))).toEqual(['leg sqlite-node20 is in .ci/run but not in the workflow']);
  });

  test('every server leg has a stand-in image here or says it has none', () => {
    for (const leg of ciRunLegs()) {
      if (leg.adapter === 'sqlite') expect(leg.localImage).toBe('-');
      else expect(leg.localImage).toMatch(/^(dbmatrix-local\/\S+|none)$/);
    }
  });

  test("the workflow's jobs only install and call the scripts in ci/, which .ci/run calls too", () => {
    expect(runSteps('legs')).toEqual(['npm ci', 'bash ci/leg.sh']);
    expect(runSteps('report')).toEqual(['npm ci', 'bash ci/report.sh legs report']);
    for (const step of runSteps('base-vs-head')) expect(step).toMatch(/^bash ci\/base-vs-head\.sh /);
    const ciRun = readFileSync(CI_RUN, 'utf8');
    expect(ciRun).toMatch(/\bbash ci\/leg\.sh\b/);
    expect(ciRun).toMatch(/\bbash ci\/report\.sh\b/);
    // A runner sets CI=true; the leg script sets it too, so .ci/run's legs run under the same rule (a skip fails).
    expect(readFileSync(join(__dirname, '..', '..', 'ci', 'leg.sh'), 'utf8')).toMatch(/^export CI=true$/m);
  });
});

// The legs file holds the report column too: what ci/report.sh merges must be one leg per adapter.
test('the merged legs hold each adapter once, so no cell is reported twice', () => {
  const legs = workflowLegs() as (Leg & { report: string })[];
  const merged = legs.filter((l) => l.report === 'merged').map((l) => l.adapter);
  expect(new Set(merged).size).toBe(merged.length);
  expect([...merged].sort()).toEqual(['mysql', 'postgres', 'sqlite']);
  for (const l of legs) expect(['merged', 'own']).toContain(l.report);
});
