import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../../cli/arguments';
import { findConfigFile, loadConfigFile } from '../../config/config-file';
import { loadWorkloads, workloadRef } from '../../matrix/workloads/sources';
import { generatorsFor } from '../../matrix/workloads/sql-script/generators';
import { loadSqlScript } from '../../matrix/workloads/sql-script/load';
import { bindSql } from '../../matrix/workloads/sql-script/sql-text';
import { runCli } from '../support/cli';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'workloads', 'orders.yaml');
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'dbmatrix-files-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The example script with one piece of text replaced, written to a file of its own. */
function variant(name: string, from: string | RegExp, to: string): string {
  const text = readFileSync(EXAMPLE, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`the example no longer contains ${from}`);
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, changed);
  return file;
}

describe('SQL-script workload files', () => {
  test('the example loads: its statements, parameters and checks are all declared', () => {
    const w = loadSqlScript(EXAMPLE);
    expect(w).toMatchObject({ name: 'orders-script', concurrency: 'profile', writes: 'some-operations', preparable: true });
  });

  test.each([
    ['an undeclared parameter', ':customer ORDER BY', ':client ORDER BY', /statements\.0\.sql: parameter :client is not declared under params/],
    [
      'an undeclared table',
      'SELECT id, note, amount FROM {{orders}} WHERE id',
      'SELECT id, note, amount FROM {{order}} WHERE id',
      /statements\.1\.sql: table \{\{order\}\} is not declared under tables \(declared: orders\)/,
    ],
    ['an unknown generator', '{ zipfian: { min: 1, max: 500 } }', '{ zipf: { min: 1, max: 500 } }', /params\.customer: Unrecognized key: "zipf"/],
    ['a range upside down', '{ zipfian: { min: 1, max: 500 } }', '{ zipfian: { min: 500, max: 1 } }', /params\.customer\.zipfian: expected min ≤ max/],
    [
      'latest of a non-sequence',
      '{ latest: { of: order_id } }',
      '{ latest: { of: customer } }',
      /params\.recent_order\.latest\.of: 'customer' is not a sequence parameter/,
    ],
    ['a weight of zero', 'weight: 40', 'weight: 0', /statements\.0\.weight: Too small/],
    [
      'a check over an unknown statement',
      'equals: load + add',
      'equals: load + insert',
      /verify\.0\.equals: 'insert' is neither a statement \(by_customer, by_id, recent, add, pay, reorder\) nor load nor a number/,
    ],
    ['both sql and steps', '    steps:\n', '    sql: SELECT 1\n    steps:\n', /statements\.5: expected either sql or steps/],
    [
      'an undeclared parameter in a step',
      'WHERE id = :loaded_order\n\nverify',
      'WHERE id = :lost_order\n\nverify',
      /statements\.5\.steps\.1: parameter :lost_order is not declared/,
    ],
    ['no checks at all', /verify:[\s\S]*$/, 'verify: []\n', /verify: expected at least one check/],
    ['broken YAML', 'statements:', 'statements: [', /not valid YAML or JSON/],
    [
      'a table statement not creating its table',
      'CREATE TABLE {{orders}} (',
      'CREATE TABLE orders_mine (',
      /tables\.orders: expected a CREATE TABLE \{\{orders\}\} statement/,
    ],
  ])('%s is refused naming the file and the key', (name, from, to, message) => {
    const file = variant(name.replace(/\W+/g, '-'), from, to);
    expect(() => loadSqlScript(file)).toThrow(message);
    expect(() => loadSqlScript(file)).toThrow(file);
  });

  test('SQL binds parameters by name, keeps casts and quoted text, and escapes question marks for knex', () => {
    const bound = bindSql("SELECT :a::int, ':b', \"x:y\", '?' FROM {{t}} WHERE k = :a AND j ? 'k'", (t) => `dbm_r_${t}`);
    expect(bound).toEqual({ sql: "SELECT ?::int, ':b', \"x:y\", '\\?' FROM dbm_r_t WHERE k = ? AND j \\? 'k'", params: ['a', 'a'] });
  });

  test('sequences never repeat across workers, and continue after the loaded rows', () => {
    const params = { id: { sequence: { start: 1 } }, recent: { latest: { of: 'id' } } };
    const seen = new Set<number>();
    for (let stream = 0; stream < 4; stream++) {
      const g = generatorsFor(params, { stream, streams: 4, loaded: { id: 100 } });
      for (let i = 0; i < 50; i++) {
        const v = g.id!() as number;
        expect(v).toBeGreaterThan(100);
        expect(seen.has(v)).toBe(false);
        seen.add(v);
        // latest never names a value this worker has not seen issued
        const r = g.recent!() as number;
        expect(r).toBeGreaterThanOrEqual(1);
        expect(r).toBeLessThanOrEqual(v);
      }
    }
    expect(seen.size).toBe(200);
  });

  test('zipfian stays in its range and favours a few values; uniform does not', () => {
    const g = generatorsFor({ z: { zipfian: { min: 10, max: 1009 } }, u: { uniform: { min: 10, max: 1009 } } }, { stream: 0, streams: 1, loaded: {} });
    const top = (draw: () => number) => {
      const counts = new Map<number, number>();
      for (let i = 0; i < 20_000; i++) {
        const v = draw();
        expect(v).toBeGreaterThanOrEqual(10);
        expect(v).toBeLessThanOrEqual(1009);
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      return Math.max(...counts.values()) / 20_000;
    };
    expect(top(g.z as () => number)).toBeGreaterThan(0.05);
    expect(top(g.u as () => number)).toBeLessThan(0.01);
  });
});

describe('workload references and module files', () => {
  test('a name, a file, or one line saying which workloads exist', () => {
    expect(workloadRef('read-point')).toBe('read-point');
    expect(workloadRef('examples/workloads/orders.yaml', join(__dirname, '..', '..'))).toBe(EXAMPLE);
    expect(() => workloadRef('read-everything')).toThrow(/unknown workload 'read-everything'; valid workloads: .*or a path to a workload file/);
    expect(() => workloadRef('./missing.ts', work)).toThrow(/workload file .*missing\.ts does not exist/);
  });

  test('a module that exports no workload, or a malformed one, is refused with the key', () => {
    writeFileSync(join(work, 'empty.ts'), 'export const x = 1;\n');
    writeFileSync(
      join(work, 'bad.ts'),
      "export default { name: 'Bad Name', measures: '', verifies: '', concurrency: 'many', writes: 'none', setup() {}, worker() {} };\n",
    );
    expect(() => loadWorkloads([join(work, 'empty.ts')])).toThrow(/exports no workload; export default defineWorkload/);
    expect(() => loadWorkloads([join(work, 'bad.ts')])).toThrow(
      /bad\.ts is invalid: name: expected lower-case.*concurrency: Invalid option.*verify: expected a function/,
    );
  });

  test('two workloads of one name, or one named like a built-in, are refused', () => {
    const clash = variant('clash', 'name: orders-script', 'name: read-point');
    expect(() => loadWorkloads(['read-point', clash])).toThrow(/is named 'read-point', the name of a built-in workload; rename it/);
    expect(() => loadWorkloads([EXAMPLE, variant('twin', 'description:', 'description: twin')])).toThrow(/workload name 'orders-script' is used by both/);
  });
});

describe('config files', () => {
  test('a TypeScript config in the working directory is found, with workloads relative to it', () => {
    const dir = join(work, 'project');
    mkdirSync(join(dir, 'w'), { recursive: true });
    writeFileSync(join(dir, 'w', 'orders.yaml'), readFileSync(EXAMPLE));
    writeFileSync(
      join(dir, 'dbmatrix.config.ts'),
      "const config: { adapters: string[]; workloads: string[]; duration: string } = { adapters: ['sqlite'], workloads: ['read-point', './w/orders.yaml'], duration: '2s' };\nexport default config;\n",
    );
    expect(findConfigFile(undefined, dir)).toEqual({ adapters: ['sqlite'], workloads: ['read-point', join(dir, 'w', 'orders.yaml')], duration: 2000 });
    expect(findConfigFile(undefined, work)).toBeUndefined();
  });

  test('a bare duration is seconds in a config file as on the command line, and durations go up to hours', () => {
    const cases: [string, number][] = [
      ['2', 2000],
      ['0.5', 500],
      ['250ms', 250],
      ['90s', 90_000],
      ['2m', 120_000],
      ['1.5h', 5_400_000],
    ];
    for (const [i, [text, ms]] of cases.entries()) {
      const file = join(work, `duration-${i}.json`);
      writeFileSync(file, JSON.stringify({ duration: /^[\d.]+$/.test(text) ? Number(text) : text }));
      expect([text, loadConfigFile(file).duration, parseDuration(text)]).toEqual([text, ms, ms]);
    }
    expect(() => parseDuration('50ms')).toThrow(/at least 100 ms/);
  });

  test.each([
    ['a wrong type', '{ "ops": "many" }', /config file .*bad-1\.json is invalid: ops: Invalid input: expected number, received string/],
    ['an unknown adapter', '{ "adapters": ["oracle"] }', /adapters\.0: expected one of sqlite, postgres, mysql/],
    ['a server of an unknown adapter', '{ "servers": { "oracle": "x" } }', /servers\.oracle: unknown adapter; expected one of sqlite, postgres, mysql/],
    ['a bad duration', '{ "duration": "soon" }', /duration: expected a duration of at least 100 ms such as '500ms'/],
    ['ops and duration', '{ "ops": 5, "duration": "5s" }', /duration: give ops or duration, not both/],
    ['a missing workload file', '{ "workloads": ["./nope.yaml"] }', /workloads\.0: workload file .*nope\.yaml does not exist/],
  ])('%s is refused naming the file and the key', (_name, text, message) => {
    const file = join(work, `bad-${Math.random() < 2 ? ++bad : 0}.json`);
    writeFileSync(file, text);
    expect(() => loadConfigFile(file)).toThrow(message);
  });
});
let bad = 0;

describe('the CLI with workload and config files', () => {
  test.each([
    ['a missing workload file', ['run', '-w', './nope.yaml'], /workload file .*nope\.yaml does not exist/],
    ['an invalid SQL script', ['run', '-w', 'BROKEN'], /workload file .*broken\.yaml: invalid: statements: expected at least one statement/],
    ['an invalid config file in the working directory', ['run'], /config file .*dbmatrix\.config\.json is invalid: repeat: Too small/],
  ])('%s ends in one line and exit code 2', async (_name, args, message) => {
    const dir = mkdtempSync(join(work, 'cli-'));
    writeFileSync(
      join(dir, 'broken.yaml'),
      'name: broken\ntables: { t: "CREATE TABLE {{t}} (id INT)" }\nstatements: []\nverify: [{ sql: "SELECT 1", equals: 1 }]\n',
    );
    if (args.length === 1) writeFileSync(join(dir, 'dbmatrix.config.json'), '{ "repeat": 0 }');
    const argv = args.map((a) => (a === 'BROKEN' ? join(dir, 'broken.yaml') : a));
    const r = await runCli([...argv, '-o', join(dir, 'out')], { ...process.env, DBMATRIX_DOCKER: 'off' }, dir);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
