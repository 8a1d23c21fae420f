import type { ServerKind } from '../contract';
import { startServerContainer } from '../shared';

/**
 * MySQL in a container: the official image by default (mariadb:11 runs as well, through DBMATRIX_MYSQL_IMAGE), the
 * Debian-built MariaDB 10.11 where no registry answers.
 */
export const mysqlServer: ServerKind = {
  serves: 'MySQL / MariaDB',
  defaultPort: 3306,
  image: 'mysql:8.4',
  localImage: 'dbmatrix-local/mariadb:10.11',
  // Both flavours: MariaDB 10.11 is pinned and builds here; no MySQL server can be had here (Debian ships MariaDB only).
  ciImages: [
    { image: 'mariadb:10.11', localImage: 'dbmatrix-local/mariadb:10.11' },
    { image: 'mysql:8.4', localImage: null },
  ],
  versionImages: [
    { image: 'mariadb:10.5', localImage: 'dbmatrix-local/mariadb:10.5' },
    { image: 'mariadb:10.11', localImage: 'dbmatrix-local/mariadb:10.11' },
    { image: 'mariadb:11.8', localImage: 'dbmatrix-local/mariadb:11.8' },
    { image: 'mysql:8.4', localImage: null },
  ],
  containerPackage: '@testcontainers/mysql',
  async startContainer(image, options) {
    const { Wait } = await import('testcontainers');
    const { MySqlContainer } = await import('@testcontainers/mysql');
    // Ready means the real server answers on TCP (the images initialise with networking off), whichever admin tool the image has.
    const ping = 'mariadb-admin ping -h 127.0.0.1 -uroot -pdbmatrix --silent || mysqladmin ping -h 127.0.0.1 -uroot -pdbmatrix --silent';
    const container = new MySqlContainer(image)
      .withDatabase('dbmatrix')
      .withRootPassword('dbmatrix')
      .withHealthCheck({ test: ['CMD-SHELL', ping], interval: 250, timeout: 2000, retries: 400 })
      .withWaitStrategy(Wait.forAll([Wait.forHealthCheck(), Wait.forListeningPorts()]));
    return startServerContainer(container, 3306, options, (c) => c.getConnectionUri(true));
  },
};
