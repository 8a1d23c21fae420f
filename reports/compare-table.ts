import Table from 'cli-table3';
import { type Paint, type Style, plain } from './colour';
import type { CellStatus, Comparison, MetricChange } from './compare';

const STATUS_STYLE: Partial<Record<CellStatus, Style>> = {
  'newly failed': 'red',
  regressed: 'red',
  'still failing': 'red',
  inconclusive: 'yellow',
  fixed: 'green',
  improved: 'green',
  unchanged: 'dim',
};

const pct = (x: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x * 100).toFixed(1)}%`;

function metric(m: MetricChange | undefined, paint: Paint): string {
  if (!m) return '-';
  const fmt = (n: number) => (m.metric === 'ops/s' ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
  const interval = m.interval ? ` [${pct(m.interval[0])}, ${pct(m.interval[1])}]` : '';
  const change = `${pct(m.change)}${interval}`;
  const styled = m.verdict === 'regressed' ? paint('red', change) : m.verdict === 'improved' ? paint('green', change) : change;
  return `${fmt(m.baseline)} -> ${fmt(m.current)}\n${styled}`;
}

/** A comparison as a terminal table, regressions first, with the verdict underneath. */
export function compareTable(cmp: Comparison, paint: Paint = plain): string {
  const table = new Table({ head: ['adapter', 'profile', 'workload', 'status', 'ops/s', 'p50 ms', 'p99 ms'], style: { head: [], border: [] } });
  for (const c of cmp.cells) {
    const m = (name: MetricChange['metric']) => metric(c.metrics.find((x) => x.metric === name), paint);
    const style = STATUS_STYLE[c.status];
    table.push([c.cell.adapter, c.cell.profile, c.cell.workload, style ? paint(style, c.status) : c.status, m('ops/s'), m('p50 ms'), m('p99 ms')]);
  }
  const notes = cmp.cells.flatMap((c) => c.notes.map((n) => `${c.cell.adapter}/${c.cell.profile}/${c.cell.workload}: ${n}`));
  const changes = cmp.settingChanges.map((s) => `changed: ${s.where} ${s.key}: ${s.baseline ?? '(absent)'} -> ${s.current ?? '(absent)'}`);
  const answers = cmp.answerChanges.map((a) => paint('red', `answer changed: ${a.adapter} ${a.id}: ${a.baseline} -> ${a.current}`));
  const bad = cmp.cells.filter((c) => c.status === 'regressed' || c.status === 'newly failed').length;
  const verdict = cmp.regressed
    ? paint('red', [bad ? `REGRESSED: ${bad} cell(s)` : '', cmp.answerChanges.length ? `CHANGED ANSWERS: ${cmp.answerChanges.length} conformance case(s)` : ''].filter(Boolean).join('; '))
    : paint('green', 'no regression');
  return [table.toString(), ...notes, ...changes, ...answers, verdict].join('\n');
}
