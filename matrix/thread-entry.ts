import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The worker-thread entry in TypeScript: what a thread runs when no bundle could be built. */
const SOURCE = join(__dirname, 'worker-thread.ts');

/** Packages with native code or optional drivers: loaded from node_modules at run time, never bundled. */
const NATIVE_PACKAGES = ['better-sqlite3', 'pg-native', 'cpu-features', 'ssh2', 'sqlite3', 'oracledb', 'tedious', 'mysql', 'mariadb', 'pg-query-stream'];
const NATIVE = new RegExp(`^(${NATIVE_PACKAGES.join('|')})(/|$)`);

/** How to start a worker thread: the script and the Node flags it needs. */
export interface ThreadEntry {
  /** Script the thread runs. */
  file: string;
  /** execArgv of the thread. */
  execArgv: string[];
}

/** Native packages stay external, required by the absolute path they resolve to here, so the bundle can live in a temp dir. */
function requireNativeAbsolutely(code: string): string {
  return code.replace(/require\("([^"]+)"\)/g, (call, name: string) => {
    if (!NATIVE.test(name)) return call;
    try {
      return `require(${JSON.stringify(require.resolve(name))})`;
    } catch {
      // An optional driver that is not installed: left as is, so requiring it fails as it would have unbundled.
      return call;
    }
  });
}

let entry: ThreadEntry | undefined;
let bundleDir: string | undefined;

/**
 * The worker-thread entry as one JavaScript file, built once per process. A thread that loads it starts in about a
 * third of the time one loading the TypeScript sources through tsx takes (10 threads: 1.3 s against 3.9 s here), which
 * is most of a cell's setup when SQLite runs 20 or 50 writer threads.
 */
export function threadEntry(): ThreadEntry {
  if (entry) return entry;
  try {
    bundleDir = mkdtempSync(join(tmpdir(), 'dbmatrix-thread-'));
    const file = join(bundleDir, 'worker-thread.js');
    const out = buildSync({ entryPoints: [SOURCE], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, external: NATIVE_PACKAGES.flatMap((p) => [p, `${p}/*`]), logLevel: 'silent' });
    writeFileSync(file, requireNativeAbsolutely(out.outputFiles[0]!.text));
    process.once('exit', () => rmSync(bundleDir!, { recursive: true, force: true }));
    entry = { file, execArgv: [] };
  } catch {
    // Without a bundle the threads still run, only slower to start.
    entry = { file: SOURCE, execArgv: ['--require', 'tsx/cjs'] };
  }
  return entry;
}
