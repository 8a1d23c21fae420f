import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterName } from '../../adapters/registry';
import { tablePrefix } from '../../matrix/namespace';
import type { CellResult } from '../../model/results-schema';
import { directKnex, explain, LIST_TABLES, runCells } from '../support/cells';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'workloads');
const SCRIPT = join(EXAMPLES, 'orders.yaml');
const MODULE = join(EXAMPLES, 'transfers.ts');

/** The example script with one piece of text replaced, in a file of its own. */
function scriptVariant(dir: string, name: string, from: string, to: string): string {
  const text = readFileSync(SCRIPT, 'utf8');
  if (!text.includes(from)) throw new Error(`the example no longer contains ${from}`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text.replace(from, to).replace('name: orders-script', `name: ${name}`));
  return file;
}

/** No table of the run is left on the server (SQLite: the run's directory holds no database file). */
async function expectNothingLeft(adapter: AdapterName, runId: string, sqliteDir: string): Promise<void> {
  if (adapter === 'sqlite') {
    expect(readdirSync(sqliteDir)).toEqual([]);
    return;
  }
  const knex = directKnex(adapter);
  try {
    expect(await LIST_TABLES[adapter](knex, tablePrefix(runId))).toEqual([]);
  } finally {
    await knex.destroy();
  }
}

/** Workloads a user brings, run by the real runner: a TypeScript module and an SQL script with a zipfian parameter. */
export function describeUserWorkloads(adapter: AdapterName): void {
  describe('user workloads', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'dbmatrix-user-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test.each([[undefined], [`${adapter}-prepared`]])(
      `${adapter}: the SQL script and the TypeScript workload run and verify beside a built-in (profile %s)`,
      async (profile) => {
        const sqliteDir = mkdtempSync(join(dir, 'db-'));
        const { results, runId } = await runCells({ adapter, profile, workloads: ['read-point', SCRIPT, MODULE], sqliteDir });
        expect(results.map((r) => [r.cell.workload, explain(r)])).toEqual([
          ['read-point', 'completed'],
          ['orders-script', 'completed'],
          ['transfers', 'completed'],
        ]);
        const [builtIn, ...user] = results as Extract<CellResult, { state: 'completed' }>[];
        for (const r of user) {
          expect(Object.keys(r.figures).sort()).toEqual(Object.keys(builtIn!.figures).sort());
          expect(r.figures.operations).toEqual({ total: 100, succeeded: 100, failed: 0 });
          expect(r.figures.driverPath).toBe(profile ? 'prepared' : 'knex');
          expect(r.verification).toMatchObject({ ok: true, mismatched: 0 });
          // The 8 warm-up operations wrote too.
          expect(r.verification.acknowledged).toBe(108);
        }
        await expectNothingLeft(adapter, runId, sqliteDir);
      },
    );

    test(`${adapter}: a script's checks fail the cell when the data does not match them`, async () => {
      const wrongCount = scriptVariant(dir, 'wrong-count', 'equals: load + add + reorder', 'equals: load + add + reorder + 1');
      const wrongRows = scriptVariant(dir, 'wrong-rows', 'expectRows: 1', 'expectRows: 2');
      const { results } = await runCells({ adapter, workloads: [wrongCount, wrongRows] });
      expect(results.map((r) => r.state)).toEqual(['failed', 'failed']);
      expect(explain(results[0]!)).toMatch(
        /data did not verify: verify\.0 \(SELECT COUNT\(\*\) AS n FROM dbm_\w+_orders\) gave (\d+), expected load \+ add \+ reorder \+ 1 = \d+/,
      );
      const [, got, expected] = /gave (\d+), expected load \+ add \+ reorder \+ 1 = (\d+)/.exec(explain(results[0]!))!;
      expect(Number(expected) - Number(got)).toBe(1);
      expect(explain(results[1]!)).toMatch(/data did not verify: \d+ queries returned another number of rows than expectRows/);
    });

    test(`${adapter}: a statement without SQL for this database fails the cell in setup, naming the key`, async () => {
      const other = adapter === 'mysql' ? 'postgres' : 'mysql';
      const onlyOther = scriptVariant(
        dir,
        'no-variant',
        '    sql: SELECT id, note, amount FROM {{orders}} WHERE customer',
        `    sql:\n      ${other}: SELECT id, note, amount FROM {{orders}} WHERE customer`,
      );
      const { results } = await runCells({ adapter, workloads: [onlyOther] });
      expect(explain(results[0]!)).toMatch(new RegExp(`setup failed: statements\\.0\\.sql has no SQL for ${adapter} and no default`));
    });
  });
}
