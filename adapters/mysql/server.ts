import type { ServerKind } from '../contract';

/**
 * MySQL in a container: the official image by default (mariadb:11 runs as well, through DBMATRIX_MYSQL_IMAGE), the
 * Debian-built MariaDB 10.11 where no registry answers.
 */
export const mysqlServer: ServerKind = {
  serves: 'MySQL / MariaDB',
  defaultPort: 3306,
  image: 'mysql:8.4',
  localImage: 'dbmatrix-local/mariadb:10.11',
  async startContainer(image, { labels, hostPort, startupTimeoutMs }) {
    const { Wait } = await import('testcontainers');
    const { MySqlContainer } = await import('@testcontainers/mysql');
    // Ready means the real server answers on TCP (the images initialise with networking off), whichever admin tool the image has.
    const ping = 'mariadb-admin ping -h 127.0.0.1 -uroot -pdbmatrix --silent || mysqladmin ping -h 127.0.0.1 -uroot -pdbmatrix --silent';
    const c = await new MySqlContainer(image)
      .withDatabase('dbmatrix')
      .withRootPassword('dbmatrix')
      .withLabels(labels)
      .withHealthCheck({ test: ['CMD-SHELL', ping], interval: 250, timeout: 2000, retries: 400 })
      .withWaitStrategy(Wait.forAll([Wait.forHealthCheck(), Wait.forListeningPorts()]))
      .withExposedPorts(hostPort ? { container: 3306, host: hostPort } : 3306)
      .withStartupTimeout(startupTimeoutMs)
      .start();
    return { url: c.getConnectionUri(true), restart: () => c.restart(), stop: async () => void (await c.stop()) };
  },
};
