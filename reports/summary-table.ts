import Table from 'cli-table3';
import { int, ms } from '../model/format';
import { clientCostText, describeCounts, describeTally } from '../model/metrics';
import { type CellResult, databaseName, type Figures } from '../model/results-schema';
import { ceilingText } from './ceiling-text';
import { type Paint, plain } from './colour';
import { behindSchedule, modeLabel } from './load-mode';
import { ratioText, serversSideBySide, throughputRatio } from './server-sides';

/** Ops/s, with the open-loop target under it (marked when the cell fell behind it). */
function opsText(f: Figures, paint: Paint): string {
  const mode = modeLabel(f);
  if (!mode) return int(f.opsPerSec);
  return `${int(f.opsPerSec)}\n${behindSchedule(f) ? paint('yellow', `${mode}, behind`) : paint('dim', mode)}`;
}

/** The run as a terminal table: one row per cell. */
export function summaryTable(cells: CellResult[], paint: Paint = plain): string {
  const table = new Table({
    head: ['adapter', 'profile', 'workload', 'state', 'ops/s', 'rows/s', 'p50 ms', 'p99 ms', 'max ms', 'failed', 'errors', 'retries', 'client CPU', 'data'],
    style: { head: [], border: [] },
  });
  for (const r of cells) {
    const path = r.state !== 'skipped' && r.figures?.driverPath === 'prepared' ? ' (prepared)' : '';
    const key = [databaseName(r.cell), `${r.cell.profile}${path}`, r.cell.workload];
    if (r.state === 'skipped') {
      table.push([...key, 'skipped', { colSpan: 10, content: r.reason }]);
      continue;
    }
    const f = r.figures;
    const v = r.verification;
    const data = !v ? '-' : v.ok ? paint('green', 'verified') : paint('red', `lost ${v.lost}, phantom ${v.phantom}, dup ${v.duplicated}, bad ${v.mismatched}`);
    table.push([
      ...key,
      r.state === 'failed' ? paint('red', r.state) : r.state,
      f ? opsText(f, paint) : '-',
      f ? int(f.rowsPerSec) : '-',
      f ? ms(f.latencyMs.p50) : '-',
      f ? ms(f.latencyMs.p99) : '-',
      f ? ms(f.latencyMs.max) : '-',
      f ? `${f.operations.failed}/${f.operations.total}` : '-',
      f ? describeTally(f.errors) || '-' : '-',
      f ? describeCounts(f.retries) || '-' : '-',
      f ? clientCostText(f.health.cpu, f.operations.total).replace(', ', '\n') : '-',
      data,
    ]);
  }
  const failed = cells.filter((c) => c.state === 'failed');
  const notes = failed.map((c) => paint('red', 'FAILED') + ` ${c.cell.profile} × ${c.cell.workload}: ${c.state === 'failed' ? c.reasons.join('; ') : ''}`);
  for (const c of cells) {
    const behind = c.state !== 'skipped' && c.figures ? behindSchedule(c.figures) : null;
    if (behind) notes.push(`${paint('yellow', 'BEHIND')} ${c.cell.profile} × ${c.cell.workload}: ${behind}`);
    const ceiling = ceilingText(c.state === 'skipped' ? undefined : c.figures);
    if (ceiling) notes.push(`${paint('bold', 'CEILING')} ${c.cell.profile} × ${c.cell.workload}: ${ceiling}`);
  }
  return [table.toString(), ...notes].join('\n');
}

/**
 * For each adapter measured on several servers, its servers side by side: a row per profile and workload, a column per
 * server with its throughput, p99 and data, and each later server's throughput as a multiple of the first's. Empty when
 * every adapter had one server.
 */
export function serversTable(cells: CellResult[], paint: Paint = plain): string {
  return serversSideBySide(cells)
    .map(({ adapter, servers, rows }) => {
      const table = new Table({
        head: ['profile', 'workload', ...servers.map((s) => databaseName({ adapter, serverLabel: s }))],
        style: { head: [], border: [] },
      });
      for (const { profile, workload, cells: sides } of rows) {
        table.push([
          profile,
          workload,
          ...sides.map((c) => {
            if (!c) return '-';
            if (c.state === 'skipped') return 'skipped';
            const f = c.figures;
            const v = c.verification;
            const data = !v ? 'not verified' : v.ok ? paint('green', 'verified') : paint('red', `lost ${v.lost}, phantom ${v.phantom}`);
            const ratio = throughputRatio(c, sides[0]);
            const lines = [
              f ? `${int(f.opsPerSec)} ops/s` : paint('red', 'failed'),
              ...(ratio === undefined || c === sides[0] ? [] : [ratioText(ratio, servers[0]!)]),
              ...(f ? [`p99 ${ms(f.latencyMs.p99)} ms`] : []),
              data,
            ];
            return lines.join('\n');
          }),
        ]);
      }
      return `${adapter}, its servers side by side (one run's figures; compare --baseline-server judges a difference against the noise):\n${table.toString()}`;
    })
    .join('\n');
}
