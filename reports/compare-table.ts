import Table from 'cli-table3';
import { signedPercent } from '../model/format';
import { cellName, databaseName } from '../model/results-schema';
import { type Paint, plain, type Style } from './colour';
import { type CellStatus, type Comparison, type MetricChange, serverChanges, verdictParts } from './compare';

const STATUS_STYLE: Partial<Record<CellStatus, Style>> = {
  'newly failed': 'red',
  regressed: 'red',
  missing: 'red',
  'still failing': 'red',
  inconclusive: 'yellow',
  fixed: 'green',
  improved: 'green',
  unchanged: 'dim',
};

function metric(m: MetricChange | undefined, paint: Paint): string {
  if (!m) return '-';
  const fmt = (n: number) => (m.metric === 'ops/s' ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
  const interval = m.interval ? ` [${signedPercent(m.interval[0])}, ${signedPercent(m.interval[1])}]` : '';
  const change = `${signedPercent(m.change)}${interval}`;
  const styled = m.verdict === 'regressed' ? paint('red', change) : m.verdict === 'improved' ? paint('green', change) : change;
  return `${fmt(m.baseline)} -> ${fmt(m.current)}\n${styled}`;
}

/** Marks every status when the runs differ in length or repeats: such a verdict is not like for like. */
export const UNLIKE_MARK = '(unlike runs)';

/**
 * A comparison as a terminal table, regressions first: like for like or not on top, and a server that changed, then the table, notes and what
 * changed, then one `FAIL` line per reason the gate fails, and the verdict as the last line.
 */
export function compareTable(cmp: Comparison, paint: Paint = plain): string {
  const lfl = cmp.likeForLike;
  const top = lfl.same ? paint('dim', lfl.summary) : paint('yellow', `WARNING ${lfl.summary}: every verdict below compares unlike runs`);
  const table = new Table({ head: ['adapter', 'profile', 'workload', 'status', 'ops/s', 'p50 ms', 'p99 ms'], style: { head: [], border: [] } });
  for (const c of cmp.cells) {
    const m = (name: MetricChange['metric']) =>
      metric(
        c.metrics.find((x) => x.metric === name),
        paint,
      );
    const style = STATUS_STYLE[c.status];
    const status = `${style ? paint(style, c.status) : c.status}${lfl.same ? '' : `\n${paint('yellow', UNLIKE_MARK)}`}`;
    table.push([databaseName(c.cell), c.cell.profile, c.cell.workload, status, m('ops/s'), m('p50 ms'), m('p99 ms')]);
  }
  // Missing and new cells have their own lines below; their notes would only repeat them.
  const notes = cmp.cells.filter((c) => c.status !== 'missing' && c.status !== 'new').flatMap((c) => c.notes.map((n) => `${cellName(c.cell)}: ${n}`));
  const servers = serverChanges(cmp);
  const heading = servers.map((s) => paint('yellow', `server changed: ${s.where} ${s.baseline} -> ${s.current}`));
  const changes = cmp.settingChanges
    .filter((s) => !servers.includes(s))
    .map((s) => `changed: ${s.where} ${s.key}: ${s.baseline ?? '(absent)'} -> ${s.current ?? '(absent)'}`);
  const info = [
    ...cmp.cells.filter((c) => c.status === 'new').map((c) => `new cell: ${cellName(c.cell)} is only in the current run (not judged)`),
    ...(cmp.baseline.interrupted ? ['note: the baseline run was interrupted; cells it skipped are new here, not judged'] : []),
  ];
  const failures = cmp.failures.map((f) => paint('red', `FAIL ${f.message}`));
  const unlike = lfl.same ? '' : ' (not like for like)';
  const verdict = cmp.passed ? paint('green', `no regression${unlike}`) : paint('red', `compare failed: ${verdictParts(cmp).join('; ')}${unlike}`);
  return [top, ...heading, table.toString(), ...notes, ...changes, ...info, ...failures, verdict].join('\n');
}
