/** The one place image versions live: the image each server adapter starts through Testcontainers by default. */
export const DEFAULT_IMAGES = {
  /** PostgreSQL for the postgres adapter. */
  postgres: 'postgres:16',
  /** MySQL for the mysql adapter (MariaDB works too: DBMATRIX_MYSQL_IMAGE=mariadb:11). */
  mysql: 'mysql:8.4',
} as const;

/** Adapters that can be served from a container. */
export type ContainerAdapter = keyof typeof DEFAULT_IMAGES;

/** The image to start for an adapter: DBMATRIX_<ADAPTER>_IMAGE when set, else the default. */
export function imageFor(adapter: ContainerAdapter, env: NodeJS.ProcessEnv = process.env): string {
  return env[`DBMATRIX_${adapter.toUpperCase()}_IMAGE`] || DEFAULT_IMAGES[adapter];
}
