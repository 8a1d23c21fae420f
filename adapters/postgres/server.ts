import type { ServerKind } from '../contract';

/** PostgreSQL in a container: the official image by default, the Debian-built PostgreSQL 15 where no registry answers. */
export const postgresServer: ServerKind = {
  serves: 'PostgreSQL',
  defaultPort: 5432,
  image: 'postgres:16',
  localImage: 'dbmatrix-local/postgres:15',
  async startContainer(image, { labels, hostPort, startupTimeoutMs }) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const c = await new PostgreSqlContainer(image)
      .withDatabase('dbmatrix')
      .withUsername('dbmatrix')
      .withPassword('dbmatrix')
      .withLabels(labels)
      .withExposedPorts(hostPort ? { container: 5432, host: hostPort } : 5432)
      .withStartupTimeout(startupTimeoutMs)
      .start();
    return { url: c.getConnectionUri(), restart: () => c.restart(), stop: async () => void (await c.stop()) };
  },
};
