// A config file: `npx dbmatrix run` finds dbmatrix.config.ts (or .js, .json) in the working directory, or take this one
// with --config examples/dbmatrix.config.ts. Flags on the command line win over what is here.
import { defineConfig } from 'dbmatrix';

export default defineConfig({
  adapters: ['sqlite', 'postgres', 'mysql'],
  // Built-in workloads by name, your own by path (relative to this file).
  workloads: ['read-point', 'crud-mix', './workloads/transfers.ts', './workloads/orders.yaml'],
  // A profile of your own: the default PostgreSQL one with a bigger pool and skewed keys.
  profiles: {
    'postgres-wide': { extends: 'postgres-default', workers: 32, pool: { max: 32 }, keyDistribution: 'zipfian' },
  },
  // Run named profiles instead of each adapter's default:
  // runProfiles: ['sqlite-wal', 'postgres-wide', 'mysql-default'],
  set: { 'sqlite.workers': 4 },
  // Servers; without them, DBMATRIX_POSTGRES_URL / DBMATRIX_MYSQL_URL, else Testcontainers.
  servers: { postgres: 'postgres://postgres@127.0.0.1:5432/test', mysql: 'mysql://root@127.0.0.1:3306/test' },
  duration: '10s',
});
