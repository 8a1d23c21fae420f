import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';

/** Where the browser came from: the environment variable, Debian's package, or the npm package and its version. */
export type ChromiumSource = 'DBMATRIX_CHROMIUM' | 'debian' | `@sparticuz/chromium ${string}`;

/** A running headless Chromium and what was chosen, so a test can say which browser it ran in. */
export interface LaunchedChromium {
  /** The launched browser; the caller closes it. */
  browser: Browser;
  /** Which of the three places the binary came from. */
  source: ChromiumSource;
  /** The binary that was launched. */
  executablePath: string;
  /** The version the browser itself reports, e.g. "153.0.8010.0". */
  version: string;
}

const ENV = 'DBMATRIX_CHROMIUM';
const DEBIAN = '/usr/bin/chromium';
/** Root in containers rules out the sandbox; the rest keeps a desktop build from reaching the network on its own. */
const DEBIAN_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launch headless Chromium from the first of: $DBMATRIX_CHROMIUM (a path; set but not an executable file is an
 * error, not a fallback), Debian's /usr/bin/chromium, the headless shell inside the npm package @sparticuz/chromium.
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  const { source, executablePath, args } = await choose();
  const browser = await chromium.launch({ executablePath, args, headless: true });
  return { browser, source, executablePath, version: browser.version() };
}

async function choose(): Promise<{ source: ChromiumSource; executablePath: string; args: string[] }> {
  // Empty counts as unset, as `DBMATRIX_CHROMIUM= npx jest` means in a shell.
  const fromEnv = process.env[ENV];
  if (fromEnv) {
    if (!isExecutableFile(fromEnv))
      throw new Error(
        `${ENV} is set to "${fromEnv}", which is not an executable file: point it at a Chromium binary, or unset it to use ${DEBIAN} or else @sparticuz/chromium`,
      );
    return { source: ENV, executablePath: fromEnv, args: DEBIAN_ARGS };
  }
  if (isExecutableFile(DEBIAN)) return { source: 'debian', executablePath: DEBIAN, args: DEBIAN_ARGS };
  return unpackSparticuz();
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Unpack the package's brotli-packed headless shell once per version and machine, and take the package's own flags. */
async function unpackSparticuz(): Promise<{ source: ChromiumSource; executablePath: string; args: string[] }> {
  const entry = require.resolve('@sparticuz/chromium');
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  // The package returns whatever sits at $TMPDIR/chromium, so in the shared /tmp a binary some other version left there
  // (141-150 crash on these machines) would be launched in its place: give each version its own directory instead.
  const dir = join(tmpdir(), `dbmatrix-sparticuz-chromium-${version}`);
  // The package is ESM only, which jest's CommonJS module runtime cannot load; a plain node child can, and TMPDIR
  // steers where it unpacks. It prints the flags too, since they are computed inside the package.
  const script = `const { default: c } = await import(${JSON.stringify(pathToFileURL(entry).href)}); await c.executablePath(); process.stdout.write(JSON.stringify(c.args));`;
  const unpack = async (into: string) =>
    JSON.parse(
      (await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: into } })).stdout,
    ) as string[];
  if (!existsSync(dir)) {
    // Unpacked beside the final place and renamed into it, so a concurrent run never launches a half-written binary.
    const staging = mkdtempSync(`${dir}.partial-`);
    try {
      await unpack(staging);
      renameSync(staging, dir);
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      // Another run renamed its copy into place first; use that one.
      if (!existsSync(join(dir, 'chromium'))) throw e;
    }
  }
  // Already unpacked, so this only reads the flags. All but --single-process (Lambda's answer to its prctl sandbox
  // error): with it the whole browser exits when the test closes its first context.
  const args = (await unpack(dir)).filter((a) => a !== '--single-process');
  return { source: `@sparticuz/chromium ${version}`, executablePath: join(dir, 'chromium'), args };
}
