import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADAPTER_NAMES } from '../../adapters/registry';
import { loadConfigFile, parseAdapterList, resolveProfiles } from '../../config/profiles';
import { UserError } from '../../model/user-error';

const resolveOne = (settings: string[], adapter: 'sqlite' | 'postgres' | 'mysql' = 'sqlite') => resolveProfiles({ adapters: [adapter], settings })[0]!;

describe('profiles', () => {
  test('every adapter has a valid default profile', () => {
    const profiles = resolveProfiles({ adapters: [...ADAPTER_NAMES] });
    expect(profiles.map((p) => p.name)).toEqual(['sqlite-wal', 'postgres-default', 'mysql-default']);
  });

  test('--set reaches top-level, pool, adaptive and session values, and matches enum values case-insensitively', () => {
    const p = resolveOne([
      'sqlite.journal_mode=delete',
      'sqlite.workers=20',
      'sqlite.pool.acquireTimeoutMs=500',
      'sqlite.adaptive.enabled=off',
      'sqlite.session.busy_timeout=0',
    ]);
    expect(p.session).toMatchObject({ journal_mode: 'DELETE', busy_timeout: 0 });
    expect(p).toMatchObject({ workers: 20, pool: { acquireTimeoutMs: 500 }, adaptive: { enabled: false } });
  });

  test('an adapter-wide override applies to all its profiles; a profile override to that profile only', () => {
    const [wal, del] = resolveProfiles({
      adapters: [],
      profiles: ['sqlite-wal', 'sqlite-delete'],
      settings: ['sqlite.workers=3', 'sqlite-delete.batchSize=7'],
    });
    expect([wal!.workers, del!.workers, wal!.batchSize, del!.batchSize]).toEqual([3, 3, 500, 7]);
  });

  test.each([
    ['sqlite.workers=0', /workers: Too small/],
    ['sqlite.batchSize=-5', /batchSize: Too small/],
    ['sqlite.workers=many', /workers takes a number, not 'many'/],
    ['sqlite.journal_mode=FAST', /journal_mode must be one of WAL, DELETE/],
    ['sqlite.nonsense=1', /unknown sqlite profile key 'nonsense'; valid keys: workers,/],
    ['oracle.workers=1', /'oracle' is not an adapter, a profile or a workload/],
    ['sqlite.hotRows=3', /hotRows is a parameter of workload hot-row-update, not of a profile: --set hot-row-update\.hotRows=3/],
    ['sqlite.workers', /is not target.key=value/],
    ['postgres.pool.min=20', /pool.min must not exceed pool.max/],
  ])('--set %s is refused with a message naming the problem', (setting, message) => {
    const adapter = setting.startsWith('postgres') ? 'postgres' : 'sqlite';
    expect(() => resolveOne([setting], adapter)).toThrow(UserError);
    expect(() => resolveOne([setting], adapter)).toThrow(message);
  });

  test('unknown adapters and profiles are refused with the valid names', () => {
    expect(() => parseAdapterList('sqlite,oracle')).toThrow("unknown adapter 'oracle'; valid adapters: sqlite, postgres, mysql");
    expect(() => resolveProfiles({ adapters: [], profiles: ['sqlite-fast'] })).toThrow(/unknown profile 'sqlite-fast'; valid profiles: sqlite-wal,/);
  });

  describe('config file', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dbmatrix-config-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const write = (text: string) => {
      const file = join(dir, 'dbmatrix.json');
      writeFileSync(file, text);
      return file;
    };

    test('defines new profiles on top of built-ins, with overrides and servers', () => {
      const config = loadConfigFile(
        write(
          JSON.stringify({
            profiles: { 'sqlite-fast': { extends: 'sqlite-wal', workers: 2, session: { synchronous: 'OFF' } } },
            set: { 'sqlite-fast.batchSize': 50 },
            servers: { postgres: 'postgres://x@127.0.0.1/test' },
          }),
        ),
      );
      const [p] = resolveProfiles({ adapters: [], profiles: ['sqlite-fast'], config });
      expect(p).toMatchObject({ name: 'sqlite-fast', adapter: 'sqlite', workers: 2, batchSize: 50, session: { synchronous: 'OFF', journal_mode: 'WAL' } });
    });

    test.each([
      ['{ not json', /is not valid JSON/],
      ['{"profiles": {"Bad Name": {"extends": "sqlite-wal"}}}', /lower-case letters, digits and dashes/],
      ['{"servers": {"oracle": "x"}}', /servers\.oracle: unknown adapter; expected one of sqlite, postgres, mysql/],
      ['{"colour": "blue"}', /Unrecognized key/],
    ])('refuses %s', (text, message) => {
      expect(() => loadConfigFile(write(text))).toThrow(message);
    });

    test('a profile extending an unknown one, or with a bad value, is refused', () => {
      const unknownBase = loadConfigFile(write('{"profiles": {"x": {"extends": "nope"}}}'));
      expect(() => resolveProfiles({ adapters: ['sqlite'], config: unknownBase })).toThrow(/extends unknown profile 'nope'/);
      const badValue = loadConfigFile(write('{"profiles": {"x": {"extends": "sqlite-wal", "workers": 0}}}'));
      expect(() => resolveProfiles({ adapters: [], profiles: ['x'], config: badValue })).toThrow(/profile x is invalid: workers/);
    });

    test("a set key that is not target.key is refused naming the config file's key, not a --set flag", () => {
      const config = loadConfigFile(write('{"set": {"workers": 4}}'));
      expect(() => resolveProfiles({ adapters: ['sqlite'], config })).toThrow(
        "config set 'workers' is not target.key (e.g. sqlite.workers or sqlite-delete.batchSize)",
      );
    });

    test('a missing file is named', () => {
      expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(/cannot read config file .*missing.json: ENOENT/);
    });
  });
});
