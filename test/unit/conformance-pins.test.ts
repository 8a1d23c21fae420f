import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADAPTER_NAMES, type AdapterName, adapterFor } from '../../adapters/registry';
import type { CaseAnswer } from '../../conformance/contract';
import { serverIdentity, UnrecognisedServerError } from '../../conformance/identity';
import { applyPins, PINS_DIR_VARIABLE, PinsFileError, pinCommand, pinsDir, pinsOf, readPins, writePins } from '../../conformance/pins';
import { CONFORMANCE_CASES } from '../../conformance/registry';
import { answerText, pinsText } from '../../reports/conformance-matrix';

const ROOT = join(__dirname, '..', '..');

describe('serverIdentity: flavour and pinned version from the version string a server reports', () => {
  // Measured here: PostgreSQL 15, MariaDB 10.11 and better-sqlite3 12's SQLite; the others as their images and docs print them.
  test.each<[AdapterName, string, string]>([
    ['postgres', 'PostgreSQL 15.20 (Debian 15.20-0+deb12u1)', 'postgres-15'],
    ['postgres', 'PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2)', 'postgres-16'],
    ['postgres', 'PostgreSQL 17beta1', 'postgres-17'],
    ['postgres', 'PostgreSQL 9.6.24', 'postgres-9.6'],
    ['mysql', 'MariaDB 10.11.19-MariaDB-0+deb12u1', 'mariadb-10.11'],
    ['mysql', '10.11.19-MariaDB-0+deb12u1', 'mariadb-10.11'],
    ['mysql', '5.5.5-10.11.6-MariaDB', 'mariadb-10.11'],
    ['mysql', 'MariaDB 11.4.3-MariaDB-ubu2404', 'mariadb-11.4'],
    ['mysql', 'MySQL 8.4.3', 'mysql-8.4'],
    ['mysql', '8.4.3-standard', 'mysql-8.4'],
    ['mysql', 'MySQL 8.0.36-0ubuntu0.22.04.1', 'mysql-8.0'],
    ['mysql', '9.1.0', 'mysql-9.1'],
    ['sqlite', 'SQLite 3.53.2', 'sqlite-3.53'],
    ['sqlite', '3.45.1', 'sqlite-3.45'],
  ])('%s reporting %s is %s', (adapter, reported, key) => {
    const id = serverIdentity(adapter, reported);
    expect(id.key).toBe(key);
    expect(`${id.flavour}-${id.version}`).toBe(key);
  });

  test.each<[AdapterName, string]>([
    ['postgres', 'CockroachDB CCL v23.1.11'],
    ['postgres', 'PostgreSQL 9'],
    ['mysql', 'MySQL'],
    ['sqlite', 'SQLite ?'],
  ])('%s reporting %s names no version: an error that quotes it', (adapter, reported) => {
    expect(() => serverIdentity(adapter, reported)).toThrow(UnrecognisedServerError);
    expect(() => serverIdentity(adapter, reported)).toThrow(`'${reported}'`);
  });
});

describe('pins files', () => {
  let dir: string;
  const env = () => ({ [PINS_DIR_VARIABLE]: dir });
  const mariadb = serverIdentity('mysql', 'MariaDB 10.11.19-MariaDB-0+deb12u1');
  const answer = (id: string, value: string): CaseAnswer => ({ id, outcome: 'same', answer: value, reference: value });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dbmatrix-pins-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('every committed pins file parses, is named after its flavour and version, sits with its adapter and pins only cases that exist', () => {
    // Each adapter's pins folder, holding the flavours that adapter reaches only.
    const files = ADAPTER_NAMES.flatMap((name) => {
      const folder = join(ROOT, 'adapters', name, 'pins');
      return existsSync(folder) ? readdirSync(folder).map((f) => ({ name, f })) : [];
    });
    expect(files.map((x) => x.f).sort()).toEqual(expect.arrayContaining(['mariadb-10.11.json', 'postgres-15.json', 'sqlite-3.53.json']));
    const ids = new Set(CONFORMANCE_CASES.map((c) => c.id));
    for (const { name, f } of files) {
      const [, flavour, version] = /^([a-z]+)-(.+)\.json$/.exec(f)!;
      expect(adapterFor(name).flavours).toContain(flavour);
      expect(pinsDir(flavour!, {})).toBe(join(ROOT, 'adapters', name, 'pins'));
      const pins = readPins({ flavour: flavour!, version: version!, key: `${flavour}-${version}` }, {})!;
      expect(Object.keys(pins.answers).filter((id) => !ids.has(id))).toEqual([]);
    }
  });

  test('written and read back whole; none for a version without a file', () => {
    const pins = pinsOf('mysql', mariadb, 'MariaDB 10.11.19-MariaDB-0+deb12u1', 'mysql-default', [answer('time.fraction', '"13:14:15"')]);
    writePins(join(dir, `${mariadb.key}.json`), pins);
    expect(readPins(mariadb, env())).toEqual(pins);
    expect(pins.measuredWith).toEqual({ knex: expect.any(String), mysql2: expect.any(String) });
    expect(readPins(serverIdentity('mysql', '8.4.3'), env())).toBeUndefined();
  });

  test('a file that is not JSON, not a pins file, or pins another version is one clear error naming it', () => {
    const file = join(dir, `${mariadb.key}.json`);
    writeFileSync(file, '{"flavour":');
    expect(() => readPins(mariadb, env())).toThrow(PinsFileError);
    writeFileSync(file, JSON.stringify({ flavour: 'mariadb', version: '10.11', answers: {} }));
    expect(() => readPins(mariadb, env())).toThrow(/is not a pins file \(serverVersion: /);
    writePins(file, pinsOf('mysql', serverIdentity('mysql', 'MariaDB 11.4.3-MariaDB'), 'MariaDB 11.4.3-MariaDB', 'mysql-default', []));
    expect(() => readPins(mariadb, env())).toThrow(`${file} pins mariadb 11.4, not mariadb 10.11`);
  });

  test('each answer is as pinned, differs from its pin (which it names), or not pinned', () => {
    const pins = pinsOf('mysql', mariadb, 'MariaDB 10.11.19', 'mysql-default', [answer('a.same', '1'), answer('a.changed', '"13:14:15"')]);
    const held = applyPins([answer('a.same', '1'), answer('a.changed', '"13:14:16"'), answer('a.new', '0')], pins);
    expect(held.map((a) => [a.id, a.pin, a.pinnedAnswer])).toEqual([
      ['a.same', 'as pinned', undefined],
      ['a.changed', 'differs from pin', '"13:14:15"'],
      ['a.new', 'not pinned', undefined],
    ]);
    expect(applyPins([answer('a.same', '1')], undefined)[0]!.pin).toBe('not pinned');
  });

  test('the pin command names the server the suite reached, password hidden, quoted for a shell', () => {
    expect(pinCommand('sqlite', undefined, {})).toBe('npx dbmatrix conformance --pin --adapter sqlite');
    expect(pinCommand('mysql', { url: 'mysql://root@127.0.0.1:3306/test', provider: 'url' }, {})).toBe(
      'npx dbmatrix conformance --pin --adapter mysql --mysql-url mysql://root@127.0.0.1:3306/test',
    );
    expect(pinCommand('postgres', { url: 'postgres://u:secret@db:5432/t', provider: 'url' }, {})).toBe(
      "npx dbmatrix conformance --pin --adapter postgres --postgres-url 'postgres://u:***@db:5432/t'",
    );
    expect(pinCommand('mysql', { url: 'mysql://x@127.0.0.1:1/t', provider: 'testcontainers' }, { DBMATRIX_MYSQL_IMAGE: 'mysql:8.4' })).toBe(
      'npx dbmatrix conformance --pin --adapter mysql --mysql-image mysql:8.4',
    );
  });
});

describe('conformance matrix text', () => {
  const base = { id: 'time.fraction', outcome: 'different' as const, answer: '"13:14:16"', reference: '"13:14:15.5"' };

  test('keeps the judgement against the reference, and adds the pin status: nothing when as pinned', () => {
    expect(answerText(base)).toBe('≠ "13:14:16"');
    expect(answerText({ ...base, pin: 'as pinned' })).toBe('≠ "13:14:16"');
    expect(answerText({ ...base, pin: 'not pinned' })).toBe('≠ "13:14:16" · not pinned');
    expect(answerText({ ...base, pin: 'differs from pin', pinnedAnswer: '"13:14:15"' })).toBe('≠ "13:14:16" · ❌ differs from pin "13:14:15"');
    expect(answerText({ ...base, outcome: 'same', answer: base.reference, pin: 'not pinned' })).toBe('✅ · not pinned');
  });

  test('says which server answered and whether its answers are pinned; a file from before pins shows the version alone', () => {
    const t = { adapter: 'mysql', profile: 'mysql-default', serverVersion: 'MySQL 8.4.3', answers: [{ ...base, pin: 'not pinned' as const }] };
    expect(pinsText(t)).toBe('MySQL 8.4.3');
    expect(pinsText({ ...t, server: serverIdentity('mysql', '8.4.3'), pinned: false })).toBe(
      'MySQL 8.4.3 (mysql 8.4): not pinned, its answers are recorded and neither pass nor fail',
    );
    const pinned = { ...t, server: serverIdentity('mysql', '8.4.3'), pinned: true };
    expect(pinsText({ ...pinned, answers: [{ ...base, pin: 'as pinned' }] })).toBe('MySQL 8.4.3 (mysql 8.4): pinned, every answer as pinned');
    expect(pinsText({ ...pinned, answers: [{ ...base, pin: 'differs from pin', pinnedAnswer: '1' }] })).toBe(
      'MySQL 8.4.3 (mysql 8.4): pinned, ❌ 1 answer(s) differ from the pins',
    );
  });
});
