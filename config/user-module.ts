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
    throw new UserError(`${what} ${path} failed to load: ${loadFailure(err, path)}`);
  }
}

/**
 * Why a module did not load, in one line an editor can jump from: a compile error as file:line:column and esbuild's
 * message (its first; esbuild counts columns from 0, editors from 1), a thrown error with the place in the module it
 * came from.
 */
function loadFailure(err: unknown, path: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const [first, second] = message.split('\n');
  const compile = /^Transform failed with (\d+) errors?:$/.exec(first ?? '');
  const at = compile && /^(.*):(\d+):(\d+): ERROR: (.*)$/.exec(second ?? '');
  if (compile && at) {
    const more = Number(compile[1]) > 1 ? ` (and ${Number(compile[1]) - 1} more error(s))` : '';
    return `${at[1]}:${at[2]}:${Number(at[3]) + 1}: ${at[4]}${more}`;
  }
  const frame = err instanceof Error ? err.stack?.split('\n').find((line) => line.includes(path)) : undefined;
  const where = frame && /\(?([^()\s]+:\d+:\d+)\)?$/.exec(frame.trim());
  return `${first}${where ? ` (at ${where[1]})` : ''}`;
}

/** A module's default export (ES or transpiled), else the module itself. */
export function defaultExport(mod: Record<string, unknown>): unknown {
  const d = mod.default as Record<string, unknown> | undefined;
  return d?.default ?? d ?? undefined;
}
