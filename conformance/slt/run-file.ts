import { appliesTo, type QueryRecord, type SltRecord } from './parse';
import { DEFAULT_HASH_THRESHOLD, expectedMd5, formatValue, hashedValues, orderedValues } from './values';

/** A record's outcome on one database: p passed, f failed, s skipped (by its conditions, or after a halt). */
export type RecordMark = 'p' | 'f' | 's';

/** One record that failed on one database. */
export interface SltFailure {
  /** Line of the record in its file. */
  line: number;
  /** The SQL it ran. */
  sql: string;
  /** What the file expects: 'ok', 'error', the values (one per line) or `N values hashing to H`. */
  expected: string;
  /** What came back, in the same form, or `error: <message>`. */
  actual: string;
}

/** One file on one database, record by record. */
export interface SltFileRun {
  /** One mark per statement and query record, in file order. */
  marks: RecordMark[];
  /** Per statement and query record, what the database answered in a form comparable across databases (absent where skipped). */
  answers: (string | undefined)[];
  /** Per statement and query record, that answer as a person reads it. */
  shown: (string | undefined)[];
  /** Every failure, in file order. */
  failures: SltFailure[];
  /** Line of the halt that ended the script on this database, if one did. */
  haltedAt?: number;
  /** Wall time of the file, ms. */
  durationMs: number;
}

/** Values shown in a failure: the first twenty, one per line. */
function shownValues(values: readonly string[]): string {
  return values.length > 20 ? `${values.slice(0, 20).join('\n')}\n… (${values.length} values)` : values.join('\n');
}

/** The first line of an error's message: what the database said. */
function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `error: ${message.split('\n')[0]}`;
}

/** The statement and query records of a script: the ones a run counts. */
export function countedRecords(records: readonly SltRecord[]): (SltRecord & { kind: 'statement' | 'query' })[] {
  return records.filter((r): r is SltRecord & { kind: 'statement' | 'query' } => r.kind === 'statement' || r.kind === 'query');
}

/**
 * Run a script's records on one connection, in order, as the SQLite project's runner does: skipif/onlyif against
 * `engine`, results formatted by the record's column types, sorted by its sort mode, compared value by value or by MD5
 * above the hash threshold, labelled results held against each other. A failing record is recorded and the script goes on;
 * once `stopped` says so, the rest of the script is skipped.
 */
export async function runSltRecords(
  records: readonly SltRecord[],
  engine: string,
  execute: (sql: string) => Promise<unknown[][]>,
  onRecord?: (done: number) => void,
  stopped: () => boolean = () => false,
): Promise<SltFileRun> {
  const started = performance.now();
  const run: SltFileRun = { marks: [], answers: [], shown: [], failures: [], durationMs: 0 };
  const labels = new Map<string, string>();
  let threshold = DEFAULT_HASH_THRESHOLD;
  let halted = false;
  const mark = (m: RecordMark, answer?: string, shown?: string) => {
    run.marks.push(m);
    run.answers.push(answer);
    run.shown.push(shown);
    onRecord?.(run.marks.length);
  };
  for (const record of records) {
    // A synchronous driver (better-sqlite3) never lets the event loop turn between records: give it a turn now and then,
    // so a signal is heard and progress is written.
    if (run.marks.length % 256 === 255) await new Promise<void>((resolve) => setImmediate(resolve));
    // Once stopped (Ctrl-C), the records left count as skipped, as after a halt.
    halted ||= stopped();
    const applies = !halted && appliesTo(record, engine);
    if (record.kind === 'hash-threshold') {
      if (applies) threshold = record.threshold;
      continue;
    }
    if (record.kind === 'halt') {
      if (applies) {
        halted = true;
        run.haltedAt = record.line;
      }
      continue;
    }
    if (!applies) {
      // A skipped labelled query still says what its label's values are, as the original runner takes it.
      if (record.kind === 'query' && record.label && !labels.has(record.label)) labels.set(record.label, expectedMd5(record.expected));
      mark('s');
      continue;
    }
    if (record.kind === 'statement') {
      let error: string | undefined;
      try {
        await execute(record.sql);
      } catch (err) {
        error = errorText(err);
      }
      const expected = record.expectError ? 'error' : 'ok';
      const ok = record.expectError === (error !== undefined);
      if (!ok) run.failures.push({ line: record.line, sql: record.sql, expected, actual: error ?? 'ok' });
      mark(ok ? 'p' : 'f', error ? 'error' : 'ok', error ?? 'ok');
      continue;
    }
    const verdict = await runQuery(record, threshold, labels, execute);
    // An empty result reads as '', so a failure is told by its presence, not its text.
    const failed = verdict.failure !== undefined;
    if (failed)
      run.failures.push({ line: record.line, sql: record.sql, expected: shownValues(record.expected) || '(no rows)', actual: verdict.failure || '(no rows)' });
    mark(failed ? 'f' : 'p', verdict.answer, verdict.shown || '(no rows)');
  }
  run.durationMs = performance.now() - started;
  return run;
}

/** One query's verdict: its comparable answer, how it reads, and why it failed (absent when it passed). */
async function runQuery(
  record: QueryRecord,
  threshold: number,
  labels: Map<string, string>,
  execute: (sql: string) => Promise<unknown[][]>,
): Promise<{ answer: string; shown: string; failure?: string }> {
  let rows: unknown[][];
  try {
    rows = await execute(record.sql);
  } catch (err) {
    const text = errorText(err);
    return { answer: 'error', shown: text, failure: text };
  }
  const width = record.types.length;
  const wrongWidth = rows.find((r) => r.length !== width);
  if (wrongWidth) {
    const text = `${wrongWidth.length} column(s) where the record's types '${record.types}' name ${width}`;
    return { answer: `columns:${wrongWidth.length}`, shown: text, failure: text };
  }
  const formatted = rows.map((r) => r.map((v, c) => formatValue(v, record.types[c]!)));
  const values = orderedValues(formatted, record.sort);
  const hashed = hashedValues(values);
  const overThreshold = threshold > 0 && values.length > threshold;
  const shown = overThreshold ? hashed.line : shownValues(values);
  let failure: string | undefined;
  if (overThreshold) {
    if (record.expected.length !== 1 || record.expected[0] !== hashed.line) failure = hashed.line;
  } else if (values.length !== record.expected.length || values.some((v, i) => v !== record.expected[i])) {
    failure = shownValues(values);
  }
  if (failure === undefined && record.label) {
    const earlier = labels.get(record.label);
    if (earlier === undefined) labels.set(record.label, hashed.md5);
    else if (earlier !== hashed.md5) failure = `${shown}\n(values differ from an earlier query labelled ${record.label})`;
  }
  return { answer: hashed.line, shown, ...(failure !== undefined ? { failure } : {}) };
}
