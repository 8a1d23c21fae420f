import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Knex } from 'knex';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import { type RunResults, runResultsSchema, type SltFileResults } from '../../model/results-schema';
import { directKnex } from '../support/cells';
import { CLI, runCli } from '../support/cli';

/** The fixtures, written in the format for these tests. */
const FIXTURES = resolve(__dirname, '..', 'fixtures', 'slt');
const fixture = (name: string) => join(FIXTURES, name);

/** The lines of failures.test's records that fail, one for each way a record can fail, in file order. */
const FAILING_LINES = [11, 17, 23, 27, 31, 40, 51];

/** `dbmatrix conformance --slt` as a user runs it, with its results.json read back. */
async function sltRun(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; results?: RunResults; out: string }> {
  const out = mkdtempSync(join(tmpdir(), 'dbmatrix-slt-test-'));
  const run = await runCli(['conformance', ...args, '--out', out]);
  const file = join(out, 'results.json');
  const results = existsSync(file) ? runResultsSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
  rmSync(out, { recursive: true, force: true });
  return { ...run, ...(results ? { results } : {}), out };
}

/** One file's results on one database. */
function on(results: RunResults | undefined, file: string, database: string): SltFileResults['databases'][number] {
  const f = results?.sqllogictest?.find((x) => x.file.endsWith(file));
  const d = f?.databases.find((x) => x.database === database);
  if (!d) throw new Error(`no results for ${file} on ${database}`);
  return d;
}

/** Namespaces of this run's scripts still on the server (none should be): PostgreSQL schemas, MySQL databases. */
async function leftoverNamespaces(knex: Knex, adapter: AdapterName, runId: string): Promise<string[]> {
  const kind = adapterFor(adapter).testNamespaces.kind;
  const pattern = `dbm_${runId}_slt%`;
  if (kind === 'schema')
    return (await knex('information_schema.schemata').select({ name: 'schema_name' }).where('schema_name', 'like', pattern)).map(
      (r: { name: string }) => r.name,
    );
  return (await knex('information_schema.schemata').select({ name: 'SCHEMA_NAME' }).where('SCHEMA_NAME', 'like', pattern)).map((r: { name: string }) => r.name);
}

/**
 * sqllogictest files on the adapter's database, through the CLI: every directive, every way a record fails, known
 * differences, and that a script's tables live and die in a namespace of the run's, never touching a table of the same
 * name outside it. Where the selection has another database than SQLite, SQLite runs beside it and they must disagree.
 */
export function describeSlt(adapter: AdapterName): void {
  describe(`${adapter}: sqllogictest files`, () => {
    test(`${adapter}: every directive of directives.test passes, in a namespace of the run's own, and a table of the same name outside it is untouched`, async () => {
      const server = adapterFor(adapter).testNamespaces.kind !== 'file';
      // A table t1 where a plain name would land without the namespace: the script creates, fills and reads its own t1.
      const knex = server ? directKnex(adapter) : undefined;
      let made = false;
      try {
        if (knex && !(await knex.schema.hasTable('t1'))) {
          await knex.schema.createTable('t1', (t) => t.integer('marker'));
          made = true;
        }
        const before = knex ? await knex('t1').count({ n: '*' }) : undefined;
        if (knex) await knex('t1').insert({ marker: 42 });
        const { code, stdout, stderr, results } = await sltRun(['--slt', fixture('directives.test'), '--adapter', adapter]);
        expect({ code, stderr: stderr.split('\n').filter((l) => !l.startsWith('slt: ')) }).toEqual({ code: 0, stderr: [''] });
        const d = on(results, 'directives.test', adapter);
        // 22 statements and queries: 18 run, 2 onlyif lines for other engines, 1 record skipped on all three, 1 after the halt.
        expect({ passed: d.passed, failed: d.failed, skipped: d.skipped, haltedAt: d.haltedAt }).toEqual({ passed: 18, failed: 0, skipped: 4, haltedAt: 118 });
        expect(d.marks).toHaveLength(22);
        expect(stdout).toMatch(/directives\.test: 22 records/);
        if (knex) {
          expect(await leftoverNamespaces(knex, adapter, results!.runId)).toEqual([]);
          const after = await knex('t1').count({ n: '*' });
          expect(Number(after[0]!.n)).toBe(Number(before![0]!.n) + 1);
          expect(Number((await knex('t1').where({ marker: 42 }).count({ n: '*' }))[0]!.n)).toBeGreaterThanOrEqual(1);
        } else {
          // SQLite's namespaces are files in a folder of the run's, gone with it.
          expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`dbmatrix-${results!.runId}-`))).toEqual([]);
        }
      } finally {
        if (knex) {
          if (made) await knex.schema.dropTable('t1');
          else await knex('t1').where({ marker: 42 }).delete();
          await knex.destroy();
        }
      }
    });

    test(`${adapter}: each way a record fails is a failure with its SQL, expected and actual; exit code 1`, async () => {
      const { code, stdout, results } = await sltRun(['--slt', fixture('failures.test'), '--adapter', adapter]);
      expect(code).toBe(1);
      const d = on(results, 'failures.test', adapter);
      expect({ passed: d.passed, failed: d.failed, known: d.known }).toEqual({ passed: 3, failed: 7, known: 0 });
      expect(d.failures.map((f) => f.line)).toEqual(FAILING_LINES);
      const byLine = new Map(d.failures.map((f) => [f.line, f]));
      expect(byLine.get(11)).toMatchObject({ sql: 'SELECT x FROM t2', expected: '2', actual: '1' });
      expect(byLine.get(17)).toMatchObject({ expected: '1', actual: '(no rows)' });
      expect(byLine.get(23)!.actual).toMatch(/^error: /);
      expect(byLine.get(27)).toMatchObject({ expected: 'error', actual: 'ok' });
      expect(byLine.get(31)!.actual).toBe("1 column(s) where the record's types 'II' name 2");
      expect(byLine.get(40)!.actual).toMatch(/^2 values hashing to [0-9a-f]{32}$/);
      expect(byLine.get(51)!.actual).toMatch(/values differ from an earlier query labelled label-x/);
      expect(stdout).toContain(`✗ ${adapter} `);
    });

    test(`${adapter}: a --known file explains failures (exit 0), and says when a listed record passes`, async () => {
      const { code, stdout, results } = await sltRun(['--slt', fixture('failures.test'), '--adapter', adapter, '--known', fixture('known.json')]);
      expect(code).toBe(0);
      const d = on(results, 'failures.test', adapter);
      expect({ failed: d.failed, known: d.known, knownPassing: d.knownPassing }).toEqual({ failed: 7, known: 7, knownPassing: [4] });
      expect(d.failures.every((f) => f.known === 'written to fail: one record for each way a record can fail')).toBe(true);
      expect(stdout).toContain('line(s) 4 are listed as known differences but passed');
    });

    test(`${adapter}: Ctrl-C skips the records left, drops the namespace, writes what ran as interrupted, exit 130`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-slt-interrupt-'));
      try {
        // Long enough to be interrupted while it runs, on SQLite too (about 100,000 records/s here): 500,000 one-value queries.
        const script = join(dir, 'long.test');
        writeFileSync(
          script,
          ['statement ok', 'CREATE TABLE t3(x INTEGER)', '', ...Array.from({ length: 500_000 }, () => 'query I nosort\nSELECT 1\n----\n1\n')].join('\n'),
        );
        const out = join(dir, 'out');
        const child = spawn(process.execPath, [CLI, 'conformance', '--slt', script, '--adapter', adapter, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        const closed = new Promise<number | null>((r) => child.on('close', r));
        await new Promise<void>((r) =>
          child.stderr.on('data', (d) => {
            stderr += d;
            // The first progress line: the script is running (the last one, at 500,001 of 500,001, would come too late).
            if (/slt: .*: [\d,]+\/500,001 records/.test(stderr.replace(/500,001\/500,001/g, ''))) r();
          }),
        );
        child.kill('SIGINT');
        expect(await closed).toBe(130);
        const results = runResultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
        expect(results.interrupted).toBe(true);
        const d = on(results, 'long.test', adapter);
        expect(d.passed).toBeGreaterThan(0);
        expect(d.skipped).toBeGreaterThan(0);
        expect(d.passed + d.skipped).toBe(500_001);
        if (adapterFor(adapter).testNamespaces.kind !== 'file') {
          const knex = directKnex(adapter);
          try {
            expect(await leftoverNamespaces(knex, adapter, results.runId)).toEqual([]);
          } finally {
            await knex.destroy();
          }
        } else expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`dbmatrix-${results.runId}-`))).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);

    if (adapter !== 'sqlite') {
      test(`${adapter}: beside SQLite, the record they answer differently is a disagreement with both answers`, async () => {
        const { code, results } = await sltRun(['--slt', fixture('dialects.test'), '--adapter', `sqlite,${adapter}`]);
        expect(code).toBe(1);
        const file = results!.sqllogictest![0]!;
        expect(on(results, 'dialects.test', 'sqlite')).toMatchObject({ passed: 1, failed: 0 });
        expect(on(results, 'dialects.test', adapter)).toMatchObject({ passed: 0, failed: 1 });
        expect(file.disagreements.total).toBe(1);
        const [record] = file.disagreements.records;
        expect(record!.line).toBe(3);
        expect(record!.answers.sqlite).toBe('2');
        expect(record!.answers[adapter]).not.toBe('2');
      });
    }
  });
}
