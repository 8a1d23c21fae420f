import Table from 'cli-table3';
import { ADAPTER_NAMES, type AdapterName, adapterFor } from '../adapters/registry';
import { type ClaimOutcome, cellsFor } from '../matrix/scenarios/seed';
import { RATE_POINTS, RATIO_FACTOR, type Verdict } from '../matrix/scenarios/seed-claims';
import type { CellResult, RunResults } from '../model/results-schema';
import { type Paint, plain, type Style } from './colour';
import { type Diagnosis, diagnoseRun } from './diagnosis';
import { mdCode, mdText } from './markdown';

/** Column titles of the adapters: each adapter's label. */
export const ADAPTER_LABELS = Object.fromEntries(ADAPTER_NAMES.map((name) => [name, adapterFor(name).label])) as Record<AdapterName, string>;

const ICON: Record<Verdict, string> = { holds: '✅ holds', differs: '⚠️ differs', 'not applicable': '➖ n/a' };
const STYLE: Record<Verdict, Style> = { holds: 'green', differs: 'yellow', 'not applicable': 'dim' };
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => '---'))];
const cellName = (c: { profile: string; workload: string }) => `${c.profile} × ${c.workload}`;

/** Adapters with cells in the results, in registry order. */
function adaptersOf(results: RunResults): AdapterName[] {
  return ADAPTER_NAMES.filter((a) => results.cells.some((c) => c.cell.adapter === a));
}

/** Cells that did not complete with verified data: the failures of the scenario run itself. */
export function dataFailures(results: RunResults): { cell: CellResult['cell']; reason: string }[] {
  return results.cells.flatMap((c) => {
    if (c.state === 'completed') return [];
    const reason = c.state === 'skipped' ? `skipped: ${c.reason}` : c.reasons.join('; ');
    return [{ cell: c.cell, reason }];
  });
}

function describeRun(r: RunResults): string {
  const e = r.environment;
  const when = r.startedAt.replace('T', ' ').replace(/\..*/, '');
  const ops = r.options.ops !== null ? `${r.options.ops.toLocaleString('en-US')} operations` : `${(r.options.durationMs ?? 0) / 1000} s`;
  const versions = adaptersOf(r).map((a) => {
    const served = r.cells.find((c) => c.cell.adapter === a && c.state !== 'skipped' && c.target);
    return served && served.state !== 'skipped' && served.target ? mdText(served.target.serverVersion) : `${ADAPTER_LABELS[a]} (version unknown)`;
  });
  return `Run ${mdCode(r.runId)} · ${when} UTC · Node ${mdText(e.node)} · ${e.cpuCount} × ${mdText(e.cpuModel)} · ${r.options.repeats} repeat(s) × ${ops} per cell${r.interrupted ? ' · **interrupted**' : ''}\n\nServers: ${versions.join(' · ')}`;
}

function tally(claims: ClaimOutcome[], adapter: AdapterName): string {
  const n = (v: Verdict) => claims.filter((c) => c.byAdapter[adapter]?.verdict === v).length;
  return `${ADAPTER_LABELS[adapter]} ${n('holds')} hold, ${n('differs')} differ, ${n('not applicable')} n/a`;
}

/** The bottleneck of each cell behind a claim on an adapter, as one line. */
function explain(claim: ClaimOutcome['claim'], adapter: AdapterName, diagnoses: Diagnosis[]): string {
  return cellsFor(claim, adapter)
    .map((c) => diagnoses.find((d) => d.cell.adapter === adapter && d.cell.profile === c.profile && d.cell.workload === c.workload))
    .filter((d): d is Diagnosis => d !== undefined)
    .map((d) => `${mdCode(cellName(d.cell))} ${d.bottleneck}`)
    .join(', ');
}

/** The scenario as GitHub-flavoured Markdown: claims beside measured figures, where they differ, and what limited each cell. */
export function seedMarkdown(results: RunResults, claims: ClaimOutcome[]): string {
  const adapters = adaptersOf(results);
  const diagnoses = diagnoseRun(results);
  const failures = dataFailures(results);
  const out: string[] = [
    `## ${failures.length ? '❌' : '✅'} dbmatrix scenario seed: the seed's load-test findings on ${adapters.map((a) => ADAPTER_LABELS[a]).join(', ')}`,
    '',
    describeRun(results),
    '',
    mdText(
      `The seed is a hand-written analysis of an ORM's load tests under SQLite on another machine. Its absolute ops/s are reported beside ours, not judged; its ratios and success rates are: "~" figures hold within a factor of ${RATIO_FACTOR}, quoted success rates within ${RATE_POINTS} percentage points. "naive" is each database out of the box with no retries and no backpressure; "tuned" is the adapter's default profile.`,
    ),
    '',
    `**Verdicts:** ${adapters.map((a) => tally(claims, a)).join(' · ')}`,
    '',
    ...header(['claim', 'seed', ...adapters.map((a) => `${ADAPTER_LABELS[a]} measured`), 'verdict']),
    ...claims.map(({ claim, byAdapter }) =>
      row([
        `${mdCode(claim.id)}<br>${mdText(claim.text)}`,
        mdText(claim.figure),
        ...adapters.map((a) => (byAdapter[a] ? `${mdText(byAdapter[a].measured)}<br>_${mdText(byAdapter[a].note)}_` : '–')),
        adapters.map((a) => `${ADAPTER_LABELS[a]} ${byAdapter[a] ? ICON[byAdapter[a].verdict] : '–'}`).join('<br>'),
      ]),
    ),
  ];

  const differing = claims.flatMap(({ claim, byAdapter }) =>
    adapters.filter((a) => byAdapter[a]?.verdict === 'differs').map((a) => ({ claim, adapter: a, note: byAdapter[a]!.note })),
  );
  out.push('', '### Where they differ', '');
  if (differing.length === 0) out.push('Every claim that could be judged holds.');
  for (const d of differing) {
    const why = explain(d.claim, d.adapter, diagnoses);
    out.push(`- ${mdCode(d.claim.id)} on ${ADAPTER_LABELS[d.adapter]}: ${mdText(d.note)}${why ? ` (${why})` : ''}`);
  }

  if (failures.length) {
    out.push('', '### Cells that failed or did not verify', '', ...failures.map((f) => `- ${mdCode(cellName(f.cell))}: ${mdText(f.reason)}`));
  }

  out.push('', '### Profiles', '');
  for (const p of results.profiles) out.push(`- ${mdCode(String(p.name))}: ${mdText(String(p.description ?? ''))}`);

  out.push('', '### Diagnosis of each cell', '', ...header(['cell', 'bottleneck', 'first evidence']));
  for (const d of diagnoses) out.push(row([mdCode(cellName(d.cell)), `**${d.bottleneck}**`, mdText(d.evidence[0] ?? '')]));
  return `${out.join('\n')}\n`;
}

/** The claims as a terminal table: one row per claim, measured figure and verdict per adapter. */
export function seedTable(results: RunResults, claims: ClaimOutcome[], paint: Paint = plain): string {
  const adapters = adaptersOf(results);
  const table = new Table({
    head: ['claim', 'seed', ...adapters.map((a) => ADAPTER_LABELS[a])],
    colWidths: [20, 16, ...adapters.map(() => 34)],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const { claim, byAdapter } of claims) {
    table.push([
      claim.id,
      claim.figure,
      ...adapters.map((a) => (byAdapter[a] ? `${paint(STYLE[byAdapter[a].verdict], byAdapter[a].verdict)}\n${byAdapter[a].measured}` : '–')),
    ]);
  }
  const failures = dataFailures(results).map((f) => `${paint('red', 'FAILED')} ${cellName(f.cell)}: ${f.reason}`);
  return [table.toString(), ...failures].join('\n');
}
