import type { AdapterName } from '../adapters/registry';
import type { Flavour, ServerIdentity } from './contract';

/** A version string that names no server this project knows how to pin. */
export class UnrecognisedServerError extends Error {
  override name = 'UnrecognisedServerError';
}

/**
 * The flavour and pinned version of the server behind an adapter, from the version string it reports
 * (`adapter.serverVersion`, with or without its 'PostgreSQL '/'MySQL '/'MariaDB '/'SQLite ' prefix). PostgreSQL
 * changes behaviour between majors only (before 10, major.minor was the major); MySQL, MariaDB and SQLite change it
 * in minor releases (MySQL 8.0.19 began to accept offsets in datetime literals), so those keep major.minor.
 */
export function serverIdentity(adapter: AdapterName, reported: string): ServerIdentity {
  const text = reported.trim();
  const fail = (): never => {
    throw new UnrecognisedServerError(`cannot tell the ${adapter} server's flavour and version from '${reported}'`);
  };
  let flavour: Flavour;
  let version: string;
  if (adapter === 'postgres') {
    const m = /^(?:PostgreSQL\s+)?(\d+)(?:\.(\d+))?/i.exec(text) ?? fail();
    const major = Number(m[1]);
    flavour = 'postgres';
    version = major >= 10 ? String(major) : m[2] !== undefined ? `${major}.${m[2]}` : fail();
  } else if (adapter === 'mysql') {
    flavour = /mariadb/i.test(text) ? 'mariadb' : 'mysql';
    // MariaDB's handshake may report '5.5.5-<real version>' for old clients' sake; `version()` does not, but either may reach here.
    let bare = text.replace(/^(?:MySQL|MariaDB)\s+/i, '');
    if (flavour === 'mariadb') bare = bare.replace(/^5\.5\.5-/, '');
    const m = /^(\d+)\.(\d+)(?:\.\d+)?(?![.\d])/.exec(bare) ?? fail();
    version = `${Number(m[1])}.${Number(m[2])}`;
  } else {
    const m = /^(?:SQLite\s+)?(\d+)\.(\d+)(?:\.\d+)?(?![.\d])/i.exec(text) ?? fail();
    flavour = 'sqlite';
    version = `${Number(m[1])}.${Number(m[2])}`;
  }
  return { flavour, version, key: `${flavour}-${version}` };
}

/** The variable through which the test suite's global setup hands each server's reported version to the test files. */
export function serverVersionVariable(adapter: AdapterName): string {
  return `DBMATRIX_${adapter.toUpperCase()}_SERVER_VERSION`;
}
