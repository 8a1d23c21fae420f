import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { resolveProfiles } from '../../config/profiles';
import { KnownDifferences } from '../../conformance/slt/known';
import { parseSlt, type SltRecord } from '../../conformance/slt/parse';
import { type SltDatabaseRun, sltResults } from '../../conformance/slt/run';
import { runSltRecords } from '../../conformance/slt/run-file';
import { formatValue, hashedValues, orderedValues, realText } from '../../conformance/slt/values';
import { sltOf } from '../../model/merge-slt';
import type { RunResults, SltFileResults } from '../../model/results-schema';
import { UserError } from '../../model/user-error';
import { compareRuns, DEFAULT_THRESHOLDS } from '../../reports/compare';
import { summaryMarkdown } from '../../reports/markdown';
import { runResults } from '../support/run-results';

describe('reading a script', () => {
  const script = [
    'hash-threshold 3',
    '',
    '# a comment between records',
    'statement ok',
    'CREATE TABLE t(x INTEGER)',
    '',
    'skipif mysql # a comment after the engine',
    'onlyif sqlite',
    'query IT rowsort label-1',
    'SELECT x,',
    '  y FROM t',
    '----',
    '1',
    'a',
    '',
    'statement error',
    'SELECT nothing',
    '',
    'query R valuesort',
    'SELECT 1.5',
    '',
    'halt',
  ].join('\n');

  test('every record kind, its conditions, SQL over several lines, and the line it starts on', () => {
    expect(parseSlt(script, 'x.test')).toEqual([
      { kind: 'hash-threshold', line: 1, conditions: [], threshold: 3 },
      { kind: 'statement', line: 4, conditions: [], expectError: false, sql: 'CREATE TABLE t(x INTEGER)' },
      {
        kind: 'query',
        line: 7,
        conditions: [
          { kind: 'skipif', engine: 'mysql' },
          { kind: 'onlyif', engine: 'sqlite' },
        ],
        types: 'IT',
        sort: 'rowsort',
        label: 'label-1',
        sql: 'SELECT x,\n  y FROM t',
        expected: ['1', 'a'],
      },
      { kind: 'statement', line: 16, conditions: [], expectError: true, sql: 'SELECT nothing' },
      // A query without ---- expects no rows.
      { kind: 'query', line: 19, conditions: [], types: 'R', sort: 'valuesort', sql: 'SELECT 1.5', expected: [] },
      { kind: 'halt', line: 22, conditions: [] },
    ]);
  });

  test.each([
    ['querry I nosort\nSELECT 1', "x.test:1: unknown record type 'querry'"],
    ['query IX nosort\nSELECT 1', "x.test:1: query types 'IX' should be one letter per column out of I, R and T"],
    ['query I sorted\nSELECT 1', "x.test:1: sort mode 'sorted' should be nosort, rowsort or valuesort"],
    ['statement maybe\nSELECT 1', "x.test:1: 'statement maybe' should be 'statement ok' or 'statement error'"],
    ['\n\nstatement ok\n', 'x.test:3: statement without SQL'],
    ['hash-threshold many', "x.test:1: hash-threshold 'many' should be a whole number"],
    ['skipif\nstatement ok\nSELECT 1', 'x.test:1: skipif names no engine'],
  ])('%j is refused with file and line', (text, message) => {
    expect(() => parseSlt(text, 'x.test')).toThrow(UserError);
    expect(() => parseSlt(text, 'x.test')).toThrow(message);
  });
});

describe('values as the original runner prints them', () => {
  test.each([
    [null, 'I', 'NULL'],
    [3.5, 'I', '3'],
    [-3.5, 'I', '-3'],
    ['-2.5000', 'I', '-2'],
    ['12abc', 'I', '12'],
    ['abc', 'I', '0'],
    [true, 'I', '1'],
    [9007199254740993n, 'I', '9007199254740993'],
    ['9223372036854775807', 'I', '9223372036854775807'],
    [-0.4, 'I', '0'],
    [4.5, 'R', '4.500'],
    ['2.5000', 'R', '2.500'],
    [7n, 'R', '7.000'],
    ['', 'T', '(empty)'],
    ['a\tb', 'T', 'a@b'],
    ['é', 'T', '@@'],
    [42, 'T', '42'],
  ])('%p as %s is %p', (value, type, text) => {
    expect(formatValue(value, type)).toBe(text);
  });

  test("reals keep SQLite printf's 16 significant digits, in which the corpus was written", () => {
    expect(realText(-(2 ** 63))).toBe('-9223372036854776000.000');
    expect(realText(-(2 ** 64))).toBe('-18446744073709550000.000');
    expect(realText(123456789012345.67)).toBe('123456789012345.700');
    expect(realText(0.0005)).toBe('0.001');
  });

  test('rowsort orders rows and valuesort values byte by byte, as strcmp', () => {
    const rows = [
      ['9', 'a'],
      ['10', 'b'],
      ['10', 'a'],
    ];
    expect(orderedValues(rows, 'rowsort')).toEqual(['10', 'a', '10', 'b', '9', 'a']);
    expect(orderedValues(rows, 'valuesort')).toEqual(['10', '10', '9', 'a', 'a', 'b']);
    expect(orderedValues(rows, 'nosort')).toEqual(['9', 'a', '10', 'b', '10', 'a']);
  });

  test('the hash is the MD5 of the values, each followed by a newline', () => {
    // The figure another runner's tests give for the values 1 and 2.
    expect(hashedValues(['1', '2']).line).toBe('2 values hashing to 6ddb4095eb719e2a9f0a3f95677d24e0');
    expect(hashedValues([]).line).toBe('0 values hashing to d41d8cd98f00b204e9800998ecf8427e');
  });
});

describe('two databases that answer a record differently disagree on it', () => {
  // Two real SQLite databases, told apart by the engine their script runs as: an onlyif insert fills one of them only.
  const records = parseSlt(
    [
      'statement ok',
      'CREATE TABLE t(x INTEGER)',
      '',
      'onlyif first',
      'statement ok',
      'INSERT INTO t VALUES(1)',
      '',
      'query I nosort',
      'SELECT count(*) FROM t',
      '----',
      '1',
      '',
      'query I nosort',
      'SELECT 5',
      '----',
      '5',
    ].join('\n'),
    'two.test',
  );
  const profile = resolveProfiles({ adapters: ['sqlite'] })[0]!;
  const runOn = async (engine: string): Promise<SltDatabaseRun> => {
    const db = new Database(':memory:');
    try {
      const run = await runSltRecords(records, engine, async (sql) => {
        const stmt = db.prepare(sql);
        return stmt.reader ? (stmt.raw(true).all() as unknown[][]) : (stmt.run(), []);
      });
      return { database: { name: engine, adapter: 'sqlite', profile, server: { url: ':memory:', provider: 'file' } }, serverVersion: 'SQLite', files: [run] };
    } finally {
      db.close();
    }
  };

  test('the run names the record, its SQL and each answer; merging the two runs finds the same', async () => {
    const runs = [await runOn('first'), await runOn('second')];
    const [file] = sltResults([{ file: 'two.test', sha256: 'x', records: records as SltRecord[] }], runs);
    expect(file!.databases.map((d) => [d.database, d.marks])).toEqual([
      ['first', 'pppp'],
      ['second', 'psfp'],
    ]);
    expect(file!.disagreements).toEqual({ total: 1, records: [{ line: 8, sql: 'SELECT count(*) FROM t', answers: { first: '1', second: '0' } }] });
    // merge works it out again from each run's marks and failures.
    const alone = (d: SltFileResults['databases'][number]) => ({ sqllogictest: [{ ...file!, databases: [d] }] }) as unknown as RunResults;
    const merged = sltOf([alone(file!.databases[0]!), alone(file!.databases[1]!)]).sqllogictest![0]!;
    expect(merged.disagreements).toEqual(file!.disagreements);
  });
});

describe('the gate holds sqllogictest records', () => {
  const file = (marks: string, sha256 = 'abc', failures: { line: number; actual: string }[] = []): RunResults =>
    runResults({
      sqllogictest: [
        {
          file: 'a.test',
          sha256,
          records: marks.length,
          databases: [
            {
              database: 'sqlite',
              adapter: 'sqlite',
              profile: 'sqlite-wal',
              serverVersion: 'SQLite',
              engine: 'sqlite',
              passed: 0,
              failed: 0,
              known: 0,
              knownPassing: [],
              skipped: 0,
              durationMs: 1,
              marks,
              failures: failures.map((f) => ({ ...f, sql: 'SELECT 1', expected: '1' })),
            },
          ],
          disagreements: { total: 0, records: [] },
        },
      ],
    });

  test('a record that went from pass to fail regresses, with its line and answer; one that was failing already does not', () => {
    const cmp = compareRuns(
      file('ppf'),
      file('pff', 'abc', [
        { line: 5, actual: '2' },
        { line: 9, actual: '3' },
      ]),
      DEFAULT_THRESHOLDS,
    );
    expect(cmp.passed).toBe(false);
    expect(cmp.sltRegressions).toEqual([{ database: 'sqlite', file: 'a.test', record: 2, line: 5, actual: '2' }]);
    expect(cmp.failures.map((f) => f.message)).toEqual(['record regressed: sqlite a.test:5 passed in the baseline and fails now: 2']);
  });

  test('a run of files alone is summed up by its files: the failures without a known cause, not cells', () => {
    const results = file('pf', 'abc', [{ line: 5, actual: '2' }]);
    results.sqllogictest![0]!.databases[0]!.failed = 1;
    const md = summaryMarkdown(results);
    expect(md).toMatch(/^## ❌ dbmatrix results: 1 sqllogictest file\(s\), 1 record\(s\) failed without a known cause/);
    expect(md).toContain('### ❌ sqllogictest records that failed, no known cause (1)');
    expect(md).toContain('| sqlite | a.test:5 | SELECT 1 | 1 | 2 |');
    expect(md).not.toMatch(/cells passed|Diagnosis/);
  });

  test('the same records pass the gate; a file the current run lacks, or changed, fails it', () => {
    expect(compareRuns(file('pps'), file('pps'), DEFAULT_THRESHOLDS).passed).toBe(true);
    expect(compareRuns(file('pps'), runResults(), DEFAULT_THRESHOLDS).failures.map((f) => f.message)).toEqual([
      'records missing: sqlite a.test: ran in the baseline, not in the current run',
    ]);
    expect(compareRuns(file('pps'), file('pps', 'def'), DEFAULT_THRESHOLDS).failures.map((f) => f.kind)).toEqual(['records missing']);
  });
});

test('a known-differences file matches by the end of the path, the engine and the line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-known-'));
  try {
    const path = join(dir, 'known.json');
    writeFileSync(path, JSON.stringify({ known: [{ file: 'evidence/in2.test', lines: [78], engines: ['postgresql'], cause: 'IN ()' }] }));
    const known = KnownDifferences.read(path);
    expect(known.causeOf('../shared/sqllogictest/evidence/in2.test', 'postgresql', 78)).toBe('IN ()');
    expect(known.causeOf('evidence/in2.test', 'postgresql', 78)).toBe('IN ()');
    expect(known.causeOf('other/evidence/in2.test', 'mysql', 78)).toBeUndefined();
    expect(known.causeOf('evidence/in2.test', 'postgresql', 79)).toBeUndefined();
    expect(known.causeOf('xevidence/in2.test', 'postgresql', 78)).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
