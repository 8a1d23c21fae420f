import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { ADAPTER_NAMES } from '../adapters/registry';
import { findConfigFile } from '../config/config-file';
import { parseAdapterList, resolveProfiles } from '../config/profiles';
import type { CaseAnswer } from '../conformance/contract';
import { pinsOf, pinsPath, writePins } from '../conformance/pins';
import { runConformance } from '../conformance/run';
import { newRunId } from '../matrix/namespace';
import { UserError } from '../model/user-error';
import { resolveServers } from '../servers/resolve';
import { collect, type ServerImageOptions, type ServerUrlOptions, serverImageOptions, serverImages, serverUrlOptions, serverUrls } from './arguments';
import { sltConformance } from './slt-conformance';

/** Options of `dbmatrix conformance`, as commander parses them. */
interface ConformanceOptions extends ServerUrlOptions, ServerImageOptions {
  /** Adapters to ask, comma-separated. */
  adapter: string;
  /** Write each server's answers as its pins file. */
  pin?: boolean;
  /** Where --pin writes, instead of adapters/<adapter>/pins/<key>.json (one adapter only). */
  out?: string;
  /** Config file for servers and images. */
  config?: string;
  /** Image for a PostgreSQL container. */
  postgresImage?: string;
  /** Image for a MySQL container. */
  mysqlImage?: string;
  /** sqllogictest files or folders to run instead of the cases. */
  slt?: string[];
  /** With --slt: a file of known differences. */
  known?: string;
}

/** A path as a person reads it best: relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** One line per case: id, pin status, answer (and the pinned answer where it differs). */
function answerLines(answers: CaseAnswer[]): string[] {
  const width = Math.max(...answers.map((a) => a.id.length));
  const statusWidth = Math.max(...answers.map((a) => (a.pin ?? '').length));
  return answers.map(
    (a) => `  ${a.id.padEnd(width)}  ${(a.pin ?? '').padEnd(statusWidth)}  ${a.answer}${a.pinnedAnswer !== undefined ? `  (pinned: ${a.pinnedAnswer})` : ''}`,
  );
}

/**
 * Ask each adapter's server the conformance cases with its default profile (the profile the suite pins), and show each
 * answer against the pins of that server's flavour and version; with --pin, write the answers as that pins file.
 * Exit code 1 when, without --pin, an answer differs from its pin.
 */
async function conformanceCommand(opts: ConformanceOptions): Promise<number> {
  const adapters = parseAdapterList(opts.adapter);
  if (opts.slt?.length) {
    if (opts.pin)
      throw new UserError(
        '--pin writes the answers to the conformance cases; a sqllogictest file carries its own expected results: leave --pin out with --slt',
      );
    const config = findConfigFile(opts.config);
    return sltConformance({
      paths: opts.slt,
      adapters,
      urls: serverUrls(opts),
      images: serverImages(opts),
      ...(config ? { config } : {}),
      ...(opts.out ? { out: opts.out } : {}),
      ...(opts.known ? { known: opts.known } : {}),
    });
  }
  if (opts.known) throw new UserError('--known lists known differences of sqllogictest records; give it with --slt');
  if (opts.out && !opts.pin) throw new UserError('--out names the file --pin writes; give --pin too');
  if (opts.out && adapters.length > 1)
    throw new UserError(`--out names one file, but --adapter names ${adapters.length} adapters; pin one at a time with --out`);
  const config = findConfigFile(opts.config);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // --out names one file: one server per adapter then.
  const resolved = await resolveServers(adapters, {
    urls: serverUrls(opts),
    images: serverImages(opts),
    config: { servers: config?.servers, images: config?.images },
    log,
    oneEach: opts.out ? 'conformance --out' : undefined,
  });
  const runId = newRunId();
  const sqliteDir = mkdtempSync(join(tmpdir(), `dbmatrix-${runId}-`));
  let differing = 0;
  try {
    for (const adapter of adapters) {
      const [profile] = resolveProfiles({ adapters: [adapter] });
      for (const server of resolved.servers[adapter] ?? [{ url: join(sqliteDir, 'conformance.db'), provider: 'file' as const }]) {
        const run = await runConformance(profile!, server, runId);
        const name = server.label ? `${adapter} @ ${server.label}` : adapter;
        if (opts.pin && !run.server)
          throw new UserError(`cannot pin ${name}: its server reports '${run.serverVersion}', which names no flavour and version this project knows`);
        const file = run.server ? pinsPath(run.server) : undefined;
        const where = run.server
          ? `${run.server.flavour} ${run.server.version}, ${run.pinned ? `pinned in ${shown(file!)}` : 'not pinned'}`
          : 'flavour unknown, not pinned';
        process.stdout.write(
          `${name}: ${run.serverVersion} (${where}), profile ${profile!.name}, ${run.answers.length} cases\n${answerLines(run.answers).join('\n')}\n`,
        );
        const changed = run.answers.filter((a) => a.pin === 'differs from pin');
        differing += changed.length;
        if (opts.pin) {
          const target = opts.out ? resolve(opts.out) : file!;
          writePins(target, pinsOf(adapter, run.server!, run.serverVersion, profile!.name, run.answers));
          const before = run.pinned
            ? `; ${changed.length} answer(s) differ from ${shown(file!)}${changed.length ? `: ${changed.map((a) => a.id).join(', ')}` : ''}`
            : '; there were no pins for it';
          process.stdout.write(`wrote ${shown(target)} (${run.answers.length} answers of ${run.server!.flavour} ${run.server!.version}${before})\n`);
        } else if (changed.length) {
          process.stdout.write(
            `${changed.length} answer(s) differ from the pins of ${run.server!.flavour} ${run.server!.version}; if the new answers are right, pin them with --pin\n`,
          );
        }
      }
    }
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
    await resolved.release();
  }
  return !opts.pin && differing > 0 ? 1 : 0;
}

/** Add `dbmatrix conformance` to the program. */
export function addConformanceCommand(program: Command): void {
  serverImageOptions(serverUrlOptions(program.command('conformance')))
    .description(
      "ask each adapter's server the conformance cases (default profile) and show each answer against the pins of its flavour and version; --pin writes them as adapters/<adapter>/pins/<flavour>-<version>.json. With --slt: run sqllogictest files on each database instead, and say where each fails and where the databases disagree",
    )
    .requiredOption('-a, --adapter <names>', `adapters whose servers to ask, comma-separated (${ADAPTER_NAMES.join(', ')})`)
    .option('--pin', "write each server's answers as its pins file, to commit")
    .option(
      '--slt <file or folder>',
      "run sqllogictest files (a folder: every .test file under it) on each adapter's servers instead of the cases, and write results.json; repeatable",
      collect,
      [],
    )
    .option('--known <file>', 'with --slt: JSON file of known differences (file, lines, engines, cause); a failure it explains does not fail the run')
    .option(
      '-o, --out <path>',
      'with --pin and one adapter: write the pins file here instead (default: adapters/<adapter>/pins/<flavour>-<version>.json, or under DBMATRIX_CONFORMANCE_PINS); with --slt: the directory for results.json (default: dbmatrix-runs/<time>-slt-<run id>)',
    )
    .option('-c, --config <file>', 'config file for servers and images (default: dbmatrix.config.* in the working directory)')
    .action(async (opts: ConformanceOptions) => {
      process.exitCode = await conformanceCommand(opts);
    });
}
