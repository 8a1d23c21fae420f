import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import type { RunResults } from '../../model/results-schema';
import { reportJson } from '../../reports/summary-json';
import { directKnex, LIST_TABLES, serverFor } from '../support/cells';
import { runCli } from '../support/cli';
import { selectedAdapters } from '../support/selection';

// `dbmatrix run --ceiling`: the server's own benchmark client on each cell's statement and connections, in turns with
// the cell's repeats, and the share of its rate that came through. Checked against a ceiling this test measures itself,
// by rerunning the command the results record on a table of the same shape.

const adapters = selectedAdapters();

/** The digits 0 to 9 as a derived table. */
const DIGITS = `(${Array.from({ length: 10 }, (_, d) => `SELECT ${d} AS d`).join(' UNION ALL ')})`;

/** Whether a command is on PATH. */
const installed = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** An SQL-script workload with every generator a native client's script can draw, a transaction of two steps, and checks. */
const SCRIPT = `name: hot-items
tables:
  items: CREATE TABLE {{items}} (id INTEGER PRIMARY KEY, hits INTEGER NOT NULL, note VARCHAR(40))
load:
  rows: 500
  sql: INSERT INTO {{items}} (id, hits) VALUES (:id, 0)
params:
  id: { sequence: { start: 1 } }
  hot: { zipfian: { min: 1, max: 500 } }
  any: { uniform: { min: 1, max: 500 } }
  tag: { string: { length: 12 } }
statements:
  - name: hit
    weight: 3
    sql: UPDATE {{items}} SET hits = hits + 1 WHERE id = :hot
  - name: look
    weight: 1
    expectRows: 1
    sql: SELECT hits FROM {{items}} WHERE id = :any
  - name: add
    weight: 1
    steps:
      - INSERT INTO {{items}} (id, hits, note) VALUES (:id, 0, :tag)
      - UPDATE {{items}} SET hits = hits + 1 WHERE id = :id
verify:
  - sql: SELECT SUM(hits) AS n FROM {{items}}
    equals: hit + add
  - sql: SELECT COUNT(*) AS n FROM {{items}}
    equals: load + add
`;

/** `dbmatrix run` on one adapter with --ceiling; the results and what it said on stderr. */
async function ceilingRun(adapter: AdapterName, workloads: string, workers: number, env: NodeJS.ProcessEnv = process.env) {
  const out = mkdtempSync(join(tmpdir(), 'dbmatrix-ceiling-'));
  try {
    const server = serverFor(adapter);
    const r = await runCli(
      [
        'run',
        '-a',
        adapter,
        '-w',
        workloads,
        '--ops',
        '3000',
        '--repeat',
        '2',
        '--ceiling',
        '--set',
        `${adapter}.workers=${workers}`,
        '--set',
        'read-point.readTableRows=2000',
        '--no-progress',
        '--out',
        out,
        ...(server ? [`--${adapter}-url`, server.url] : []),
      ],
      env,
    );
    expect(r.code === 0 ? 'exit 0' : `${r.stdout}\n${r.stderr}`).toBe('exit 0');
    return { results: JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults, stderr: r.stderr, stdout: r.stdout };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Rerun a recorded native-client command by hand, as a user would, on a table of the recorded name made the way the
 * workloads make theirs; returns the tool's own figure.
 */
function rerun(adapter: AdapterName, command: string, script: string, scriptName: string, table: string, rows: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-ceiling-rerun-'));
  const url = new URL(serverFor(adapter)!.url);
  // The password through the environment, as the recorded command expects it.
  const password = decodeURIComponent(url.password);
  const env = { ...process.env, PGPASSWORD: password, MYSQL_PWD: password };
  const sql = (text: string) =>
    adapter === 'postgres'
      ? execFileSync('psql', ['-q', '-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres', '-d', url.pathname.slice(1), '-c', text], {
          env,
        })
      : execFileSync(
          'mariadb',
          ['--protocol=TCP', '-h', url.hostname, '-P', url.port || '3306', '-u', url.username || 'root', url.pathname.slice(1), '-e', text],
          { env },
        );
  const q = adapter === 'postgres' ? `"${table}"` : `\`${table}\``;
  try {
    sql(`CREATE TABLE ${q} (id INTEGER PRIMARY KEY, payload VARCHAR(128) NOT NULL)`);
    sql(
      adapter === 'postgres'
        ? `INSERT INTO ${q} (id, payload) SELECT n, 'row-' || n FROM generate_series(1, ${rows}) AS n`
        : // Digits crossed with themselves: MariaDB and MySQL alike, without either's sequence or recursion limits.
          `INSERT INTO ${q} (id, payload) SELECT n, CONCAT('row-', n) FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 1 AS n FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c, ${DIGITS} e) s WHERE n <= ${rows}`,
    );
    writeFileSync(join(dir, scriptName), script);
    const out = execFileSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8', env });
    const figure = adapter === 'postgres' ? /^tps = ([\d.]+)/m.exec(out) : /transactions:\s+\d+\s+\(([\d.]+) per sec\.\)/.exec(out);
    return Number(figure![1]);
  } finally {
    sql(`DROP TABLE IF EXISTS ${q}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe(`dbmatrix run --ceiling (${adapters.join(', ')})`, () => {
  for (const adapter of adapters) {
    const peer = adapterFor(adapter).nativePeer;
    if (!peer) {
      test(`${adapter}: no native client; one line says so and the cells go on without a ceiling`, async () => {
        const { results, stderr } = await ceilingRun(adapter, 'read-point', 2);
        expect(stderr.match(/^--ceiling: .*$/gm)).toEqual([
          `--ceiling: ${adapter} has no native client (its driver runs in this process); its cells have no ceiling`,
        ]);
        for (const c of results.cells) expect(c.state === 'completed' && c.figures.ceiling).toBe(undefined);
      });
      continue;
    }

    test(`${adapter}: without ${peer.tool} on the PATH, one line says how to install it, and the cells go on without a ceiling`, async () => {
      const { results, stderr } = await ceilingRun(adapter, 'read-point,insert-sequential', 2, { ...process.env, PATH: '/nonexistent' });
      expect(stderr.match(/^--ceiling: .*$/gm)).toEqual([`--ceiling: ${peer.tool} is not installed (${peer.install}); ${adapter} cells have no ceiling`]);
      expect(results.cells.map((c) => [c.cell.workload, c.state, c.state === 'completed' && c.figures.ceiling])).toEqual([
        ['read-point', 'completed', undefined],
        ['insert-sequential', 'completed', undefined],
      ]);
    });

    // Under CI the tool must be there (.ci/run and the workflow install both): a ceiling not measured proves nothing.
    // On a machine without it the test above is what can be shown, and this one is not declared.
    if (!installed(peer.tool) && !process.env.CI) continue;
    test(`${adapter}: ${peer.tool} beside insert-sequential and read-point at 1 and 8 connections, checked against a rerun of its command`, async () => {
      const eight = await ceilingRun(adapter, 'insert-sequential,read-point', 8);
      const one = await ceilingRun(adapter, 'read-point', 1);
      expect(`${eight.stderr}${one.stderr}`.match(/^--ceiling: .*$/gm)).toBeNull();
      const cells = [...eight.results.cells, ...one.results.cells];
      expect(cells.map((c) => [c.cell.workload, c.state])).toEqual([
        ['insert-sequential', 'completed'],
        ['read-point', 'completed'],
        ['read-point', 'completed'],
      ]);
      for (const c of cells) {
        if (c.state !== 'completed') continue;
        const ceiling = c.figures.ceiling!;
        // insert-sequential is one writer by definition; read-point runs the connections asked for.
        const clients = c.cell.workload === 'insert-sequential' ? 1 : c === one.results.cells[0] ? 1 : 8;
        expect(ceiling.tool).toMatch(new RegExp(`^${peer.tool} \\d`));
        expect(ceiling.rounds).toHaveLength(2);
        expect(ceiling.share).toBeCloseTo(c.figures.opsPerSec / ceiling.opsPerSec, 2);
        expect(ceiling.command).toContain(peer.tool === 'pgbench' ? `-c ${clients} ` : `--threads=${clients} `);
        // The same command, rerun by hand, gets a figure of the same order: a ceiling measured, not made up.
        if (c.cell.workload === 'read-point') {
          const table = /(dbm_\w+_ceil\w*)/.exec(ceiling.script)![1]!;
          const own = rerun(adapter, ceiling.command, ceiling.script, /\S+\.(sql|lua)/.exec(ceiling.command)![0], table, 2000);
          expect({ ratio: own / ceiling.opsPerSec > 1 / 3 && own / ceiling.opsPerSec < 3 }).toEqual({ ratio: true });
        }
      }
      // Every report says it: the terminal's note, report --json, the diagnosis's evidence.
      expect(`${eight.stdout}${eight.stderr}`).toMatch(
        new RegExp(`^CEILING ${adapter}-\\S+ × read-point: \\d+ % of ${peer.tool} \\S+'s rate came through this stack`, 'm'),
      );
      const json = reportJson(eight.results);
      expect(json.cells.map((c) => c.ceiling?.tool.split(' ')[0])).toEqual([peer.tool, peer.tool]);
      for (const d of json.diagnosis) expect(d.evidence.join('\n')).toMatch(/% of \S+ \S+'s rate came through this stack/);
    });

    if (!installed(peer.tool) && !process.env.CI) continue;
    test(`${adapter}: ${peer.tool} beside an SQL-script workload, on tables of its own, the cell's data still verified`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-ceiling-script-'));
      const knex = directKnex(adapter);
      try {
        const file = join(dir, 'hot-items.yaml');
        writeFileSync(file, SCRIPT);
        const before = await LIST_TABLES[adapter as 'postgres' | 'mysql'](knex, 'dbm_');
        const { results, stderr } = await ceilingRun(adapter, file, 8);
        expect(stderr.match(/^--ceiling: .*$/gm)).toBeNull();
        const [cell] = results.cells;
        expect(cell!.state === 'completed' && cell!.verification?.ok).toBe(true);
        const ceiling = cell!.state === 'completed' ? cell!.figures.ceiling! : undefined;
        expect(ceiling!.rounds).toHaveLength(2);
        expect(ceiling!.share).toBeCloseTo((cell!.state === 'completed' ? cell!.figures.opsPerSec : 0) / ceiling!.opsPerSec, 2);
        // Each statement, its transaction and every generator are in the script the tool ran.
        for (const text of ['SET hits = hits + 1 WHERE id =', 'SELECT hits FROM', 'INSERT INTO', peer.tool === 'pgbench' ? 'BEGIN;' : 'con:query("BEGIN")'])
          expect(ceiling!.script).toContain(text);
        expect(ceiling!.script).toMatch(peer.tool === 'pgbench' ? /\\set id 501 \+ :client_id/ : /local p_id = 501 \+ sysbench\.tid/);
        // The native client's tables are gone, as the cell's are.
        expect(await LIST_TABLES[adapter as 'postgres' | 'mysql'](knex, 'dbm_')).toEqual(before);
      } finally {
        await knex.destroy();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
