import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSON_SCHEMA_FILE, resultsJsonSchema } from '../../model/json-schema';
import { relativeShift } from '../../model/noise';
import { readResults } from '../../model/read-results';
import { UserError } from '../../model/user-error';

describe('results.json schema file', () => {
  test('the committed JSON Schema is what the zod schema generates (run `npm run schema` after changing it)', () => {
    expect(readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(resultsJsonSchema());
  });

  test('it documents the figures and names the shared parts', () => {
    const schema = JSON.parse(readFileSync(JSON_SCHEMA_FILE, 'utf8'));
    expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(['Figures', 'Histograms', 'RepeatSample', 'Verification']));
    expect(schema.$defs.Figures.properties.opsPerSec.description).toMatch(/per second/);
  });
});

describe('reading a results file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-read-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const refusal = (path: string) => {
    try {
      readResults(path);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      return (err as Error).message;
    }
    throw new Error('was accepted');
  };

  test.each([
    ['a missing file', () => join(dir, 'absent.json'), /cannot read results file .*absent\.json: ENOENT; check the path/],
    ['broken JSON', () => file('broken.json', '{"schemaVersion": 2,'), /broken\.json is not valid JSON/],
    ['another kind of JSON', () => file('other.json', '{"name": "x"}'), /other\.json is not a dbmatrix results file/],
    ['an older layout', () => file('v1.json', '{"schemaVersion": 1}'), /v1\.json has results schema version 1; this dbmatrix reads version 2/],
    [
      'a file missing fields',
      () => file('partial.json', '{"schemaVersion": 2, "runId": "x"}'),
      /partial\.json does not match the results schema: startedAt: .*see model\/results\.schema\.json/,
    ],
  ])('%s is refused with one line naming the file', (_what, make, message) => {
    const text = refusal(make());
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});

describe('relative shift with a confidence interval over repeats', () => {
  test('a clear 20 % drop has an interval below zero', () => {
    const s = relativeShift([100, 102, 98], [80, 82, 79], 0.95);
    expect(s.change).toBeCloseTo(-0.197, 2);
    expect(s.interval![1]).toBeLessThan(0);
  });

  test('the same figures shuffled have an interval around zero', () => {
    const s = relativeShift([100, 102, 98], [99, 103, 97], 0.95);
    expect(s.interval![0]).toBeLessThan(0);
    expect(s.interval![1]).toBeGreaterThan(0);
  });

  test('one sample per side gives a change but no interval', () => {
    expect(relativeShift([100], [80], 0.95)).toEqual({ change: expect.closeTo(-0.2, 5), interval: null });
  });
});
