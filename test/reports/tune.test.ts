import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../matrix/profiles';
import { readResults } from '../../reports/read-results';
import { runCli } from '../support/cli';
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

    const run = await runCli(['run', '-c', join(out, 'tuned-profiles.json'), '-p', name, '-w', 'insert-sequential', '--ops', '50', '-o', join(dir, 'run'), '--no-progress']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const results = readResults(join(dir, 'run', 'results.json'));
    expect(results.cells.map((c) => [c.cell.profile, c.state])).toEqual([[name, 'completed']]);
  });
});
