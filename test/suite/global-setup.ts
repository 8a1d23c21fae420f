import knexFactory from 'knex';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import { serverVersionVariable } from '../../conformance/identity';
import { firstServers, resolveServers, urlVariable } from '../../servers/resolve';
import { selectedAdapters } from '../support/selection';

/** The servers a development machine or CI runner of this project has on loopback, tried last. */
const LOCAL_SERVERS = { postgres: 'postgres://postgres@127.0.0.1:5432/test', mysql: 'mysql://root@127.0.0.1:3306/test' };

/**
 * Find each selected server adapter's server once per test run (URL, else Testcontainers, else the local servers), and hand its URL
 * to the test files through the environment. No server for a selected adapter fails the run: a skipped suite is not a pass.
 * The log names the provider and server version of each, so a CI log shows which path ran; DBMATRIX_EXPECT_PROVIDER
 * makes a different provider a failure. The version goes to the test files too: jest declares tests before any of them
 * can ask a server, and the conformance tests declared depend on which server flavour and version answers.
 */
export default async function globalSetup(): Promise<void> {
  const adapters = selectedAdapters();
  const log = (line: string) => process.stderr.write(`dbmatrix suite: ${line}\n`);
  const resolved = await resolveServers(adapters, { log, lastResort: LOCAL_SERVERS, oneEach: 'the test suite' });
  (globalThis as { __dbmatrixRelease?: () => Promise<void> }).__dbmatrixRelease = resolved.release;
  for (const [name, server] of Object.entries(firstServers(resolved))) {
    const adapter = adapterFor(name as AdapterName);
    const knex = knexFactory(adapter.knexConfig(server, adapter.defaultProfiles[0]!));
    const version = await adapter.serverVersion(knex).finally(() => knex.destroy());
    log(`${name} via ${server.provider}: ${version}`);
    const expected = process.env.DBMATRIX_EXPECT_PROVIDER;
    if (expected && expected !== server.provider) {
      await resolved.release();
      throw new Error(`${name} was served by ${server.provider}, but DBMATRIX_EXPECT_PROVIDER=${expected}`);
    }
    process.env[urlVariable(name as AdapterName)] = server.url;
    process.env[`DBMATRIX_${name.toUpperCase()}_PROVIDER`] = server.provider;
    process.env[serverVersionVariable(name as AdapterName)] = version;
  }
}
