import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { AdapterName } from '../../adapters/registry';
import { resolveProfiles } from '../../config/profiles';
import { serverIdentity, serverVersionVariable } from '../../conformance/identity';
import { pinCommand, pinsOf, pinsPath, readPins, writePins } from '../../conformance/pins';
import { CONFORMANCE_CASES } from '../../conformance/registry';
import { type ConformanceRun, runConformance } from '../../conformance/run';
import { newRunId } from '../../matrix/namespace';
import { serverFor } from '../support/cells';

/** The checkout, which paths in messages are relative to. */
const ROOT = resolve(__dirname, '../..');

/** Where the answers of a server without pins are recorded, as a pins file; test-artifacts/ is git-ignored, and CI uploads it. */
const RECORDED = join(ROOT, 'test-artifacts', 'conformance');

/**
 * The version string of the server the adapter reaches, known while jest declares tests: the global setup exports each
 * server's, and SQLite's comes from better-sqlite3 at once (the adapter's knex runs the very same library).
 */
function declaredServerVersion(adapter: AdapterName): string {
  if (adapter === 'sqlite') {
    const db = new Database(':memory:');
    try {
      return `SQLite ${(db.prepare('select sqlite_version() as v').get() as { v: string }).v}`;
    } finally {
      db.close();
    }
  }
  const version = process.env[serverVersionVariable(adapter)];
  if (!version) throw new Error(`${serverVersionVariable(adapter)} is not set: the suite's global setup exports each server's version`);
  return version;
}

/**
 * Every case put to the adapter's database with its default profile. With pins for the server's flavour and version
 * (adapters/<adapter>/pins/<key>.json), each answer must be the pinned one: a server or driver upgrade that changes an answer
 * fails the test that names the case, and if the new answer is right, `dbmatrix conformance --pin` re-pins it. Without
 * pins, the answers are recorded, neither passed nor failed: one test checks that every case answered, writes them to
 * test-artifacts/conformance/<key>.json and says how to pin them. Never a skip: under CI=true a skip fails the run.
 */
export function describeConformance(adapter: AdapterName): void {
  const reported = declaredServerVersion(adapter);
  const identity = serverIdentity(adapter, reported);
  const pins = readPins(identity);
  const [profile] = resolveProfiles({ adapters: [adapter] });
  describe(`${adapter}: conformance on ${identity.flavour} ${identity.version}`, () => {
    let run: ConformanceRun;
    const answerOf = (id: string) => run.answers.find((a) => a.id === id)?.answer;
    beforeAll(async () => {
      const dir = adapter === 'sqlite' ? mkdtempSync(join(tmpdir(), 'dbmatrix-conformance-')) : undefined;
      try {
        const server = serverFor(adapter) ?? { url: join(dir!, 'conformance.db'), provider: 'file' as const };
        run = await runConformance(profile!, server, newRunId());
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
      // The tests were chosen for the version declared; another server answering would be held against the wrong pins.
      if (run.serverVersion !== reported) throw new Error(`tests were declared for '${reported}', but '${run.serverVersion}' answered`);
    }, 120_000);

    if (pins) {
      const file = relative(ROOT, pinsPath(identity));
      test(`${adapter}: ${file} was measured with ${profile!.name} and pins only cases that exist`, () => {
        expect(pins.profile).toBe(profile!.name);
        const ids = new Set(CONFORMANCE_CASES.map((c) => c.id));
        expect(Object.keys(pins.answers).filter((id) => !ids.has(id))).toEqual([]);
      });
      test.each(CONFORMANCE_CASES.map((c) => [c.id, c.title]))(`${adapter} answers %s (%s) as pinned`, (id) => {
        expect(answerOf(id)).toBe(pins.answers[id]);
      });
    } else {
      test(`${adapter} answers every case on ${identity.flavour} ${identity.version}, which has no pins: answers recorded, neither passed nor failed`, () => {
        expect(run.answers.map((a) => a.id)).toEqual(CONFORMANCE_CASES.map((c) => c.id));
        for (const a of run.answers) expect({ id: a.id, answered: typeof a.answer === 'string' && a.answer.length > 0 }).toEqual({ id: a.id, answered: true });
        const file = join(RECORDED, `${identity.key}.json`);
        writePins(file, pinsOf(adapter, identity, run.serverVersion, profile!.name, run.answers));
        const shown = relative(ROOT, file);
        process.stderr.write(
          `${identity.flavour} ${identity.version}: conformance answers not pinned (${run.answers.length} cases recorded in ${shown}); to pin them run: ${pinCommand(adapter, serverFor(adapter))}\n`,
        );
      });
    }
  });
}
