// Entry points bundled once per change of the TypeScript sources, kept in node_modules/.cache/dbmatrix. Loading one
// bundled file starts the CLI in about 0.45 s where loading the sources through tsx takes 1.2 s, and a worker thread
// in about a third of the time; every `dbmatrix` command and every SQLite writer thread pays that start.
// Plain JavaScript: it runs before any TypeScript loader.
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

/**
 * The package root: the nearest folder up from here whose package.json is dbmatrix's. Found, not assumed, because this
 * file also runs inlined in a bundle that lives under node_modules/.cache.
 */
function packageRoot() {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'dbmatrix') return dir;
    } catch {
      // no package.json here, or not one that parses: keep going up
    }
    if (dirname(dir) === dir) return join(__dirname, '..');
  }
}

const ROOT = packageRoot();

/** Bundles of older sources are removed once this old; younger ones may still be starting in another process. */
const STALE_MS = 10 * 60_000;

/** Folders whose TypeScript goes into a bundle; a change to any file in them makes a new bundle. */
const SOURCE_DIRS = ['adapters', 'api', 'cli', 'config', 'conformance', 'docker', 'driver-paths', 'test-helper', 'matrix', 'model', 'reports', 'servers'];

/**
 * How every bundle is built, here and for the package (packaging/build.js): every package stays external, required from
 * node_modules at run time, so drivers with native code and knex's optional ones are never bundled.
 */
const BUNDLE_OPTIONS = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external' };

/** Every source file with its size and modification time, in a stable order. */
function sourceStamp() {
  const lines = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const s = statSync(path);
        lines.push(`${relative(ROOT, path)} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(ROOT, dir));
  return lines.join('\n');
}

/**
 * The path of a bundle of `entry` (relative to the package root), built when missing. Packages stay external and are
 * required from node_modules, which the cache folder sits inside. Returns null when no bundle can be had (read-only
 * install, no esbuild): the caller then loads the sources through tsx.
 */
function bundleOf(entry) {
  try {
    const esbuild = require('esbuild');
    const key = createHash('sha256').update(`${entry}\n${process.version}\n${esbuild.version}\n${sourceStamp()}`).digest('hex').slice(0, 16);
    const dir = join(ROOT, 'node_modules', '.cache', 'dbmatrix');
    const name = entry.replace(/[/\\]/g, '-').replace(/\.ts$/, '');
    const file = join(dir, `${name}-${key}.js`);
    if (existsSync(file)) return file;
    mkdirSync(dir, { recursive: true });
    const out = esbuild.buildSync({ ...BUNDLE_OPTIONS, entryPoints: [join(ROOT, entry)], write: false, logLevel: 'silent' });
    // Written aside and renamed, so a process starting meanwhile never loads half a file; older bundles of this entry go.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, out.outputFiles[0].text);
    renameSync(partial, file);
    for (const old of readdirSync(dir)) {
      const path = join(dir, old);
      if (old.startsWith(`${name}-`) && path !== file && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    }
    return file;
  } catch {
    return null;
  }
}

module.exports = { ROOT, BUNDLE_OPTIONS, bundleOf };
