import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from 'commander';
import { findConfigFile } from '../config/config-file';
import { parseAdapterList } from '../config/profiles';
import { selectedAdapters, TEST_ADAPTERS_VARIABLE, TEST_CONFIG_VARIABLE } from '../jest-helper/selection';
import { UserError } from '../model/user-error';

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

/** Run jest with DBMATRIX_TEST_ADAPTERS set; resolves to jest's exit code. */
async function testCommand(jestArgs: string[], opts: TestOptions): Promise<number> {
  const env = { ...process.env };
  if (opts.adapters !== undefined) env[TEST_ADAPTERS_VARIABLE] = parseAdapterList(opts.adapters).join(',');
  // A variable set by hand is checked here too: a typo ends in one line, not in every test file failing to load.
  selectedAdapters(env);
  const config = findConfigFile(opts.config);
  if (config) env[TEST_CONFIG_VARIABLE] = JSON.stringify(config);
  const jest = usersJest();
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
