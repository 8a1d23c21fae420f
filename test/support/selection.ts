import { ADAPTER_NAMES, type AdapterName } from '../../adapters/registry';
import { parseAdapterList } from '../../matrix/profiles';

/** Adapters this test run covers: DBMATRIX_TEST_ADAPTERS (set by `npm test -- --adapter=…`), else all. */
export function selectedAdapters(env: NodeJS.ProcessEnv = process.env): AdapterName[] {
  const value = env.DBMATRIX_TEST_ADAPTERS;
  return value ? parseAdapterList(value) : [...ADAPTER_NAMES];
}
