import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunResults } from '../../model/results-schema';
import { diagnoseRun } from '../diagnosis';
import { driverLayerPairs } from '../driver-layers';
import { serversSideBySide } from '../server-sides';
import { sltHtml } from '../slt-report';
import { buildCharts } from './chart-data';
import { CLIENT_SCRIPT } from './client';
import { jsonForScript, scriptSafe } from './escape';
import { chartGrid, documentShell, header, section } from './page';
import { conformanceTable, diagnosisTable, driverLayersTable, errorSamples, serversTables, settingsSections, summaryTable } from './tables';

/** Options of the HTML report. */
export interface HtmlReportOptions {
  /** Page title; "dbmatrix report <run id>" by default. */
  title?: string;
}

/**
 * Chart.js's browser bundle, read at render time so the report carries the installed version. The package's export map
 * does not list dist/chart.umd.js, so it is found next to the entry point `require` resolves. The source map comment goes:
 * it names a file the report does not carry.
 */
function chartJsSource(): string {
  const file = join(dirname(require.resolve('chart.js')), 'chart.umd.js');
  const source = readFileSync(file, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
  return scriptSafe(source, file);
}

/** The sections of a run's cells and conformance cases. */
function cellSections(results: RunResults, charts: ReturnType<typeof buildCharts>): string[] {
  return [
    section('summary', 'Summary', `<div class="table-scroll">${summaryTable(results)}</div>`),
    ...(serversSideBySide(results.cells).length
      ? [section('servers', 'Servers side by side', `<div class="table-scroll">${serversTables(results)}</div>`)]
      : []),
    section('diagnosis', 'Diagnosis: what limited each cell', `<div class="table-scroll">${diagnosisTable(diagnoseRun(results))}</div>`),
    section(
      'driver-layers',
      'Query builder cost: knex against prepared statements',
      `<div class="table-scroll">${driverLayersTable(driverLayerPairs(results))}</div>`,
    ),
    section('throughput', 'Throughput', chartGrid(charts, 'throughput')),
    section('percentiles', 'Latency percentiles', chartGrid(charts, 'percentiles')),
    section('timeline', 'Throughput over time', chartGrid(charts, 'timeline')),
    section('errors', 'Errors', `${chartGrid(charts, 'errors')}<h3 class="subhead">Error samples</h3><div class="table-scroll">${errorSamples(results)}</div>`),
    section('conformance', 'Conformance: how each database answers', `<div class="table-scroll">${conformanceTable(results)}</div>`),
  ];
}

/** One self-contained HTML page for a run: summary, charts, settings and error samples; it loads nothing from anywhere. */
export function renderHtmlReport(results: RunResults, options: HtmlReportOptions = {}): string {
  const title = options.title ?? `dbmatrix report ${results.runId}`;
  const charts = buildCharts(results);
  // A run of sqllogictest files alone measured no cells and asked no cases: their sections would be empty.
  const sltOnly = results.cells.length === 0 && !results.conformance && (results.sqllogictest?.length ?? 0) > 0;
  const body = [
    header(results, title),
    ...(sltOnly ? [] : cellSections(results, charts)),
    ...(results.sqllogictest?.length ? [section('sqllogictest', 'sqllogictest: each file on each database', sltHtml(results))] : []),
    section('settings', 'Effective settings per adapter', settingsSections(results)),
  ].join('\n');
  return documentShell(title, body, jsonForScript({ charts }), [chartJsSource(), scriptSafe(CLIENT_SCRIPT, 'client script')]);
}
