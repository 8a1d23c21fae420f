import { resolveServers, urlVariable } from '../../servers/resolve';
import { selectedAdapters } from '../support/selection';

/** The servers a development machine or CI runner of this project has on loopback, tried last. */
const LOCAL_SERVERS = { postgres: 'postgres://postgres@127.0.0.1:5432/test', mysql: 'mysql://root@127.0.0.1:3306/test' };

/**
 * Find each selected server adapter's server once per test run (URL, else Testcontainers, else the local servers), and hand its URL
 * to the test files through the environment. No server for a selected adapter fails the run: a skipped suite is not a pass.
 */
export default async function globalSetup(): Promise<void> {
  const adapters = selectedAdapters();
  const resolved = await resolveServers(adapters, {}, process.env, (line) => process.stderr.write(`${line}\n`), LOCAL_SERVERS);
  for (const [adapter, server] of Object.entries(resolved.servers)) {
    process.env[urlVariable(adapter as never)] = server.url;
    process.env[`DBMATRIX_${adapter.toUpperCase()}_PROVIDER`] = server.provider;
  }
  (globalThis as { __dbmatrixRelease?: () => Promise<void> }).__dbmatrixRelease = resolved.release;
}
