import type { RunResults, SltFileResults } from './results-schema';

type FileDatabase = SltFileResults['databases'][number];

/** Disagreements stored per file, at most: the same bound a run keeps. */
const STORED = 1000;

/**
 * Each database's answer to every record it ran, as far as a results file tells it: a passed record answered what the
 * file expects (which a failure of another database on it carries), a failed one what its stored failure says.
 */
function answersOf(d: FileDatabase): Map<number, { line: number; sql: string; expected: string; actual: string } | 'passed'> {
  const answers = new Map<number, { line: number; sql: string; expected: string; actual: string } | 'passed'>();
  let failure = 0;
  for (let i = 0; i < d.marks.length; i++) {
    if (d.marks[i] === 'p') answers.set(i, 'passed');
    // The n-th 'f' is the n-th stored failure (they are stored in file order, the first 1,000).
    else if (d.marks[i] === 'f') {
      const f = d.failures[failure++];
      if (f) answers.set(i, f);
    }
  }
  return answers;
}

/** Where databases that ran in separate runs disagree on a file's records, from their marks and stored failures. */
function disagreementsOf(databases: FileDatabase[]): SltFileResults['disagreements'] {
  const all = databases.map((d) => ({ name: d.database, answers: answersOf(d) }));
  const records: SltFileResults['disagreements']['records'] = [];
  let total = 0;
  const length = Math.max(0, ...databases.map((d) => d.marks.length));
  for (let i = 0; i < length; i++) {
    const ran = all.filter((a) => a.answers.has(i));
    const failed = ran.map((a) => a.answers.get(i)).find((x) => x !== undefined && x !== 'passed') as
      | Exclude<ReturnType<typeof answersOf> extends Map<number, infer V> ? V : never, 'passed'>
      | undefined;
    if (ran.length < 2 || failed === undefined) continue;
    const text = (a: (typeof all)[number]) => {
      const x = a.answers.get(i)!;
      return x === 'passed' ? failed.expected : x.actual;
    };
    if (new Set(ran.map(text)).size < 2) continue;
    total++;
    if (records.length < STORED) records.push({ line: failed.line, sql: failed.sql, answers: Object.fromEntries(ran.map((a) => [a.name, text(a)])) });
  }
  return { total, records };
}

/**
 * The sqllogictest files of merged runs (one CI leg per database, say): a file's databases joined, each from the first
 * run that ran it on that file's content, and where they disagree worked out again across the runs.
 */
export function sltOf(runs: RunResults[]): Pick<RunResults, 'sqllogictest'> {
  const files = new Map<string, SltFileResults>();
  for (const r of runs)
    for (const f of r.sqllogictest ?? []) {
      const key = `${f.file}\n${f.sha256}`;
      const seen = files.get(key);
      if (!seen) files.set(key, f);
      else {
        const added = f.databases.filter((d) => !seen.databases.some((s) => s.database === d.database));
        if (added.length) {
          const databases = [...seen.databases, ...added];
          files.set(key, { ...seen, databases, disagreements: disagreementsOf(databases) });
        }
      }
    }
  return files.size ? { sqllogictest: [...files.values()] } : {};
}
