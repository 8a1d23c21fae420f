import knexFactory, { type Knex } from 'knex';
import type { GenericContainer, StartedTestContainer } from 'testcontainers';
import type { ContainerStart, PoolSettings, Profile, RunningContainer } from './contract';

/** Profile values every adapter starts from; each adds its name, description and session, and overrides what differs. */
export const PROFILE_BASE = {
  /** Chosen by `dbmatrix tune` here (docs/methodology.md, "Defaults"): crud-mix peaked at 8 workers on PostgreSQL and MariaDB, high-volume inserts were flat from 4 to 16. */
  workers: 8,
  batchSize: 500,
  transactionBatchSize: 100,
  /** One connection per worker, so pool waits measure contention, not a short pool. */
  pool: { min: 0, max: 8, idleTimeoutMs: 30_000, acquireTimeoutMs: 10_000 },
  /** Deadlocks and serialization failures are normal under contention: retry them like a careful client. */
  retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 500, maxElapsedMs: 30_000 },
  backpressureErrorRate: 0.5,
  adaptive: { enabled: false, minRows: 10, maxRows: 10_000, targetLatencyMs: 50 },
  /** The query builder, as most applications run; `prepared` measures the driver without it. */
  driverPath: 'knex',
  /** One event loop; the diagnosis says when it saturates and how many threads to try. */
  clientThreads: 1,
  /** Every key equally likely; zipfian and latest concentrate reads and updates on a few keys. */
  keyDistribution: 'uniform',
} satisfies Omit<Profile, 'name' | 'adapter' | 'description' | 'session'>;

/** A driver connection that runs a query with a callback (pg and mysql2 both do). */
export interface CallbackConnection {
  query(sql: string, cb: (err: Error | null) => void): void;
}

/** knex/tarn pool settings from a profile, running `statements` in order on every new connection. */
export function sessionPool(pool: PoolSettings, statements: string[]): Knex.PoolConfig {
  return {
    min: pool.min,
    max: pool.max,
    idleTimeoutMillis: pool.idleTimeoutMs,
    acquireTimeoutMillis: pool.acquireTimeoutMs,
    afterCreate(conn: CallbackConnection, done: (err: Error | null, conn: unknown) => void) {
      const next = (i: number) => {
        if (i === statements.length) return done(null, conn);
        conn.query(statements[i]!, (err) => (err ? done(err, conn) : next(i + 1)));
      };
      next(0);
    },
  };
}

/** Run `work` on a knex of one connection from `config` (session settings and all), then close it: for a few statements outside any run. */
export async function onOneConnection<T>(config: Knex.Config, work: (knex: Knex) => Promise<T>): Promise<T> {
  const knex = knexFactory({ ...config, pool: { ...config.pool, min: 0, max: 1 } });
  try {
    return await work(knex);
  } finally {
    await knex.destroy();
  }
}

/**
 * Start a server's container with what every one gets (the owner's labels, its port published, the start-up timeout),
 * and keep what the run needs of it: its URL, restart and stop.
 */
export async function startServerContainer<Started extends StartedTestContainer>(
  container: Pick<GenericContainer, 'withLabels' | 'withExposedPorts' | 'withStartupTimeout'> & { start(): Promise<Started> },
  port: number,
  options: ContainerStart,
  url: (started: Started) => string,
): Promise<RunningContainer> {
  const { labels, hostPort, startupTimeoutMs } = options;
  // The builder's methods configure it in place.
  container
    .withLabels(labels)
    .withExposedPorts(hostPort ? { container: port, host: hostPort } : port)
    .withStartupTimeout(startupTimeoutMs);
  const c = await container.start();
  return { url: url(c), restart: () => c.restart(), stop: async () => void (await c.stop()) };
}
