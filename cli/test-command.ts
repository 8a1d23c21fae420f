import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from 'commander';
import type { AdapterName } from '../adapters/registry';
import { type ConfigFile, findConfigFile } from '../config/config-file';
import { parseAdapterList } from '../config/profiles';
import { selectedAdapters, TEST_ADAPTERS_VARIABLE, TEST_CONFIG_VARIABLE, TEST_SERVERS_VARIABLE } from '../jest-helper/selection';
import { UserError } from '../model/user-error';
import { needsServer, resolveServers } from '../servers/resolve';

/** Options of `dbmatrix test`, as commander parses them; every other argument is jest's. */
interface TestOptions {
  adapters?: string;
  config?: string;
}

/** The user's own jest, from the working directory: their version and their config, not one bundled with dbmatrix. */
function usersJest(): string {
  try {
    return require.resolve('jest/bin/jest', { paths: [process.cwd()] });
  } catch {
    throw new UserError(`jest is not installed in ${process.cwd()}; install it with \`npm install --save-dev jest\``);
  }
}

/** Whether this runs under CI: CI set to anything but empty, 0 or false, as GitHub Actions and most runners set it. */
function underCi(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CI) && env.CI !== '0' && env.CI !== 'false';
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

/** Run jest with DBMATRIX_TEST_ADAPTERS and the run's servers set; resolves to jest's exit code. */
async function testCommand(jestArgs: string[], opts: TestOptions): Promise<number> {
  const env = { ...process.env };
  if (opts.adapters !== undefined) env[TEST_ADAPTERS_VARIABLE] = parseAdapterList(opts.adapters).join(',');
  // A variable set by hand is checked here too: a typo ends in one line, not in every test file failing to load.
  selectedAdapters(env);
  const config = findConfigFile(opts.config);
  if (config) env[TEST_CONFIG_VARIABLE] = JSON.stringify(config);
  const jest = usersJest();
  const run = await serversForTheRun(env, config);
  if (run.adapters.length === 0) {
    await run.release();
    throw new UserError('no selected adapter has a server to test against; see the lines above');
  }
  env[TEST_ADAPTERS_VARIABLE] = run.adapters.join(',');
  env[TEST_SERVERS_VARIABLE] = JSON.stringify(run.servers);
  try {
    return await runJest(jest, jestArgs, env);
  } finally {
    await run.release();
  }
}

/** Run the user's jest with this environment; resolves to its exit code. */
async function runJest(jest: string, jestArgs: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [jest, ...jestArgs], { stdio: 'inherit', env });
  // Ctrl-C reaches jest from the terminal already: this process outlives it, so the shell returns with jest's exit code, not before jest is done.
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
    .description(`run your jest tests for the chosen adapters (sets ${TEST_ADAPTERS_VARIABLE} for dbmatrix/jest); other arguments go to jest`)
    .usage('[--adapter=<names>] [jest arguments…]')
    .option('--adapter, --adapters <names>', 'adapters to test, comma-separated (default: all, or DBMATRIX_TEST_ADAPTERS)')
    .option('-c, --config <file>', 'config file for servers, images and profiles (default: dbmatrix.config.* in the working directory)')
    .argument('[jest-args...]', "arguments for jest (after `--` too); `dbmatrix test -- --help` shows jest's")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (jestArgs: string[], opts: TestOptions) => {
      process.exitCode = await testCommand(jestArgs, opts);
    });
}
