import type { RunResults, SltFileResults } from '../model/results-schema';
import { escapeHtml as h } from './html/escape';
import { mdHeader as header, mdText, mdRow as row } from './md-text';
import { knownByCause, oneLine, recordsPerSecond, sltTotals } from './slt-text';

type FileDatabase = SltFileResults['databases'][number];

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** Failures with no known cause, across files: the ones a reader must look at. */
function unexplained(files: readonly SltFileResults[]): { file: string; d: FileDatabase; f: FileDatabase['failures'][number] }[] {
  return files.flatMap((file) => file.databases.flatMap((d) => d.failures.filter((f) => !f.known).map((f) => ({ file: file.file, d, f }))));
}

/** The sqllogictest part of a run's Markdown summary: totals, per file, unexplained failures, known causes, disagreements. */
export function sltMarkdown(results: Pick<RunResults, 'sqllogictest'>, failuresShown = 30): string[] {
  const files = results.sqllogictest ?? [];
  if (files.length === 0) return [];
  const totals = sltTotals(files);
  const sections = [
    [
      `### sqllogictest: ${n(files.length)} file(s) on ${totals.map((t) => mdText(t.database)).join(', ')}`,
      '',
      ...header(['database', 'passed', 'failed', 'of which known', 'skipped', 'records/s']),
      ...totals.map((t) =>
        row([mdText(t.database), n(t.passed), t.failed > t.known ? `**${n(t.failed)}**` : n(t.failed), n(t.known), n(t.skipped), n(t.perSecond)]),
      ),
      '',
      ...header(['file', ...totals.map((t) => mdText(t.database)), 'databases disagree on']),
      ...files.map((f) =>
        row([
          mdText(f.file),
          ...totals.map((t) => {
            const d = f.databases.find((x) => x.database === t.database);
            return d ? `${n(d.passed)} ✅ ${d.failed ? `${n(d.failed)} ❌${d.known ? ` (${n(d.known)} known)` : ''} ` : ''}${n(d.skipped)} skipped` : '–';
          }),
          n(f.disagreements.total),
        ]),
      ),
    ].join('\n'),
  ];
  const open = unexplained(files);
  if (open.length)
    sections.push(
      [
        `### ❌ sqllogictest records that failed, no known cause (${n(open.length)})`,
        '',
        ...header(['database', 'record', 'SQL', 'expected', 'actual']),
        ...open
          .slice(0, failuresShown)
          .map(({ file, d, f }) =>
            row([mdText(d.database), mdText(`${file}:${f.line}`), mdText(oneLine(f.sql)), mdText(oneLine(f.expected)), mdText(oneLine(f.actual))]),
          ),
      ].join('\n'),
    );
  const known = files.flatMap((file) =>
    file.databases.flatMap((d) => [...knownByCause(d.failures)].map(([cause, lines]) => ({ file: file.file, d, cause, lines }))),
  );
  if (known.length)
    sections.push(
      [
        '### sqllogictest: known differences',
        '',
        ...header(['database', 'file', 'lines', 'cause']),
        ...known.map((k) => row([mdText(k.d.database), mdText(k.file), k.lines.join(', '), mdText(k.cause)])),
      ].join('\n'),
    );
  const disagreeing = files.flatMap((f) => f.disagreements.records.map((r) => ({ file: f.file, r })));
  if (disagreeing.length) {
    const names = totals.map((t) => t.database);
    sections.push(
      [
        `### sqllogictest: where the databases disagree (${n(files.reduce((s, f) => s + f.disagreements.total, 0))} records)`,
        '',
        ...header(['record', 'SQL', ...names.map((x) => mdText(x))]),
        ...disagreeing
          .slice(0, failuresShown)
          .map(({ file, r }) => row([mdText(`${file}:${r.line}`), mdText(oneLine(r.sql)), ...names.map((x) => mdText(oneLine(r.answers[x] ?? '–', 80)))])),
      ].join('\n'),
    );
  }
  return sections;
}

/** A bar of one database's records on one file: passed, known, failed and skipped, as shares of its width. */
function bar(d: FileDatabase, records: number): string {
  const part = (count: number, colour: string, what: string) =>
    count > 0
      ? `<span style="display:inline-block;height:12px;width:${((count / Math.max(records, 1)) * 100).toFixed(2)}%;background:${colour}" title="${h(`${n(count)} ${what}`)}"></span>`
      : '';
  return `<div style="width:220px;background:#eee;line-height:0" role="img" aria-label="${h(`${n(d.passed)} passed, ${n(d.failed)} failed (${n(d.known)} known), ${n(d.skipped)} skipped`)}">${part(d.passed, '#1a7f37', 'passed')}${part(d.known, '#d4a72c', 'failed, known')}${part(d.failed - d.known, '#b42318', 'failed')}${part(d.skipped, '#afb8c1', 'skipped')}</div>`;
}

/** The sqllogictest section of the HTML report: per file and database a bar and the counts, then failures and disagreements. */
export function sltHtml(results: Pick<RunResults, 'sqllogictest'>, shown = 200): string {
  const files = results.sqllogictest ?? [];
  if (files.length === 0) return '<p class="muted">This run ran no sqllogictest files; dbmatrix conformance --slt runs them.</p>';
  const legend =
    '<p class="muted">Bars: passed (green), failed with a known cause (amber), failed (red), skipped for this engine (grey). Records/s counts the records a database ran.</p>';
  const rows = files.flatMap((f) =>
    f.databases.map(
      (d, i) =>
        `<tr>${i === 0 ? `<td rowspan="${f.databases.length}"><code>${h(f.file)}</code><br><span class="muted">${h(n(f.records))} records, disagree on ${h(n(f.disagreements.total))}</span></td>` : ''}<td>${h(d.database)}</td><td>${bar(d, f.records)}</td><td class="num">${h(n(d.passed))}</td><td class="num${d.failed > d.known ? ' bad' : ''}">${h(n(d.failed))}</td><td class="num">${h(n(d.known))}</td><td class="num">${h(n(d.skipped))}</td><td class="num">${h(n(recordsPerSecond(d)))}</td></tr>`,
    ),
  );
  const table = `<table class="slt-files"><thead><tr><th>file</th><th>database</th><th></th><th>passed</th><th>failed</th><th>of which known</th><th>skipped</th><th>records/s</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  const failures = files.flatMap((f) => f.databases.flatMap((d) => d.failures.map((x) => ({ file: f.file, d, x }))));
  const failureTable = failures.length
    ? `<h3 class="subhead">Failures (${h(n(failures.length))}${failures.length > shown ? `, the first ${shown}` : ''})</h3><table class="slt-failures"><thead><tr><th>database</th><th>record</th><th>SQL</th><th>expected</th><th>actual</th><th>known cause</th></tr></thead><tbody>${failures
        .slice(0, shown)
        .map(
          ({ file, d, x }) =>
            `<tr><td>${h(d.database)}</td><td><code>${h(`${file}:${x.line}`)}</code></td><td><pre class="sample">${h(x.sql)}</pre></td><td><pre class="sample">${h(x.expected)}</pre></td><td class="${x.known ? '' : 'bad'}"><pre class="sample">${h(x.actual)}</pre></td><td>${h(x.known ?? '')}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const names = [...new Set(files.flatMap((f) => f.databases.map((d) => d.database)))];
  const disagreeing = files.flatMap((f) => f.disagreements.records.map((r) => ({ file: f.file, r })));
  const disagreementTable = disagreeing.length
    ? `<h3 class="subhead">Where the databases disagree</h3><table class="slt-disagreements"><thead><tr><th>record</th><th>SQL</th>${names.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${disagreeing
        .slice(0, shown)
        .map(
          ({ file, r }) =>
            `<tr><td><code>${h(`${file}:${r.line}`)}</code></td><td><pre class="sample">${h(r.sql)}</pre></td>${names.map((x) => `<td><pre class="sample">${h(r.answers[x] ?? '–')}</pre></td>`).join('')}</tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return `${legend}<div class="table-scroll">${table}</div><div class="table-scroll">${failureTable}</div><div class="table-scroll">${disagreementTable}</div>`;
}
