import type { ServerKind } from '../contract';
import { startServerContainer } from '../shared';

/** PostgreSQL in a container: the official image by default, the Debian-built PostgreSQL 15 where no registry answers. */
export const postgresServer: ServerKind = {
  serves: 'PostgreSQL',
  defaultPort: 5432,
  image: 'postgres:16',
  localImage: 'dbmatrix-local/postgres:15',
  // 15: the version whose conformance answers are pinned and whose stand-in builds here.
  ciImages: [{ image: 'postgres:15', localImage: 'dbmatrix-local/postgres:15' }],
  // Debian has no PostgreSQL 16 in a suite the mirror serves: its leg runs only where a registry answers.
  versionImages: [
    { image: 'postgres:13', localImage: 'dbmatrix-local/postgres:13' },
    { image: 'postgres:15', localImage: 'dbmatrix-local/postgres:15' },
    { image: 'postgres:16', localImage: null },
    { image: 'postgres:17', localImage: 'dbmatrix-local/postgres:17' },
  ],
  containerPackage: '@testcontainers/postgresql',
  async startContainer(image, options) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = new PostgreSqlContainer(image).withDatabase('dbmatrix').withUsername('dbmatrix').withPassword('dbmatrix');
    return startServerContainer(container, 5432, options, (c) => c.getConnectionUri());
  },
};
