import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { redactedUrl, type ServerAddress } from '../adapters/contract';
import { ADAPTER_NAMES, type AdapterName, adapterFor, FLAVOURS } from '../adapters/registry';
import { imageVariable } from '../docker/images';
import { describeEnvironment } from '../model/environment';
import { formatIssues, UserError } from '../model/user-error';
import { ROOT } from '../packaging/bundle-cache';
import type { CaseAnswer, ServerIdentity } from './contract';

/** The variable that points the pins lookup (and `dbmatrix conformance --pin`) at one folder for every flavour instead of adapters/<adapter>/pins. */
export const PINS_DIR_VARIABLE = 'DBMATRIX_CONFORMANCE_PINS';

/** A pins file, adapters/<adapter>/pins/<flavour>-<version>.json: the answers one server flavour and version gave, measured, never written by hand. */
export const pinsFileSchema = z
  .object({
    /** The server flavour measured. */
    flavour: z.string().refine((f) => FLAVOURS.includes(f), { message: `expected a known server flavour (${FLAVOURS.join(', ')})` }),
    /** Its version at pinning granularity (see serverIdentity). */
    version: z.string().min(1),
    /** The version string the server reported when measured, in full. */
    serverVersion: z.string().min(1),
    /** The profile whose session settings the connections had: pins hold for that profile only. */
    profile: z.string().min(1),
    /** Versions of knex and the driver that measured, by package. */
    measuredWith: z.record(z.string(), z.string()),
    /** Each case's answer, canonical, by case id, in case order. */
    answers: z.record(z.string(), z.string()),
  })
  .strict();

/** A parsed pins file. */
export type PinsFile = z.infer<typeof pinsFileSchema>;

/** A pins file that cannot be used: one line naming it, for a person to fix or delete and pin again. */
export class PinsFileError extends UserError {
  override name = 'PinsFileError';
}

/** The folder the pins of a flavour live in: DBMATRIX_CONFORMANCE_PINS for every flavour when set, else adapters/<adapter>/pins of the adapter that reaches it. */
export function pinsDir(flavour: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[PINS_DIR_VARIABLE];
  if (override) return resolve(override);
  const adapter = ADAPTER_NAMES.find((name) => adapterFor(name).flavours.includes(flavour));
  if (!adapter) throw new PinsFileError(`no adapter reaches a server of flavour '${flavour}' (known: ${FLAVOURS.join(', ')})`);
  return join(ROOT, 'adapters', adapter, 'pins');
}

/** Where the pins of a server flavour and version are (or would be). */
export function pinsPath(identity: ServerIdentity, env: NodeJS.ProcessEnv = process.env): string {
  return join(pinsDir(identity.flavour, env), `${identity.key}.json`);
}

/** The pins of a server flavour and version; undefined when none are; a file that does not parse, or pins another server, throws. */
export function readPins(identity: ServerIdentity, env: NodeJS.ProcessEnv = process.env): PinsFile | undefined {
  const file = pinsPath(identity, env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PinsFileError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PinsFileError(`${file} is not JSON (${(err as Error).message}); fix it, or delete it and pin again`);
  }
  const parsed = pinsFileSchema.safeParse(json);
  if (!parsed.success) throw new PinsFileError(`${file} is not a pins file (${formatIssues(parsed.error.issues)}); fix it, or delete it and pin again`);
  const pins = parsed.data;
  if (pins.flavour !== identity.flavour || pins.version !== identity.version) {
    throw new PinsFileError(`${file} pins ${pins.flavour} ${pins.version}, not ${identity.flavour} ${identity.version}: its name and content disagree`);
  }
  return pins;
}

/** Each answer with its pin status against `pins` (undefined: none apply, so every answer is 'not pinned'). */
export function applyPins(answers: CaseAnswer[], pins: PinsFile | undefined): CaseAnswer[] {
  return answers.map((a) => {
    const pinned = pins && Object.hasOwn(pins.answers, a.id) ? pins.answers[a.id] : undefined;
    if (pinned === undefined) return { ...a, pin: 'not pinned' };
    return pinned === a.answer ? { ...a, pin: 'as pinned' } : { ...a, pin: 'differs from pin', pinnedAnswer: pinned };
  });
}

/** The pins file of a measured run: what `dbmatrix conformance --pin` writes and the suite records for an unpinned server. */
export function pinsOf(
  adapter: AdapterName,
  identity: ServerIdentity,
  serverVersion: string,
  profile: string,
  answers: Pick<CaseAnswer, 'id' | 'answer'>[],
): PinsFile {
  const { packages } = describeEnvironment();
  const measuredWith = Object.fromEntries(['knex', adapterFor(adapter).client].map((p) => [p, packages[p] ?? 'missing']));
  return {
    flavour: identity.flavour,
    version: identity.version,
    serverVersion,
    profile,
    measuredWith,
    answers: Object.fromEntries(answers.map((a) => [a.id, a.answer])),
  };
}

/** Write a pins file (folders made as needed), as committed: two-space JSON and a final newline. */
export function writePins(file: string, pins: PinsFile): void {
  const text = `${JSON.stringify(pinsFileSchema.parse(pins), null, 2)}\n`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (err) {
    throw new PinsFileError(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/** The command that pins the conformance answers of the server an adapter reached, for a person to paste. */
export function pinCommand(adapter: AdapterName, server: ServerAddress | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const words = ['npx', 'dbmatrix', 'conformance', '--pin', '--adapter', adapter];
  if (server?.provider === 'url') words.push(`--${adapter}-url`, redactedUrl(server.url));
  const image = adapterFor(adapter).server ? env[imageVariable(adapter)] : undefined;
  if (server?.provider === 'testcontainers' && image) words.push(`--${adapter}-image`, image);
  return words.map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back unchanged. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
