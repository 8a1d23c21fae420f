import type { RunResults } from '../model/results-schema';

/** A sqllogictest record that passed on a database in the baseline and fails on it now. */
export interface SltRegression {
  /** The database. */
  database: string;
  /** The file. */
  file: string;
  /** The record's position among the file's statements and queries, from 1. */
  record: number;
  /** Its line, and what it answers now, when the current run stored the failure (it stores the first 1,000). */
  line?: number;
  /** What it answers now. */
  actual?: string;
}

/** A file the baseline ran on a database that the current run cannot be held against record by record. */
export interface SltMissing {
  /** The database. */
  database: string;
  /** The file. */
  file: string;
  /** Not run at all, or run on a file whose bytes changed (its records' lines no longer match). */
  reason: 'not run' | 'file changed';
}

/**
 * Records that went from pass to fail, database by database and file by file (a file is matched by path and held record by
 * record only while its SHA-256 is the same), and what the baseline ran that the current run cannot answer for.
 */
export function sltChanges(baseline: RunResults, current: RunResults): { regressions: SltRegression[]; missing: SltMissing[] } {
  const regressions: SltRegression[] = [];
  const missing: SltMissing[] = [];
  for (const before of baseline.sqllogictest ?? []) {
    // By path, else by content: the same file run from another working directory.
    const now = current.sqllogictest?.find((f) => f.file === before.file) ?? current.sqllogictest?.find((f) => f.sha256 === before.sha256);
    for (const b of before.databases) {
      const c = now?.databases.find((d) => d.database === b.database);
      if (!now || !c) {
        missing.push({ database: b.database, file: before.file, reason: 'not run' });
        continue;
      }
      if (now.sha256 !== before.sha256 || c.marks.length !== b.marks.length) {
        missing.push({ database: b.database, file: before.file, reason: 'file changed' });
        continue;
      }
      // The current run's failures are stored in file order, so the n-th 'f' of its marks is its n-th failure.
      let failure = 0;
      for (let i = 0; i < b.marks.length; i++) {
        if (c.marks[i] !== 'f') continue;
        const f = c.failures[failure++];
        if (b.marks[i] === 'p') regressions.push({ database: b.database, file: before.file, record: i + 1, ...(f ? { line: f.line, actual: f.actual } : {}) });
      }
    }
  }
  return { regressions, missing };
}
