import { createRequire } from 'node:module';
import { UserError } from '../model/user-error';

let registered = false;

/**
 * Load a user's module (a workload or a config file) in TypeScript or JavaScript. tsx is registered once, for the real
 * Node loader: the module is required through createRequire, outside any test runner's module registry, in the main
 * thread and in worker threads alike. What it exports comes back as a plain object.
 */
export function requireUserModule(path: string, what: string): Record<string, unknown> {
  if (!registered) {
    (require('tsx/cjs/api') as { register(): unknown }).register();
    registered = true;
  }
  try {
    return createRequire(path)(path) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`${what} ${path} failed to load: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** A module's default export (ES or transpiled), else the module itself. */
export function defaultExport(mod: Record<string, unknown>): unknown {
  const d = mod.default as Record<string, unknown> | undefined;
  return d?.default ?? d ?? undefined;
}
