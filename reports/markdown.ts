import { int, ms, signedPercent } from '../model/format';
import { clientCostText, describeCounts, describeTally } from '../model/metrics';
import { type CellResult, cellName, columnName, databaseName, type RunResults } from '../model/results-schema';
import { ceilingText } from './ceiling-text';
import {
  type CellStatus,
  type Comparison,
  confidenceText,
  FAILING_STATUSES,
  type FailureKind,
  type MetricChange,
  metricConfidence,
  serverChanges,
  verdictParts,
} from './compare';
import { answerText, conformanceRows, pinDifferences, pinsText } from './conformance-matrix';
import { diagnoseRun } from './diagnosis';
import { driverLayerPairs } from './driver-layers';
import { behindSchedule, modeLabel } from './load-mode';
import { mdCode, mdHeader, mdRow, mdText } from './md-text';
import { firstServerCell, ratioText, throughputRatio } from './server-sides';
import { sltMarkdown } from './slt-report';
import { unexplainedFailures } from './slt-text';

/** GitHub refuses a step summary over 1 MiB; stay clearly below it. */
export const MARKDOWN_LIMIT_BYTES = 1_000_000;

export { mdCode, mdText };

const row = mdRow;
const header = mdHeader;

/** Sections in order; when the whole is too large, the droppable ones go first, from the end. */
interface Section {
  /** Markdown text. */
  text: string;
  /** May be left out to fit the size limit. */
  droppable: boolean;
}

function fit(sections: Section[], limit = MARKDOWN_LIMIT_BYTES): string {
  const kept = [...sections];
  const size = () => Buffer.byteLength(kept.map((s) => s.text).join('\n\n'));
  let dropped = 0;
  for (let i = kept.length - 1; i >= 0 && size() > limit; i--) {
    if (kept[i]!.droppable) {
      kept.splice(i, 1);
      dropped++;
    }
  }
  let text = kept.map((s) => s.text).join('\n\n');
  if (dropped > 0)
    text += `\n\n_${dropped} detail section(s) left out to stay under ${int(limit / 1000)} kB; the HTML report and results.json have everything._`;
  if (Buffer.byteLength(text) > limit)
    text = `${Buffer.from(text)
      .subarray(0, limit - 200)
      .toString('utf8')}\n\n_Truncated to stay under ${int(limit / 1000)} kB._`;
  return `${text}\n`;
}

function describeRun(r: RunResults): string {
  const e = r.environment;
  const length = r.options.ops !== null ? `${int(r.options.ops)} operations` : `${(r.options.durationMs ?? 0) / 1000} s`;
  const commit = e.gitCommit ? ` · commit \`${e.gitCommit.slice(0, 12)}\`` : '';
  const open = r.options.rate ? ` · open loop at ${int(r.options.rate)} ops/s, latency from each operation's due time` : '';
  return `Run ${mdCode(r.runId)} · ${r.startedAt.replace('T', ' ').replace(/\..*/, '')} UTC · Node ${mdText(e.node)} · ${e.cpuCount} × ${mdText(e.cpuModel)}${commit} · ${r.options.repeats} repeat(s) × ${length} per cell${open}${r.interrupted ? ' · **interrupted**' : ''}`;
}

/**
 * A cell of the summary; `versus`, the same cell on its adapter's first server when the run had several, adds the
 * throughput ratio between the two versions (one run's figures: `compare --baseline-server` judges it against the noise).
 */
function summaryCell(r: CellResult | undefined, versus?: CellResult): string {
  if (!r) return '–';
  if (r.state === 'skipped') return `skipped: ${mdText(r.reason)}`;
  const f = r.figures;
  const data = !r.verification ? '⚠️ not verified' : r.verification.ok ? '✅ verified' : `❌ lost ${r.verification.lost}, phantom ${r.verification.phantom}`;
  if (!f) return `❌ failed<br>${data}`;
  const errors = f.operations.failed === 0 ? '0 errors' : `${int(f.operations.failed)} errors (${mdText(describeTally(f.errors))})`;
  const state = r.state === 'failed' ? '❌ failed<br>' : '';
  const path = f.driverPath === 'prepared' ? ' (prepared)' : '';
  const mode = modeLabel(f);
  const open = mode ? `<br>${mode}${behindSchedule(f) ? ' ⚠️ **behind schedule**' : ''}` : '';
  const multiple = throughputRatio(r, versus);
  const ratio = multiple === undefined ? '' : `<br>${mdText(ratioText(multiple, versus!.cell.serverLabel ?? ''))}`;
  const cost = clientCostText(f.health.cpu, f.operations.total);
  const ceiling = ceilingText(f);
  const client = `${cost === '-' ? '' : `<br>client ${cost}`}${ceiling ? `<br>${mdText(ceiling)}` : ''}`;
  return `${state}**${int(f.opsPerSec)}** ops/s${path}${ratio}${open}<br>p99 ${ms(f.latencyMs.p99)} ms${client}<br>${errors} · ${data}`;
}

/** The run as a GitHub step summary: workloads × adapter profiles with ops/s, p99, errors and verification. */
export function summaryMarkdown(results: RunResults, title = 'dbmatrix results'): string {
  const cells = results.cells;
  // A run of sqllogictest files alone measured no cells: its summary is the files'.
  if (cells.length === 0 && !results.conformance && results.sqllogictest?.length) {
    const open = unexplainedFailures(results.sqllogictest);
    const e = results.environment;
    const head = `## ${open ? '❌' : '✅'} ${mdText(title)}: ${results.sqllogictest.length} sqllogictest file(s), ${open ? `${int(open)} record(s) failed without a known cause` : 'every failure known'}`;
    const about = `Run ${mdCode(results.runId)} · ${results.startedAt.replace('T', ' ').replace(/\..*/, '')} UTC · Node ${mdText(e.node)} · ${e.cpuCount} × ${mdText(e.cpuModel)}${results.interrupted ? ' · **interrupted**' : ''}`;
    return fit([{ text: `${head}\n\n${about}`, droppable: false }, ...sltMarkdown(results).map((text) => ({ text, droppable: !text.startsWith('### ❌') }))]);
  }
  const columns = [...new Set(cells.map((c) => columnName(c.cell)))];
  const workloads = [...new Set(cells.map((c) => c.cell.workload))];
  const find = (column: string, workload: string) => cells.find((c) => columnName(c.cell) === column && c.cell.workload === workload);
  const failed = cells.filter((c): c is Extract<CellResult, { state: 'failed' }> => c.state === 'failed');
  const verified = cells.filter((c) => c.state === 'completed').length;
  const head = `## ${failed.length ? '❌' : '✅'} ${mdText(title)}: ${verified} of ${cells.length} cells passed and verified${failed.length ? `, ${failed.length} failed` : ''}`;
  const table = [
    ...header(['workload', ...columns.map(mdText)]),
    ...workloads.map((w) => row([`${mdCode(w)}`, ...columns.map((col) => summaryCell(find(col, w), firstServerCell(cells, find(col, w))))])),
  ].join('\n');
  const sections: Section[] = [
    { text: `${head}\n\n${describeRun(results)}`, droppable: false },
    { text: table, droppable: false },
  ];
  if (failed.length) {
    sections.push({
      text: ['### Failed cells', '', ...failed.map((c) => `- ${mdCode(cellName(c.cell))}: ${mdText(c.reasons.join('; '))}`)].join('\n'),
      droppable: false,
    });
  }
  const diagnosis = [
    '### Diagnosis: what limited each cell',
    '',
    ...header(['cell', 'bottleneck', 'evidence', 'what to change']),
    ...diagnoseRun(results).map((d) => row([mdCode(cellName(d.cell)), `**${d.bottleneck}**`, d.evidence.map(mdText).join('<br>'), mdText(d.recommendation)])),
  ].join('\n');
  sections.push({ text: diagnosis, droppable: true });
  const matrix = conformanceRows(results);
  const changed = pinDifferences(results);
  if (changed.length) {
    // A server that answers otherwise than its pins changed behaviour: kept however long the summary gets.
    const lines = [
      ...header(['database', 'case', 'pinned answer', 'answer now']),
      ...changed.map((d) => row([mdText(d.adapter), mdCode(d.answer.id), mdCode(d.answer.pinnedAnswer ?? ''), mdCode(d.answer.answer)])),
    ];
    sections.push({ text: `### ❌ Conformance answers that differ from their pins (${changed.length})\n\n${lines.join('\n')}`, droppable: false });
  }
  if (matrix.rows.length) {
    const lines = matrix.rows.map((r) => row([mdCode(r.id), mdCode(r.reference), ...matrix.adapters.map((a) => mdText(answerText(r.byAdapter[a])))]));
    const differ = matrix.rows.filter((r) => r.databasesDiffer).length;
    const servers = (results.conformance ?? []).map((t) => `- **${mdText(databaseName(t))}**: ${mdText(pinsText(t))}`);
    sections.push({
      text: [
        `### Conformance: how each database answers (${differ} of ${matrix.rows.length} cases differ between databases)`,
        '',
        ...servers,
        '',
        ...header(['case', 'reference', ...matrix.adapters.map(mdText)]),
        ...lines,
      ].join('\n'),
      droppable: true,
    });
  }
  // Unexplained failures cannot be dropped for length; the tables around them can.
  for (const text of sltMarkdown(results)) sections.push({ text, droppable: !text.startsWith('### ❌') });
  const layers = driverLayerPairs(results);
  if (layers.length) {
    const lines = layers.map((p) =>
      row([
        mdCode(`${p.adapter}/${p.workload}`),
        `${mdText(p.knex.cell.profile)}: ${int(p.knex.figures.opsPerSec)} ops/s, p50 ${ms(p.knex.figures.latencyMs.p50)} ms`,
        `${mdText(p.prepared.cell.profile)}: ${int(p.prepared.figures.opsPerSec)} ops/s, p50 ${ms(p.prepared.figures.latencyMs.p50)} ms`,
        `**${p.ratio.toFixed(2)}**`,
      ]),
    );
    sections.push({
      text: [
        '### Query builder cost: knex against prepared statements on the same driver',
        '',
        ...header(['adapter/workload', 'through knex', 'prepared statements', 'knex ÷ prepared']),
        ...lines,
      ].join('\n'),
      droppable: true,
    });
  }
  const retried = cells.filter((c) => c.state !== 'skipped' && c.figures && c.figures.retriedOps > 0);
  if (retried.length) {
    const lines = retried.map((c) =>
      c.state === 'skipped' || !c.figures
        ? ''
        : `- ${mdCode(cellName(c.cell))}: ${int(c.figures.retriedOps)} operations needed retries (${mdText(describeCounts(c.figures.retries))})`,
    );
    sections.push({ text: ['### Retries', '', ...lines].join('\n'), droppable: true });
  }
  const targets = new Map<string, Extract<CellResult, { state: 'completed' }>['target']>();
  for (const c of cells) if (c.state !== 'skipped' && c.target && !targets.has(columnName(c.cell))) targets.set(columnName(c.cell), c.target);
  const settings = [...targets.entries()].map(([where, t]) =>
    [
      `**${mdText(where)}** · ${mdText(t.serverVersion)} via ${t.provider} (${mdText(t.address)})`,
      '',
      ...header(['setting', 'value']),
      ...Object.entries(t.settings).map(([k, v]) => row([mdText(k), `${mdCode(v)}`])),
    ].join('\n'),
  );
  if (settings.length)
    sections.push({ text: `<details><summary>Servers and effective settings</summary>\n\n${settings.join('\n\n')}\n\n</details>`, droppable: true });
  return fit(sections);
}

const STATUS_ICON: Record<CellStatus, string> = {
  'newly failed': '❌',
  regressed: '🔻',
  'still failing': '❌',
  inconclusive: '❔',
  missing: '➖',
  new: '🆕',
  fixed: '✅',
  improved: '🔺',
  unchanged: '▫️',
};

function metricText(m: MetricChange | undefined): string {
  if (!m) return '–';
  const digits = m.metric === 'ops/s' ? int : ms;
  const interval = m.interval ? ` [${signedPercent(m.interval[0])}, ${signedPercent(m.interval[1])}]` : '';
  const mark = m.verdict === 'regressed' ? ' 🔻' : m.verdict === 'improved' ? ' 🔺' : '';
  return `${digits(m.baseline)} → ${digits(m.current)}<br>${signedPercent(m.change)}${interval}${mark}`;
}

function comparisonTable(rows: Comparison['cells'], likeForLike: boolean): string {
  const lines = header(['cell', 'status', 'ops/s', 'p50 ms', 'p99 ms', 'notes']);
  // Runs of another length or repeat count: each verdict says so where it stands, not only in the heading.
  const unlike = likeForLike ? '' : '<br>⚠️ unlike runs';
  for (const c of rows) {
    const m = (name: MetricChange['metric']) => metricText(c.metrics.find((x) => x.metric === name));
    lines.push(
      row([`${mdCode(cellName(c.cell))}`, `${STATUS_ICON[c.status]} ${c.status}${unlike}`, m('ops/s'), m('p50 ms'), m('p99 ms'), mdText(c.notes.join('; '))]),
    );
  }
  return lines.join('\n');
}

/** The heading's count of what failed: regressions as before, then missing results and the interruption. */
function failedHeading(cmp: Comparison): string {
  const count = (kinds: FailureKind[]) => cmp.failures.filter((f) => kinds.includes(f.kind)).length;
  const regressions = count(['regressed', 'newly failed']) + cmp.answerChanges.length;
  const parts = [
    regressions ? `${regressions} regression(s)` : '',
    cmp.missingCells.length ? `${cmp.missingCells.length} missing cell(s)` : '',
    cmp.missingAnswers.length ? `${cmp.missingAnswers.length} missing conformance answer(s)` : '',
    cmp.current.interrupted ? 'current run interrupted' : '',
    count(['not like for like']) ? 'not like for like' : '',
  ].filter(Boolean);
  return `❌ dbmatrix compare: ${parts.join(', ')}`;
}

/** A comparison as Markdown: the verdict, why the gate failed, regressions and new failures first, then every cell and what changed. */
export function compareMarkdown(cmp: Comparison): string {
  const bad = cmp.cells.filter((c) => FAILING_STATUSES.includes(c.status));
  const counts = Object.entries(cmp.cells.reduce<Record<string, number>>((acc, c) => ((acc[c.status] = (acc[c.status] ?? 0) + 1), acc), {}))
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const side = (s: Comparison['baseline']) =>
    `${mdText(s.label)} ${mdCode(s.runId)}${s.commit ? ` (commit \`${s.commit.slice(0, 12)}\`)` : ''}${s.interrupted ? ' · **interrupted**' : ''}`;
  const t = cmp.thresholds;
  const lfl = cmp.likeForLike;
  const head = [
    `## ${cmp.passed ? `✅ dbmatrix compare: no regression${lfl.same ? '' : ' (not like for like)'}` : failedHeading(cmp)}`,
    '',
    `${side(cmp.baseline)} → ${side(cmp.current)}`,
    '',
    ...serverChanges(cmp).flatMap((s) => [`**Server changed**: ${mdText(s.where)} ${mdCode(JSON.parse(s.baseline!))} → ${mdCode(JSON.parse(s.current!))}`, '']),
    lfl.same
      ? `${mdText(lfl.summary)}.`
      : `> ⚠️ **${mdText(lfl.summary)}**. Every verdict below compares runs of different length, warm-up, repeats or load (${mdText(lfl.differences.join('; '))}); rerun one side to match before trusting a change.`,
    '',
    `Cells: ${counts}. A metric regresses when it moves more than ${Math.round(t.throughput * 100)} % (throughput) or ${Math.round(t.latency * 100)} % (p50, p99 latency) and its ${confidenceText(metricConfidence(t))} confidence interval over the repeats excludes no change (${confidenceText(t.confidence)} for a cell's three metrics together). Intervals are shown in brackets.`,
  ].join('\n');
  const sections: Section[] = [{ text: head, droppable: false }];
  if (!cmp.passed) {
    sections.push({
      text: [`### Why the gate failed (${mdText(verdictParts(cmp).join('; '))})`, '', ...cmp.failures.map((f) => `- ${mdText(f.message)}`)].join('\n'),
      droppable: false,
    });
  }
  if (bad.length) sections.push({ text: `### Regressions, new failures and missing cells\n\n${comparisonTable(bad, lfl.same)}`, droppable: false });
  if (cmp.answerChanges.length) {
    const lines = [
      ...header(['database', 'case', 'baseline answer', 'current answer']),
      ...cmp.answerChanges.map((a) => row([mdText(a.adapter), mdCode(a.id), mdText(a.baseline), mdText(a.current)])),
    ];
    sections.push({ text: `### Conformance answers that changed\n\n${lines.join('\n')}`, droppable: false });
  }
  if (cmp.missingAnswers.length) {
    const lines = [
      ...header(['database', 'case', 'baseline answer']),
      ...cmp.missingAnswers.map((a) => row([mdText(a.adapter), mdCode(a.id), mdText(a.baseline)])),
    ];
    sections.push({ text: `### Conformance answers the current run lacks\n\n${lines.join('\n')}`, droppable: true });
  }
  if (cmp.settingChanges.length) {
    const lines = [
      ...header(['where', 'key', 'baseline', 'current']),
      ...cmp.settingChanges.map((s) => row([mdText(s.where), mdText(s.key), `${mdCode(s.baseline ?? '(absent)')}`, `${mdCode(s.current ?? '(absent)')}`])),
    ];
    sections.push({ text: `### What changed between the runs\n\n${lines.join('\n')}`, droppable: false });
  }
  const rest = cmp.cells.filter((c) => !bad.includes(c));
  if (rest.length)
    sections.push({
      text: `<details${bad.length ? '' : ' open'}><summary>All other cells (${rest.length})</summary>\n\n${comparisonTable(rest, lfl.same)}\n\n</details>`,
      droppable: true,
    });
  return fit(sections);
}
