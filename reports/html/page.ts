import type { RunResults } from '../../model/results-schema';
import type { ChartSpec } from './chart-data';
import { escapeHtml as h } from './escape';

/** Nothing may load from anywhere: scripts and styles are inline, and images could only be data: URLs. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** System fonts only: a web font would be a network request. */
const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif';

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --alt: #f6f8fa; --bad: #b42318; --good: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${FONT_STACK}; font-size: 15px; line-height: 1.45; color: var(--fg); background: #fff; }
main { max-width: 1480px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 16px; margin: 0 0 8px; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
.warning { color: var(--bad); font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13.5px; }
caption { text-align: left; font-weight: 600; padding: 6px 0; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
thead th { background: var(--alt); position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fbfcfd; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.state-completed { color: var(--good); font-weight: 600; }
td.state-failed, td.bad { color: var(--bad); font-weight: 600; }
td.state-skipped { color: var(--muted); }
td.notes ul { margin: 0; padding-left: 18px; }
pre.sample { margin: 0; max-width: 70ch; white-space: pre-wrap; overflow-wrap: anywhere; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); gap: 18px; }
figure.chart { margin: 0; min-width: 0; padding: 14px 16px 10px; border: 1px solid var(--border); border-radius: 8px; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
.canvas-box { position: relative; height: 340px; }
h3.subhead { margin: 22px 0 8px; }
.adapter-settings { margin-bottom: 28px; }
.side-by-side { display: flex; flex-wrap: wrap; gap: 8px 36px; align-items: flex-start; }
.adapter-settings td { max-width: 56ch; overflow-wrap: anywhere; }
`;

const fact = (label: string, value: string) => `<dt>${h(label)}</dt><dd>${h(value)}</dd>`;

/** Run id, dates, bounds and the measured machine. */
export function header(results: RunResults, title: string): string {
  const e = results.environment;
  const o = results.options;
  const seconds = (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000;
  const bound = o.ops !== null ? `${o.ops.toLocaleString('en-US')} operations` : `${((o.durationMs ?? 0) / 1000).toLocaleString('en-US')} s`;
  const facts = [
    fact('run id', results.runId),
    fact('started', results.startedAt),
    fact('finished', Number.isFinite(seconds) ? `${results.finishedAt} (${seconds.toFixed(1)} s)` : results.finishedAt),
    // A run of sqllogictest files alone measured no cells, so it has no bounds to show.
    results.cells.length === 0 && results.sqllogictest?.length
      ? fact('ran', `${results.sqllogictest.length} sqllogictest file(s), each in a namespace of its own on every database`)
      : fact(
          'measured',
          `${bound} per cell and repeat, ${o.repeats} repeat${o.repeats === 1 ? '' : 's'}, warm-up ${o.warmupOps ?? 'a tenth of ops'}, max error rate ${o.maxErrorRate}`,
        ),
    fact('node', e.node),
    fact('system', `${e.platform} ${e.release} ${e.arch}, ${e.totalMemoryMiB.toLocaleString('en-US')} MiB`),
    fact('cpu', `${e.cpuModel} × ${e.cpuCount}`),
    fact('git commit', e.gitCommit ?? 'unknown'),
    fact(
      'packages',
      Object.entries(e.packages)
        .map(([name, version]) => `${name} ${version}`)
        .join(', '),
    ),
  ];
  if (o.rate) facts.push(fact('load', `open loop at ${o.rate.toLocaleString('en-US')} ops/s per cell; latency from each operation's due time`));
  if (results.mergedFrom) facts.push(fact('merged from', results.mergedFrom.map((m) => `${m.runId} (${m.adapters.join(', ')}): ${m.file}`).join('; ')));
  const interrupted = results.interrupted ? '<p class="warning">The run was interrupted: some cells did not run to the end.</p>' : '';
  return `<header><h1>${h(title)}</h1><p class="muted">dbmatrix results, schema version ${h(results.schemaVersion)}</p>${interrupted}<dl class="facts">${facts.join('')}</dl></header>`;
}

/** One chart: heading, canvas (drawn by the client script from the JSON block) and caption. */
export function chartFigure(spec: ChartSpec): string {
  const wide = spec.group === 'throughput' || spec.group === 'errors';
  return [
    `<figure class="chart${wide ? ' wide' : ''}">`,
    `<h3>${h(spec.title)}</h3>`,
    `<div class="canvas-box"><canvas data-chart="${h(spec.id)}" role="img" aria-label="${h(spec.title)}"></canvas></div>`,
    `<figcaption>${h(spec.caption)}</figcaption>`,
    '</figure>',
  ].join('');
}

/** The charts of one group in a responsive grid. */
export function chartGrid(specs: ChartSpec[], group: ChartSpec['group']): string {
  return `<div class="charts">${specs
    .filter((s) => s.group === group)
    .map(chartFigure)
    .join('')}</div>`;
}

/** A section with a heading; `body` is markup. */
export function section(id: string, title: string, body: string): string {
  return `<section id="${h(id)}"><h2>${h(title)}</h2>${body}</section>`;
}

/** The whole document; `scripts` are already script-safe sources, `dataJson` already escaped for a script block. */
export function documentShell(title: string, body: string, dataJson: string, scripts: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${h(CONTENT_SECURITY_POLICY)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<main>${body}</main>`,
    `<script type="application/json" id="dbmatrix-data">${dataJson}</script>`,
    ...scripts.map((s) => `<script>${s}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
