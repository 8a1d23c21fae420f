/** The one place image versions live: the image each server adapter starts through Testcontainers by default. */
export const DEFAULT_IMAGES = {
  /** PostgreSQL for the postgres adapter. */
  postgres: 'postgres:16',
  /** MySQL for the mysql adapter (MariaDB works too: DBMATRIX_MYSQL_IMAGE=mariadb:11). */
  mysql: 'mysql:8.4',
} as const;

/** A third server flavour for the mysql adapter. */
export const MARIADB_IMAGE = 'mariadb:11';

/** Stand-ins built from Debian's packages by docker/local/build-local-images.sh, for machines without a registry. */
export const LOCAL_IMAGES = {
  /** PostgreSQL 15, honouring POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB. */
  postgres: 'dbmatrix-local/postgres:15',
  /** MariaDB 10.11, honouring the MYSQL_* and MARIADB_* variables. */
  mysql: 'dbmatrix-local/mariadb:10.11',
} as const;

/** Adapters that can be served from a container. */
export type ContainerAdapter = keyof typeof DEFAULT_IMAGES;

/** The variable that names an adapter's image. */
export function imageVariable(adapter: ContainerAdapter): string {
  return `DBMATRIX_${adapter.toUpperCase()}_IMAGE`;
}

/**
 * Images to try, in order: DBMATRIX_<ADAPTER>_IMAGE alone when set; else the official image, then the local
 * stand-in. The first one present on the machine is used, so a machine without a registry reuses what it built.
 */
export function imageCandidates(adapter: ContainerAdapter, env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = env[imageVariable(adapter)];
  return chosen ? [chosen] : [DEFAULT_IMAGES[adapter], LOCAL_IMAGES[adapter]];
}
