import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// `npm test` runs dependency-cruiser over the tree with .dependency-cruiser.cjs (bin/run-tests.js). This test shows the
// same rules failing: a tree laid out like the project's, with one import planted per run.

const ROOT = join(__dirname, '..', '..');
const CRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** A small tree with the project's layer folders and config; `files` maps a path to its source. */
function cruise(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-layers-'));
  try {
    copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(process.execPath, [CRUISE, '--config', '.dependency-cruiser.cjs', '--output-type', 'err', '.'], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One module per layer, each importing the one below it: the arrows the rules allow. */
const LAYERED = {
  'adapters/contract.ts': 'export type Name = string;\n',
  'model/figures.ts': "import type { Name } from '../adapters/contract';\nexport const figure = (n: Name) => n.length;\n",
  'adapters/pg/adapter.ts': "import { figure } from '../../model/figures';\nexport const adapter = () => figure('pg');\n",
  'matrix/runner.ts': "import { adapter } from '../adapters/pg/adapter';\nexport const run = () => adapter();\n",
  'reports/table.ts': "import { run } from '../matrix/runner';\nexport const table = () => String(run());\n",
  'cli/main.ts': "import { table } from '../reports/table';\nexport const main = () => table();\n",
};

describe('import directions: .dependency-cruiser.cjs', () => {
  test('a tree whose imports all point down passes', () => {
    const r = cruise(LAYERED);
    expect(r.output).not.toMatch(/error/);
    expect(r.status).toBe(0);
  });

  test('a planted upward import fails, naming the rule', () => {
    const r = cruise({ ...LAYERED, 'model/planted.ts': "import { main } from '../cli/main';\nexport const up = main;\n" });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/no-upward-from-model: model\/planted\.ts → cli\/main\.ts/);
  });

  test('a planted cycle within a layer fails', () => {
    const r = cruise({
      ...LAYERED,
      'matrix/a.ts': "import { b } from './b';\nexport const a = () => b();\n",
      'matrix/b.ts': "import { a } from './a';\nexport const b = (): number => (a ? 1 : 0);\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/no-cycles/);
  });
});
