import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, UserError, WORKLOAD_NAMES } from '../../api';
import { WORKLOADS } from '../../matrix/workloads/registry';
import { checkWorkload } from '../../matrix/workloads/sources';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'workloads');
let out: string;
beforeAll(() => (out = mkdtempSync(join(tmpdir(), 'dbmatrix-api-'))));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('run() from code: a config object, a built-in and a file workload, results returned and written', async () => {
  const { results, file } = await run({
    config: { adapters: ['sqlite'], set: { 'sqlite.workers': 2 } },
    workloads: ['read-point', join(EXAMPLES, 'orders.yaml')],
    ops: 50,
    outDir: out,
  });
  expect(results.cells.map((c) => [c.cell.profile, c.cell.workload, c.state])).toEqual([
    ['sqlite-wal', 'read-point', 'completed'],
    ['sqlite-wal', 'orders-script', 'completed'],
  ]);
  expect(JSON.parse(readFileSync(file, 'utf8')).runId).toBe(results.runId);
});

test('run() refuses bad input with a UserError naming it, before anything runs', async () => {
  await expect(run({ workloads: ['read-everything'], outDir: out })).rejects.toThrow(UserError);
  await expect(run({ adapters: ['oracle' as never], outDir: out })).rejects.toThrow(/unknown adapter 'oracle'/);
  await expect(run({ ops: 10, duration: '5s', outDir: out })).rejects.toThrow(/give ops or duration, not both/);
  await expect(run({ config: { ops: -1 }, outDir: out })).rejects.toThrow(/config is invalid: ops: Too small/);
});

test("every built-in workload passes the check a user's workload file must pass", () => {
  expect(WORKLOAD_NAMES).toEqual(Object.keys(WORKLOADS));
  for (const [name, w] of Object.entries(WORKLOADS)) expect(checkWorkload(w, name).name).toBe(name);
});

test('repeats pooled into one cell keep the driver path and client threads they ran with', async () => {
  const { results } = await run({ profiles: ['sqlite-prepared'], workloads: ['read-point'], ops: 20, repeat: 2, outDir: join(out, 'repeats') });
  const [cell] = results.cells;
  expect(cell!.state).toBe('completed');
  // SQLite runs a thread per worker.
  if (cell!.state === 'completed') expect(cell!.figures).toMatchObject({ driverPath: 'prepared', clientThreads: cell!.figures.workers });
});
