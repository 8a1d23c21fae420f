import type { DbmatrixConfig } from '../config/config-file';

/** Type a dbmatrix.config.ts: `export default defineConfig({ adapters: ['postgres'], workloads: ['./orders.ts'] })`. */
export function defineConfig(config: DbmatrixConfig): DbmatrixConfig {
  return config;
}
