import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfigFile } from '../../config/profiles';
import { newRunId, tablePrefix } from '../../matrix/namespace';
import type { TuneOutcome } from '../../matrix/tune/tuner';
import { readResults } from '../../model/read-results';
import { directKnex, LIST_TABLES } from '../support/cells';
import { CLI, runCli } from '../support/cli';
import { selectedAdapters } from '../support/selection';

const adapter = selectedAdapters()[0]!;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dbmatrix-tune-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`dbmatrix tune on ${adapter}, small budget`, () => {
  test('writes a report and a profile file that run loads and runs', async () => {
    const out = join(dir, 'tune');
    const tuned = await runCli(['tune', '-a', adapter, '-w', 'insert-sequential', '--budget', '20s', '--ops', '150', '--repeat', '2', '-o', out]);
    expect(tuned.stderr).toMatch(new RegExp(`tune ${adapter} × insert-sequential \\(1/1\\): default: [\\d,]+ ops/s`));
    expect(tuned.code).toBe(0);
    const md = readFileSync(join(out, 'tune.md'), 'utf8');
    expect(md).toMatch(new RegExp(`\\| ${adapter} \\| \`insert-sequential\` \\| [\\d,]+ ops/s \\| [\\d,]+ ops/s \\| [+−]\\d+ % \\|`));
    const name = `${adapter}-tuned-insert-sequential`;
    const config = loadConfigFile(join(out, 'tuned-profiles.json'));
    expect(Object.keys(config.profiles ?? {})).toEqual([name]);

    const run = await runCli([
      'run',
      '-c',
      join(out, 'tuned-profiles.json'),
      '-p',
      name,
      '-w',
      'insert-sequential',
      '--ops',
      '50',
      '-o',
      join(dir, 'run'),
      '--no-progress',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const results = readResults(join(dir, 'run', 'results.json'));
    expect(results.cells.map((c) => [c.cell.profile, c.state])).toEqual([[name, 'completed']]);
  });
});

/**
 * A starting point known to be worse: two rows per transaction, where every commit costs a flush or a round trip,
 * against the axis's 20 to 500 (rows/s grows several times over). Where the adapter has one, a value that gives up
 * durability is tried too, and must not be adopted without --allow-risky.
 */
const PLANTED = {
  sqlite: { risky: 'synchronous=OFF' },
  postgres: { risky: 'synchronous_commit=off' },
  mysql: { risky: undefined },
} as const;

describe(`dbmatrix tune on ${adapter}: a planted answer`, () => {
  test('adopts the value known to be better, and lists a risky faster one without adopting it', async () => {
    const plant = PLANTED[adapter];
    const out = join(dir, 'planted');
    const tuned = await runCli([
      'tune',
      '-a',
      adapter,
      '-w',
      'insert-transaction-batch',
      '--set',
      `${adapter}.transactionBatchSize=2`,
      '--budget',
      '3m',
      // A time per repeat, not a count: the candidates' transactions differ 250-fold in size, and 50 operations of two
      // rows (tens of milliseconds) once left the planted tenfold gain inside the noise interval on MariaDB in a container.
      // Two warm-up operations, not the default 100: at 500 rows each those took longer than the measurement.
      '--duration',
      '500ms',
      '--warmup',
      '2',
      '--repeat',
      '3',
      '-o',
      out,
    ]);
    expect({ code: tuned.code, stderr: tuned.code === 0 ? '' : tuned.stderr }).toEqual({ code: 0, stderr: '' });
    const [outcome] = (JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8')) as { outcomes: TuneOutcome[] }).outcomes;
    expect(outcome!.start).toEqual(['transactionBatchSize=2']);
    expect(outcome!.best.changes).toEqual(expect.arrayContaining([expect.stringMatching(/^transactionBatchSize=(20|100|500)$/)]));
    // Every candidate was measured in turn with the best so far.
    for (const t of outcome!.trials.slice(1)) expect(t.incumbentScore).toBeGreaterThan(0);
    if (plant.risky) {
      const risky = outcome!.trials.find((t) => t.changes.includes(plant.risky))!;
      expect(risky.notes.join(' ')).toMatch(/gives up durability/);
      expect(outcome!.best.changes).not.toContain(plant.risky);
      // Faster than the best it ran against (as it usually is by far), it is listed as such in the report.
      const listed = new RegExp(`### Faster, but not adopted[\\s\\S]*${plant.risky.replace(/_/g, '\\\\?_')}`).test(readFileSync(join(out, 'tune.md'), 'utf8'));
      expect(listed).toBe(risky.score > risky.incumbentScore! * 1.05);
    }
    // The tuned profile carries the size the search chose, not the starting one.
    const profiles = loadConfigFile(join(out, 'tuned-profiles.json')).profiles ?? {};
    const chosen = outcome!.best.changes.find((c) => c.startsWith('transactionBatchSize='))!;
    expect((profiles[`${adapter}-tuned-insert-transaction-batch`] as Record<string, unknown>).transactionBatchSize).toBe(Number(chosen.split('=')[1]));
  });
});

describe(`dbmatrix tune on ${adapter}: Ctrl-C`, () => {
  test('stops within seconds with exit code 130, a partial report, and nothing of its own left', async () => {
    const runId = newRunId();
    const out = join(dir, 'interrupted');
    const child = spawn(
      process.execPath,
      [CLI, 'tune', '-a', adapter, '-w', 'insert-sequential,read-point', '--budget', '10m', '--ops', '300', '--run-id', runId, '-o', out],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      // The default's trial is logged once it is measured: interrupt the next one.
      for (let i = 0; i < 600 && !/: default: /.test(stderr); i++) await sleep(100);
      await sleep(300);
      child.kill('SIGINT');
      const code = await Promise.race([exited, sleep(30_000, undefined, { ref: false }).then(() => -1)]);
      expect(code).toBe(130);
      expect(stderr).toMatch(/interrupted/);
      expect(stderr).not.toMatch(/\n\s+at /);
      const report = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8')) as { interrupted: boolean; outcomes: TuneOutcome[] };
      expect(report.interrupted).toBe(true);
      expect(report.outcomes[0]?.baseline.score).toBeGreaterThan(0);
      expect(readFileSync(join(out, 'tune.md'), 'utf8')).toMatch(/\*\*Interrupted\*\*/);
      expect(existsSync(join(out, 'tuned-profiles.json'))).toBe(true);
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`dbmatrix-${runId}-`))).toEqual([]);
      if (adapter !== 'sqlite') {
        const knex = directKnex(adapter);
        try {
          expect(await LIST_TABLES[adapter](knex, tablePrefix(runId))).toEqual([]);
        } finally {
          await knex.destroy();
        }
      }
    } finally {
      child.kill('SIGKILL');
    }
  });
});
