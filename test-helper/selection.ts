import { ADAPTER_NAMES, type AdapterName } from '../adapters/registry';
import { parseAdapterList } from '../config/profiles';
import { UserError } from '../model/user-error';

/** The variable that names the adapters a test run covers, comma-separated; `dbmatrix test --adapter=…` and `npm test -- --adapter=…` set it. */
export const TEST_ADAPTERS_VARIABLE = 'DBMATRIX_TEST_ADAPTERS';

/** The variable through which `dbmatrix test` hands jest the config file it read, as JSON: jest itself cannot load a TypeScript config. */
export const TEST_CONFIG_VARIABLE = 'DBMATRIX_TEST_CONFIG';

/**
 * The variable through which `dbmatrix test` hands jest the servers it resolved once for the whole run, as JSON: URLs
 * by adapter. The helper's blocks reach those instead of resolving (and starting) servers of their own.
 */
export const TEST_SERVERS_VARIABLE = 'DBMATRIX_TEST_SERVERS';

/** The servers `dbmatrix test` handed down, by adapter (empty when jest was started some other way). */
export function handedServers(env: NodeJS.ProcessEnv = process.env): Partial<Record<AdapterName, string[]>> {
  const value = env[TEST_SERVERS_VARIABLE];
  return value ? (JSON.parse(value) as Partial<Record<AdapterName, string[]>>) : {};
}

/** Adapters this test run covers: DBMATRIX_TEST_ADAPTERS, else all; an unknown name is a UserError naming the valid ones. */
export function selectedAdapters(env: NodeJS.ProcessEnv = process.env): AdapterName[] {
  const value = env[TEST_ADAPTERS_VARIABLE];
  if (!value) return [...ADAPTER_NAMES];
  try {
    return parseAdapterList(value);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${TEST_ADAPTERS_VARIABLE}=${value}: ${err.message}`);
    throw err;
  }
}
