import { UserError } from '../../model/user-error';

/** How a query's result values are ordered before they are compared. */
export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

/** A `skipif <engine>` or `onlyif <engine>` line before a record. */
export interface Condition {
  /** skipif: the record is skipped on that engine; onlyif: it runs on that engine alone. */
  kind: 'skipif' | 'onlyif';
  /** The engine named, lower case (sqlite, postgresql, mysql, mssql, oracle, ...). */
  engine: string;
}

/** What every record has. */
interface RecordBase {
  /** Line of the record's first line (its first condition, when it has one), 1-based. */
  line: number;
  /** The conditions before it, in order. */
  conditions: Condition[];
}

/** `statement ok` or `statement error`, then the SQL. */
export interface StatementRecord extends RecordBase {
  kind: 'statement';
  /** Whether the statement must fail. */
  expectError: boolean;
  /** The SQL, its lines joined by newlines. */
  sql: string;
}

/** `query <types> <sort> [label]`, the SQL, `----`, the expected values. */
export interface QueryRecord extends RecordBase {
  kind: 'query';
  /** One letter per column: I integer, R real, T text. */
  types: string;
  /** How the values are ordered before they are compared. */
  sort: SortMode;
  /** Queries sharing a label must give the same values (the corpus's way to check two spellings of one query). */
  label?: string;
  /** The SQL, its lines joined by newlines. */
  sql: string;
  /** The lines after `----`: one value per line, or one line `N values hashing to H`. */
  expected: string[];
}

/** `hash-threshold N`: from here on, results of more than N values are compared by their MD5. */
export interface HashThresholdRecord extends RecordBase {
  kind: 'hash-threshold';
  /** The threshold; 0 turns hashing off. */
  threshold: number;
}

/** `halt`: the script ends here for the engines its conditions select. */
export interface HaltRecord extends RecordBase {
  kind: 'halt';
}

/** One record of a sqllogictest script. */
export type SltRecord = StatementRecord | QueryRecord | HashThresholdRecord | HaltRecord;

/** The words of a line up to a `#` comment. */
function tokens(line: string): string[] {
  const words: string[] = [];
  for (const word of line.trim().split(/\s+/)) {
    if (word.startsWith('#')) break;
    if (word) words.push(word);
  }
  return words;
}

const isBlank = (line: string | undefined) => line === undefined || line.trim() === '';

/**
 * Read a sqllogictest script into its records, as the SQLite project's runner reads it: records apart by blank lines,
 * `#` lines between records are comments. A record this reader does not know ends in a UserError naming file and line.
 */
export function parseSlt(text: string, file: string): SltRecord[] {
  const lines = text.split(/\r?\n/);
  const records: SltRecord[] = [];
  const fail = (line: number, what: string): never => {
    throw new UserError(`${file}:${line}: ${what}; this is not a sqllogictest record dbmatrix can run (see docs/conformance.md)`);
  };
  let i = 0;
  while (i < lines.length) {
    if (isBlank(lines[i]) || lines[i]!.trimStart().startsWith('#')) {
      i++;
      continue;
    }
    const start = i + 1;
    const conditions: Condition[] = [];
    let words = tokens(lines[i]!);
    while (words[0] === 'skipif' || words[0] === 'onlyif') {
      if (!words[1]) fail(i + 1, `${words[0]} names no engine`);
      conditions.push({ kind: words[0], engine: words[1]!.toLowerCase() });
      i++;
      if (isBlank(lines[i])) fail(i + 1, `${words[0]} ${words[1]} is followed by no record`);
      words = tokens(lines[i]!);
    }
    const head = i + 1;
    i++;
    // The body: every line up to the next blank one.
    const body: string[] = [];
    while (!isBlank(lines[i])) body.push(lines[i++]!);
    const [kind, ...args] = words;
    if (kind === 'statement') {
      if (args[0] !== 'ok' && args[0] !== 'error') fail(head, `'statement ${args[0] ?? ''}' should be 'statement ok' or 'statement error'`);
      if (body.length === 0) fail(head, 'statement without SQL');
      records.push({ kind: 'statement', line: start, conditions, expectError: args[0] === 'error', sql: body.join('\n') });
    } else if (kind === 'query') {
      const [types = '', sort = 'nosort', label] = args;
      if (!/^[IRT]+$/.test(types)) fail(head, `query types '${types}' should be one letter per column out of I, R and T`);
      if (sort !== 'nosort' && sort !== 'rowsort' && sort !== 'valuesort') fail(head, `sort mode '${sort}' should be nosort, rowsort or valuesort`);
      const split = body.indexOf('----');
      const sql = split < 0 ? body : body.slice(0, split);
      if (sql.length === 0) fail(head, 'query without SQL');
      records.push({
        kind: 'query',
        line: start,
        conditions,
        types,
        sort: sort as SortMode,
        ...(label ? { label } : {}),
        sql: sql.join('\n'),
        expected: split < 0 ? [] : body.slice(split + 1),
      });
    } else if (kind === 'hash-threshold') {
      if (!/^\d+$/.test(args[0] ?? '')) fail(head, `hash-threshold '${args[0] ?? ''}' should be a whole number`);
      records.push({ kind: 'hash-threshold', line: start, conditions, threshold: Number(args[0]) });
    } else if (kind === 'halt') {
      records.push({ kind: 'halt', line: start, conditions });
    } else {
      fail(head, `unknown record type '${kind}'`);
    }
  }
  return records;
}

/** Whether a record's conditions let it run on an engine. */
export function appliesTo(record: Pick<RecordBase, 'conditions'>, engine: string): boolean {
  return record.conditions.every((c) => (c.kind === 'skipif' ? c.engine !== engine : c.engine === engine));
}
