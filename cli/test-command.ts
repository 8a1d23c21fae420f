import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { AdapterName } from '../adapters/registry';
import { type ConfigFile, findConfigFile } from '../config/config-file';
import { parseAdapterList } from '../config/profiles';
import { UserError } from '../model/user-error';
import { needsServer, resolveServers, underCi } from '../servers/resolve';
import { selectedAdapters, TEST_ADAPTERS_VARIABLE, TEST_CONFIG_VARIABLE, TEST_SERVERS_VARIABLE } from '../test-helper/selection';

/** Options of `dbmatrix test`, as commander parses them; every other argument is the test runner's. */
interface TestOptions {
  adapters?: string;
  config?: string;
  runner?: string;
}

/** The test runners `dbmatrix test` starts, each with the command line that runs the tests once (no watch mode). */
const RUNNERS = {
  jest: { bin: join('jest', 'bin', 'jest.js'), args: [] as string[] },
  vitest: { bin: join('vitest', 'vitest.mjs'), args: ['run'] },
};
type RunnerName = keyof typeof RUNNERS;

/** The project's own runner's command, from the working directory: their version and their config, not one bundled with dbmatrix. */
function usersRunner(asked: string | undefined): string[] {
  const names = Object.keys(RUNNERS) as RunnerName[];
  if (asked !== undefined && !names.includes(asked as RunnerName))
    throw new UserError(`--runner ${asked}: dbmatrix test runs ${names.join(' or ')}; give one of them`);
  // Searched as Node resolves a package from the working directory; vitest's exports keep require.resolve off its files.
  const folders = createRequire(join(process.cwd(), 'package.json')).resolve.paths('jest') ?? [];
  const find = (name: RunnerName) => folders.map((f) => join(f, RUNNERS[name].bin)).find((bin) => existsSync(bin));
  for (const name of asked ? [asked as RunnerName] : names) {
    const bin = find(name);
    if (bin) return [bin, ...RUNNERS[name].args];
  }
  const wanted = asked ?? 'jest';
  throw new UserError(
    `${asked ? `${asked} is not` : 'neither jest nor vitest is'} installed in ${process.cwd()}; install it with \`npm install --save-dev ${wanted}\`${asked ? '' : ' (or vitest)'}`,
  );
}

/**
 * The servers of the selected adapters, resolved once for the whole test run (a container started per server, not per
 * block), to hand down to every jest worker. Without CI, an adapter with no server to be had is reported once and left
 * out of the run; under CI (CI=true) it is an error, since a run that quietly tests fewer databases proves less.
 */
async function serversForTheRun(
  env: NodeJS.ProcessEnv,
  config: ConfigFile | undefined,
): Promise<{ adapters: AdapterName[]; servers: Partial<Record<AdapterName, string[]>>; release(): Promise<void> }> {
  const adapters: AdapterName[] = [];
  const servers: Partial<Record<AdapterName, string[]>> = {};
  const releases: (() => Promise<void>)[] = [];
  const release = async () => {
    for (const r of releases.splice(0)) await r();
  };
  const log = (line: string) => process.stderr.write(`dbmatrix test: ${line}\n`);
  try {
    for (const adapter of selectedAdapters(env)) {
      if (!needsServer(adapter)) {
        adapters.push(adapter);
        continue;
      }
      try {
        const resolved = await resolveServers([adapter], { env, config: { servers: config?.servers, images: config?.images }, log });
        releases.push(resolved.release);
        servers[adapter] = (resolved.servers[adapter] ?? []).map((s) => s.url);
        adapters.push(adapter);
      } catch (err) {
        if (!(err instanceof UserError) || underCi(env)) throw err;
        log(`${err.message}; its tests are left out of this run (under CI this fails)`);
      }
    }
  } catch (err) {
    await release();
    throw err;
  }
  return { adapters, servers, release };
}

/** Run the project's jest or vitest with DBMATRIX_TEST_ADAPTERS and the run's servers set; resolves to its exit code. */
async function testCommand(runnerArgs: string[], opts: TestOptions): Promise<number> {
  const env = { ...process.env };
  if (opts.adapters !== undefined) env[TEST_ADAPTERS_VARIABLE] = parseAdapterList(opts.adapters).join(',');
  // A variable set by hand is checked here too: a typo ends in one line, not in every test file failing to load.
  selectedAdapters(env);
  const config = findConfigFile(opts.config);
  if (config) env[TEST_CONFIG_VARIABLE] = JSON.stringify(config);
  const runner = usersRunner(opts.runner);
  const run = await serversForTheRun(env, config);
  if (run.adapters.length === 0) {
    await run.release();
    throw new UserError('no selected adapter has a server to test against; see the lines above');
  }
  env[TEST_ADAPTERS_VARIABLE] = run.adapters.join(',');
  env[TEST_SERVERS_VARIABLE] = JSON.stringify(run.servers);
  try {
    return await runTests([...runner, ...runnerArgs], env);
  } finally {
    await run.release();
  }
}

/** Run the project's test runner with this environment; resolves to its exit code. */
async function runTests(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, command, { stdio: 'inherit', env });
  // Ctrl-C reaches the runner from the terminal already: this process outlives it, so the shell returns with its exit code, not before it is done.
  const ignore = () => {};
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      // Killed by a signal: 128 + its number, as a shell reports it (130 for Ctrl-C).
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
  }
}

/** Add `dbmatrix test` to the program. */
export function addTestCommand(program: Command): void {
  program
    .command('test')
    .description(
      `run your jest or vitest tests for the chosen adapters (sets ${TEST_ADAPTERS_VARIABLE} for dbmatrix/jest and dbmatrix/vitest); other arguments go to the runner`,
    )
    .usage('[--adapter=<names>] [--runner=jest|vitest] [runner arguments…]')
    .option('--adapter, --adapters <names>', 'adapters to test, comma-separated (default: all, or DBMATRIX_TEST_ADAPTERS)')
    .option('--runner <name>', "jest or vitest (default: the project's jest, else its vitest)")
    .option('-c, --config <file>', 'config file for servers, images and profiles (default: dbmatrix.config.* in the working directory)')
    .argument('[runner-args...]', 'arguments for the runner (after `--` too); `dbmatrix test -- --help` shows its own')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (runnerArgs: string[], opts: TestOptions) => {
      process.exitCode = await testCommand(runnerArgs, opts);
    });
}
