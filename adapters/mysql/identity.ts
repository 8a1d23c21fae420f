import type { ServerFlavour } from '../contract';

/** MySQL and MariaDB answer differently enough to be pinned apart, and both change behaviour in minor releases (MySQL 8.0.19 began to accept offsets in datetime literals). */
export function identifyMysql(reported: string): ServerFlavour | undefined {
  const flavour = /mariadb/i.test(reported) ? 'mariadb' : 'mysql';
  let bare = reported.replace(/^(?:MySQL|MariaDB)\s+/i, '');
  // MariaDB's handshake may report '5.5.5-<real version>' for old clients' sake; `version()` does not, but either may reach here.
  if (flavour === 'mariadb') bare = bare.replace(/^5\.5\.5-/, '');
  const m = /^(\d+)\.(\d+)(?:\.\d+)?(?![.\d])/.exec(bare);
  return m ? { flavour, version: `${Number(m[1])}.${Number(m[2])}` } : undefined;
}
