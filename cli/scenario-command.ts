import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { redactedUrl } from '../adapters/contract';
import { ADAPTER_NAMES, type AdapterName } from '../adapters/registry';
import { parseAdapterList } from '../config/profiles';
import { defaultRunDir, newRunId } from '../matrix/namespace';
import { silentProgress, streamProgress } from '../matrix/progress';
import { runMatrix } from '../matrix/run-matrix';
import type { MatrixRun } from '../matrix/runner';
import { judgeSeed, SCENARIOS, seedConfig, seedRuns } from '../matrix/scenarios/seed';
import { type MergeInput, mergeResults } from '../model/merge';
import type { RunResults } from '../model/results-schema';
import { UserError } from '../model/user-error';
import { painterFor } from '../reports/colour';
import { dataFailures, seedMarkdown, seedTable } from '../reports/seed-report';
import { firstServers, resolveServers } from '../servers/resolve';
import { positiveInt, type ServerUrlOptions, serverUrlOptions, serverUrls } from './arguments';
import { abortOnSignal } from './interrupt';

/** Options of `dbmatrix scenario`, as commander parses them. */
interface ScenarioOptions extends ServerUrlOptions {
  adapter: string;
  ops: number;
  repeat: number;
  out?: string;
  progress: boolean;
}

function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? err}; choose a writable --out`);
  }
}

/** Record the provider that really served each cell: the runs below see a container only as its URL. */
function markProviders(results: RunResults, servers: Partial<Record<AdapterName, { url: string; provider: string }>>): void {
  for (const c of results.cells) {
    const server = servers[c.cell.adapter as AdapterName];
    if (c.state !== 'skipped' && c.target && server?.provider === 'testcontainers' && c.target.address === redactedUrl(server.url))
      c.target.provider = 'testcontainers';
  }
}

async function scenarioCommand(name: string, opts: ScenarioOptions): Promise<number> {
  if (!SCENARIOS.includes(name)) throw new UserError(`unknown scenario '${name}'; valid scenarios: ${SCENARIOS.join(', ')}`);
  const adapters = parseAdapterList(opts.adapter);
  const runId = newRunId();
  const outDir = resolve(opts.out ?? defaultRunDir(`seed-${runId}`));
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new UserError(`cannot create ${outDir}: ${(err as NodeJS.ErrnoException).code ?? err}; choose a writable --out`);
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const given = serverUrls(opts);

  // One server per adapter for the whole scenario; the runs below reach it by URL, so a container starts once.
  const resolved = await resolveServers(adapters, { urls: given, log, oneEach: 'dbmatrix scenario' });
  const servers = firstServers(resolved);
  const urls = Object.fromEntries(Object.entries(servers).map(([a, s]) => [a, s!.url])) as Partial<Record<AdapterName, string>>;
  let run: MatrixRun | undefined;
  const guard = abortOnSignal(() => run);
  const parts: MergeInput[] = [];
  try {
    for (const [i, part] of seedRuns(adapters).entries()) {
      if (guard.interrupted()) break;
      const scratch = mkdtempSync(join(tmpdir(), `dbmatrix-seed-${runId}-`));
      try {
        const { results } = await runMatrix({
          adapters,
          profiles: part.profiles,
          workloads: part.workloads,
          settings: [],
          config: seedConfig(adapters),
          ops: opts.ops,
          durationMs: null,
          warmupOps: null,
          // Failing operations under the naive profiles are the finding, not a failure of the run.
          maxErrorRate: 1,
          repeats: opts.repeat,
          urls,
          // mergeResults refuses two parts with one run id; the merged file carries the scenario's.
          runId: `${runId}${i + 1}`,
          outDir: scratch,
          progress: opts.progress ? streamProgress(process.stderr) : silentProgress,
          log,
          onStarted: (r) => {
            run = r;
            if (guard.interrupted()) r.abort();
          },
        });
        parts.push({ file: `seed part ${i + 1} (${part.profiles.join(', ')} × ${part.workloads.join(', ')})`, results });
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
  } finally {
    await resolved.release();
    guard.dispose();
  }
  if (parts.length === 0) return guard.exitCode();

  const merged = mergeResults(parts, { asRepeats: false });
  // Cells by adapter, so each database's cells read together; the sort is stable, keeping the run order within one.
  const order = (adapter: string) => ADAPTER_NAMES.indexOf(adapter as AdapterName);
  merged.cells.sort((a, b) => order(a.cell.adapter) - order(b.cell.adapter));
  merged.profiles.sort((a, b) => order(String(a.adapter)) - order(String(b.adapter)));
  const results: RunResults = { ...merged, runId, interrupted: guard.interrupted() };
  markProviders(results, servers);
  const claims = judgeSeed(results);
  const resultsFile = join(outDir, 'results.json');
  const reportFile = join(outDir, 'seed-report.md');
  writeOutput(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  writeOutput(reportFile, seedMarkdown(results, claims));
  process.stdout.write(`${seedTable(results, claims, painterFor(process.stdout))}\n`);
  process.stdout.write(`results: ${resultsFile}\nreport: ${reportFile}\n`);
  if (results.interrupted) return guard.exitCode();
  return dataFailures(results).length > 0 ? 1 : 0;
}

/** Add `dbmatrix scenario <name>` to the program. */
export function addScenarioCommand(program: Command): void {
  serverUrlOptions(program.command('scenario'))
    .description('reproduce a known analysis on every adapter: each of its claims beside the measured figure, with a verdict')
    .argument('<name>', `scenario to run (${SCENARIOS.join(', ')})`)
    .option('-a, --adapter <names>', 'adapters to run the scenario on', ADAPTER_NAMES.join(','))
    .addOption(new Option('--ops <n>', 'measured operations per cell').argParser(positiveInt('--ops')).default(1000))
    .addOption(new Option('--repeat <n>', 'run each cell n times on fresh tables').argParser(positiveInt('--repeat')).default(1))
    .option('-o, --out <dir>', 'directory for results.json and seed-report.md (default: dbmatrix-runs/<time>-seed-<run id>)')
    .option('--no-progress', 'no progress on stderr')
    .action(async (name: string, opts: ScenarioOptions) => {
      process.exitCode = await scenarioCommand(name, opts);
    });
}
