import Table from 'cli-table3';
import type { SltFileResults } from '../model/results-schema';

type FileDatabase = SltFileResults['databases'][number];

/** Records a database ran per second of the file's wall time (skipped ones are not run, so not counted). */
export function recordsPerSecond(d: FileDatabase): number {
  return d.durationMs > 0 ? ((d.passed + d.failed) / d.durationMs) * 1000 : 0;
}

/** Per database over every file: records passed, failed, skipped, and the rate it ran them at. */
export function sltTotals(
  files: readonly SltFileResults[],
): { database: string; passed: number; failed: number; known: number; skipped: number; perSecond: number }[] {
  const totals = new Map<string, { passed: number; failed: number; known: number; skipped: number; ms: number }>();
  for (const f of files)
    for (const d of f.databases) {
      const t = totals.get(d.database) ?? { passed: 0, failed: 0, known: 0, skipped: 0, ms: 0 };
      totals.set(d.database, {
        passed: t.passed + d.passed,
        failed: t.failed + d.failed,
        known: t.known + d.known,
        skipped: t.skipped + d.skipped,
        ms: t.ms + d.durationMs,
      });
    }
  return [...totals].map(([database, t]) => ({ database, ...t, perSecond: t.ms > 0 ? ((t.passed + t.failed) / t.ms) * 1000 : 0 }));
}

/** Failed records without a known cause, over every file and database: what fails a run's exit code. */
export function unexplainedFailures(files: readonly SltFileResults[] | undefined): number {
  return (files ?? []).reduce((sum, f) => sum + f.databases.reduce((s, d) => s + d.failed - d.known, 0), 0);
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** A failure's text on one line, shortened: SQL and values keep their first 160 characters. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Known failures grouped by the cause given for them: cause → lines. */
export function knownByCause(failures: FileDatabase['failures']): Map<string, number[]> {
  const byCause = new Map<string, number[]>();
  for (const x of failures) if (x.known) byCause.set(x.known, [...(byCause.get(x.known) ?? []), x.line]);
  return byCause;
}

/** The terminal summary: per file a table of databases, its disagreements, then the first failures of each database. */
export function sltSummaryText(files: readonly SltFileResults[], failuresShown = 5): string {
  const out: string[] = [];
  for (const f of files) {
    const table = new Table({ head: ['database', 'passed', 'failed', 'of which known', 'skipped', 'records/s'], style: { head: [], border: [] } });
    for (const d of f.databases) table.push([d.database, n(d.passed), n(d.failed), n(d.known), n(d.skipped), n(recordsPerSecond(d))]);
    out.push(`${f.file}: ${n(f.records)} records`, table.toString());
    if (f.disagreements.total) out.push(`  the databases disagree on ${n(f.disagreements.total)} record(s), first at line ${f.disagreements.records[0]?.line}`);
    for (const d of f.databases) {
      const unknown = d.failures.filter((x) => !x.known);
      for (const x of unknown.slice(0, failuresShown))
        out.push(`  ✗ ${d.database} ${f.file}:${x.line}: ${oneLine(x.sql)}`, `      expected: ${oneLine(x.expected)}`, `      actual:   ${oneLine(x.actual)}`);
      if (d.failed - d.known > failuresShown)
        out.push(`  … and ${n(d.failed - d.known - failuresShown)} more failure(s) on ${d.database} (results.json lists them)`);
      for (const [cause, lines] of knownByCause(d.failures)) out.push(`  ~ ${d.database}: known at line(s) ${lines.join(', ')}: ${oneLine(cause, 200)}`);
      if (d.knownPassing.length)
        out.push(`  ! ${d.database}: line(s) ${d.knownPassing.join(', ')} are listed as known differences but passed; take them out of the known file`);
    }
  }
  if (files.length > 1) {
    const table = new Table({ head: ['all files', 'passed', 'failed', 'of which known', 'skipped', 'records/s'], style: { head: [], border: [] } });
    for (const t of sltTotals(files)) table.push([t.database, n(t.passed), n(t.failed), n(t.known), n(t.skipped), n(t.perSecond)]);
    out.push(table.toString());
  }
  return out.join('\n');
}
