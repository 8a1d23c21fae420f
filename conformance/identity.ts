import { type AdapterName, adapterFor } from '../adapters/registry';
import type { ServerIdentity } from './contract';

/** A version string that names no server this project knows how to pin. */
export class UnrecognisedServerError extends Error {
  override name = 'UnrecognisedServerError';
}

/** The flavour and pinned version of the server behind an adapter, from the version string it reports (`adapter.serverVersion`), as the adapter reads it. */
export function serverIdentity(adapter: AdapterName, reported: string): ServerIdentity {
  const found = adapterFor(adapter).identify(reported.trim());
  if (!found) throw new UnrecognisedServerError(`cannot tell the ${adapter} server's flavour and version from '${reported}'`);
  return { ...found, key: `${found.flavour}-${found.version}` };
}

/** The variable through which the test suite's global setup hands each server's reported version to the test files. */
export function serverVersionVariable(adapter: AdapterName): string {
  return `DBMATRIX_${adapter.toUpperCase()}_SERVER_VERSION`;
}
