import type { PinStatus } from '../../conformance/contract';
import { int, ms } from '../../model/format';
import { clientCostText, describeCounts, describeTally } from '../../model/metrics';
import { type CellResult, columnName, databaseName, type RunResults } from '../../model/results-schema';
import { ceilingText } from '../ceiling-text';
import { answerText, type ConformanceRow, conformanceRows, pinsText, TEXT_MARKS } from '../conformance-matrix';
import type { Diagnosis } from '../diagnosis';
import type { DriverLayerPair } from '../driver-layers';
import { behindSchedule, modeLabel } from '../load-mode';
import { ratioText, serversSideBySide, throughputRatio } from '../server-sides';
import { cellLabel, figuresOf, type Series, seriesOf } from './chart-data';
import { escapeHtml as h } from './escape';

/** Every function here returns markup; every value from results passes through `h` on its way in. */

const td = (text: string, cls?: string) => `<td${cls ? ` class="${h(cls)}"` : ''}>${h(text)}</td>`;
const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${h(i)}</li>`).join('')}</ul>` : '');

function verificationText(c: CellResult): string {
  if (c.state === 'skipped' || !c.verification) return '-';
  const v = c.verification;
  if (v.ok) return 'verified';
  return `lost ${v.lost}, phantom ${v.phantom}, duplicated ${v.duplicated}, mismatched ${v.mismatched}`;
}

function notesOf(c: CellResult): string[] {
  if (c.state === 'skipped') return [c.reason];
  const notes = c.state === 'failed' ? [...c.reasons] : [];
  if (c.verification && !c.verification.ok) notes.push(...c.verification.problems);
  const f = c.figures;
  if (f?.health.clientBound.flagged) notes.push(...f.health.clientBound.reasons.map((r) => `client-bound: ${r}`));
  const behind = f ? behindSchedule(f) : null;
  if (behind) notes.push(behind);
  const ceiling = ceilingText(f);
  if (ceiling) notes.push(`ceiling: ${ceiling}`);
  return notes;
}

/** One row per cell: what ran, how fast, what failed and whether the data survived. */
export function summaryTable(results: RunResults): string {
  const head = [
    'adapter',
    'profile',
    'workload',
    'path',
    'state',
    'ops/s',
    'p50 ms',
    'p99 ms',
    'failed/total',
    'errors',
    'retries',
    'client CPU',
    'verification',
    'notes',
  ];
  const rows = results.cells.map((c) => {
    const f = figuresOf(c);
    const cells = [
      td(databaseName(c.cell)),
      td(c.cell.profile),
      td(c.cell.workload),
      td(f ? [f.driverPath ?? 'knex', (f.clientThreads ?? 1) > 1 ? `${f.clientThreads} threads` : '', modeLabel(f) ?? ''].filter(Boolean).join(' · ') : '-'),
      td(c.state, `state state-${c.state}`),
      td(f ? int(f.opsPerSec) : '-', 'num'),
      td(f ? ms(f.latencyMs.p50) : '-', 'num'),
      td(f ? ms(f.latencyMs.p99) : '-', 'num'),
      td(f ? `${int(f.operations.failed)}/${int(f.operations.total)}` : '-', 'num'),
      td(f ? describeTally(f.errors) || '-' : '-'),
      td(f ? describeCounts(f.retries) || '-' : '-'),
      td(f ? clientCostText(f.health.cpu, f.operations.total) : '-', 'num'),
      td(verificationText(c), c.state !== 'skipped' && c.verification && !c.verification.ok ? 'bad' : undefined),
      `<td class="notes">${list(notesOf(c))}</td>`,
    ];
    return `<tr data-cell="${h(cellLabel(c))}">${cells.join('')}</tr>`;
  });
  return `<table class="summary"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * For each adapter measured on several servers, a table of its servers side by side: a row per profile and workload,
 * a column per server with throughput, p99 and data, later servers' throughput as a multiple of the first's; empty when
 * every adapter had one server.
 */
export function serversTables(results: RunResults): string {
  return serversSideBySide(results.cells)
    .map(({ adapter, servers, rows }) => {
      const head = ['profile', 'workload', ...servers.map((s) => databaseName({ adapter, serverLabel: s }))];
      const body = rows.map(({ profile, workload, cells }) => {
        const sidesHtml = cells.map((c) => {
          const f = c ? figuresOf(c) : undefined;
          if (!c || !f) return td(c ? c.state : '-', c?.state === 'failed' ? 'bad' : undefined);
          const ratio = c === cells[0] ? undefined : throughputRatio(c, cells[0]);
          const lines = [
            `${int(f.opsPerSec)} ops/s`,
            ...(ratio === undefined ? [] : [ratioText(ratio, servers[0]!)]),
            `p99 ${ms(f.latencyMs.p99)} ms`,
            verificationText(c),
          ];
          const bad = c.state === 'failed' || (c.state === 'completed' && !c.verification.ok);
          return `<td class="num${bad ? ' bad' : ''}">${lines.map(h).join('<br>')}</td>`;
        });
        return `<tr>${td(profile)}${td(workload)}${sidesHtml.join('')}</tr>`;
      });
      return `<table class="servers" data-adapter="${h(adapter)}"><caption>${h(adapter)}: one run&apos;s figures; compare --baseline-server judges a difference against the noise</caption><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
    })
    .join('');
}

/** Nested profile values as dotted keys, so one table row holds one value. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
  }
}

/** A key × column table; columns lacking a key show a dash. */
function keyTable(caption: string, columns: string[], values: Map<string, string>[]): string {
  const keys = [...new Set(values.flatMap((v) => [...v.keys()]))];
  if (keys.length === 0) return `<p class="muted">${h(caption)}: none recorded.</p>`;
  const head = `<tr><th>setting</th>${columns.map((c) => `<th>${h(c)}</th>`).join('')}</tr>`;
  const rows = keys.map(
    (k) => `<tr><th scope="row"><code>${h(k)}</code></th>${values.map((v) => `<td><code>${h(v.get(k) ?? '-')}</code></td>`).join('')}</tr>`,
  );
  return `<table class="settings"><caption>${h(caption)}</caption><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Per profile, the values its cells read back; a setting that differed between workloads lists each value with its workloads. */
function readBack(results: RunResults, series: Series): Map<string, string> {
  const byKey = new Map<string, Map<string, string[]>>();
  for (const c of results.cells) {
    if (columnName(c.cell) !== series.key || c.state === 'skipped' || !c.target) continue;
    const t = c.target;
    const entries: [string, string][] = [
      ['(server version)', t.serverVersion],
      ['(provider)', t.provider],
      ['(address)', t.address],
      ...Object.entries(t.settings),
    ];
    for (const [k, v] of entries) {
      const seen = byKey.get(k) ?? new Map<string, string[]>();
      seen.set(v, [...(seen.get(v) ?? []), c.cell.workload]);
      byKey.set(k, seen);
    }
  }
  const out = new Map<string, string>();
  for (const [k, seen] of byKey) out.set(k, seen.size === 1 ? [...seen.keys()][0]! : [...seen].map(([v, ws]) => `${v} (${ws.join(', ')})`).join('; '));
  return out;
}

/** For each adapter: settings read back from the database, and the profile values the run used. */
export function settingsSections(results: RunResults): string {
  const series = seriesOf(results);
  const databases = [...new Set(series.map((s) => s.database))];
  return databases
    .map((database) => {
      const own = series.filter((s) => s.database === database);
      const adapter = own[0]!.adapter;
      const profiles = own.map((s) => s.profile);
      const profileValues = profiles.map((name) => {
        const out = new Map<string, string>();
        const profile = results.profiles.find((p) => p.name === name && (p.adapter === undefined || p.adapter === adapter));
        if (profile) flatten(Object.fromEntries(Object.entries(profile).filter(([k]) => k !== 'name' && k !== 'adapter')), '', out);
        return out;
      });
      return [
        `<section class="adapter-settings"><h3>${h(database)}</h3><div class="side-by-side">`,
        keyTable(
          'Read back from the database after session settings were applied',
          profiles,
          own.map((s) => readBack(results, s)),
        ),
        keyTable('Profile values in force', profiles, profileValues),
        '</div></section>',
      ].join('');
    })
    .join('');
}

/** One row per error class of each cell, with a sample message. */
export function errorSamples(results: RunResults): string {
  const rows = results.cells.flatMap((c) => {
    const f = figuresOf(c);
    if (!f) return [];
    return Object.entries(f.errors).map(
      ([cls, g]) =>
        `<tr>${td(cellLabel(c))}${td(cls)}${td(int(g!.count), 'num')}${td(g!.retryable ? 'yes' : 'no')}${td(describeCounts(g!.codes) || '-')}<td><pre class="sample">${h(g!.sample)}</pre></td></tr>`,
    );
  });
  if (rows.length === 0) return '<p class="muted">No operation failed after retries, so there are no error samples.</p>';
  const head = ['cell', 'class', 'failed', 'retryable', 'driver codes', 'sample message'].map((x) => `<th>${h(x)}</th>`).join('');
  return `<table class="errors"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The dominant bottleneck of each cell, with its evidence and the change to make. */
export function diagnosisTable(diagnoses: Diagnosis[]): string {
  const head = ['adapter', 'profile', 'workload', 'bottleneck', 'evidence', 'what to change'];
  const rows = diagnoses.map(
    (d) =>
      `<tr>${td(databaseName(d.cell))}${td(d.cell.profile)}${td(d.cell.workload)}${td(d.bottleneck, 'state')}<td>${list(d.evidence)}</td>${td(d.recommendation)}</tr>`,
  );
  return `<table class="diagnosis"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Cells that ran the same workload through knex and as prepared statements, side by side. */
export function driverLayersTable(pairs: DriverLayerPair[]): string {
  if (pairs.length === 0)
    return '<p class="muted">No workload ran through both driver paths in this run; run a profile with driverPath=prepared beside one that differs from it in nothing else (an adapter&apos;s -prepared profile beside its first: see dbmatrix list profiles) to see the cost of the query builder.</p>';
  const head = ['adapter', 'workload', 'profiles (knex, prepared)', 'knex ops/s', 'knex p50 ms', 'prepared ops/s', 'prepared p50 ms', 'knex ÷ prepared'];
  const rows = pairs.map(
    (p) =>
      `<tr>${td(p.adapter)}${td(p.workload)}${td(`${p.knex.cell.profile}, ${p.prepared.cell.profile}`)}${td(int(p.knex.figures.opsPerSec), 'num')}${td(p.knex.figures.latencyMs.p50.toFixed(2), 'num')}${td(int(p.prepared.figures.opsPerSec), 'num')}${td(p.prepared.figures.latencyMs.p50.toFixed(2), 'num')}${td(p.ratio.toFixed(2), 'num')}</tr>`,
  );
  return `<table class="driver-layers"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Classes of a conformance cell against the server's pins: a difference shows as bad, an unpinned answer muted (neither pass nor fail). */
const PIN_CLASS: Record<PinStatus, string> = { 'as pinned': 'pin-as-pinned', 'differs from pin': 'pin-differs bad', 'not pinned': 'pin-none muted' };

/**
 * The conformance matrix: a row per case, a column per database, rows where the databases disagree marked; its caption
 * names each database's server and whether its answers are pinned, and cells that differ from their pin are flagged.
 */
export function conformanceTable(results: RunResults): string {
  const { adapters, rows } = conformanceRows(results);
  if (rows.length === 0) return '<p class="muted">This run asked no conformance cases; run with --conformance to see how each database answers them.</p>';
  const head = ['case', 'reference', ...adapters];
  const cell = (a: ConformanceRow['byAdapter'][string]) =>
    td(answerText(a, TEXT_MARKS), [`outcome-${a?.outcome ?? 'none'}`, a?.pin ? PIN_CLASS[a.pin] : ''].filter(Boolean).join(' '));
  const body = rows.map(
    (r) => `<tr${r.databasesDiffer ? ' class="differs"' : ''}>${td(r.id)}${td(r.reference)}${adapters.map((a) => cell(r.byAdapter[a])).join('')}</tr>`,
  );
  const caption = `<caption>${(results.conformance ?? []).map((t) => `<div>${h(databaseName(t))}: ${h(pinsText(t, TEXT_MARKS))}</div>`).join('')}</caption>`;
  return `<table class="conformance">${caption}<thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}
