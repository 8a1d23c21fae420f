import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleOf, ROOT } from '../packaging/bundle-cache';

/** How to start a worker thread: the script and the Node flags it needs. */
export interface ThreadEntry {
  /** Script the thread runs. */
  file: string;
  /** execArgv of the thread. */
  execArgv: string[];
}

let entry: ThreadEntry | undefined;

/**
 * The worker-thread entry as one bundled JavaScript file (packaging/bundle-cache.js). A thread that loads it starts in about
 * a third of the time one loading the TypeScript sources through tsx takes (10 threads: 1.3 s against 3.9 s here),
 * which is most of a cell's setup when SQLite runs 20 or 50 writer threads. Without a bundle the threads still run,
 * only slower to start.
 */
export function threadEntry(): ThreadEntry {
  if (entry) return entry;
  // An installed package has no sources, only the entry packaging/build.js put in dist/.
  const source = join(ROOT, 'matrix', 'worker-thread.ts');
  if (!existsSync(source)) return (entry = { file: join(ROOT, 'dist', 'worker-thread.js'), execArgv: [] });
  const bundle = bundleOf('matrix/worker-thread.ts');
  entry = bundle ? { file: bundle, execArgv: [] } : { file: source, execArgv: ['--require', 'tsx/cjs'] };
  return entry;
}
