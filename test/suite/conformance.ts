import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterName } from '../../adapters/registry';
import { runConformance } from '../../conformance/run';
import { CONFORMANCE_CASES } from '../../conformance/registry';
import { newRunId } from '../../matrix/namespace';
import { resolveProfiles } from '../../matrix/profiles';
import { serverFor } from '../support/cells';

/**
 * Today's answer of each database to each conformance case, as measured on PostgreSQL 15, MariaDB 10.11 and the
 * SQLite better-sqlite3 12 ships, with the default profile. A server or driver upgrade that changes an answer fails the
 * test that names the case; if the new answer is right, pin it here.
 */
export const PINNED: Record<AdapterName, Record<string, string>> = {
  sqlite: {
    'text.unicode': "\"héllo wörld 世界 🎉👍🏽\"",
    'text.long': "100000",
    'text.varchar-overflow': "\"abcdefghijk\"",
    'text.trailing-spaces': "\"abc   \"",
    'text.trailing-spaces-equal': "0",
    'text.empty-is-not-null': "{\"isNull\":false,\"v\":\"\"}",
    'text.equal-ignores-case': "0",
    'text.like-ignores-case': "1",
    'int64.max': "9223372036854776000",
    'int64.min': "-9223372036854776000",
    'int64.overflow': "9223372036854776000",
    'decimal.exact': "12345.6789012345",
    'float.double': "0.30000000000000004",
    'boolean.true': "1",
    'timestamp.tz-microseconds': "\"2024-03-10T01:02:03.456789+02:00\"",
    'date.leap-day': "\"2024-02-29\"",
    'time.fraction': "\"13:14:15.5\"",
    'json.document': "\"{\\\"b\\\":1,\\\"a\\\":[1,2.5,{\\\"c\\\":null}],\\\"s\\\":\\\"ü\\\"}\"",
    'binary.bytes': "{\"hex\":\"0001027f80ff\"}",
    'order.nulls-ascending': "[null,1,2]",
    'upsert.merge': "[{\"id\":1,\"v\":\"b\"}]",
    'upsert.ignore': "[{\"id\":1,\"v\":\"a\"}]",
    'insert.returning': "[{\"id\":1}]",
    'autoincrement.after-rollback': "1",
    'isolation.non-repeatable-read': "{\"first\":1,\"second\":1}",
    'isolation.lost-update': "error:busy (SQLITE_BUSY_SNAPSHOT)",
    'error.unique': "error:constraint (SQLITE_CONSTRAINT_PRIMARYKEY)",
    'error.not-null': "error:constraint (SQLITE_CONSTRAINT_NOTNULL)",
    'error.foreign-key': "error:constraint (SQLITE_CONSTRAINT_FOREIGNKEY)",
  },
  postgres: {
    'text.unicode': "\"héllo wörld 世界 🎉👍🏽\"",
    'text.long': "100000",
    'text.varchar-overflow': "error:other (22001)",
    'text.trailing-spaces': "\"abc   \"",
    'text.trailing-spaces-equal': "0",
    'text.empty-is-not-null': "{\"isNull\":false,\"v\":\"\"}",
    'text.equal-ignores-case': "0",
    'text.like-ignores-case': "0",
    'int64.max': "\"9223372036854775807\"",
    'int64.min': "\"-9223372036854775808\"",
    'int64.overflow': "error:other (22003)",
    'decimal.exact': "\"12345.6789012345\"",
    'float.double': "0.30000000000000004",
    'boolean.true': "true",
    'timestamp.tz-microseconds': "{\"date\":\"2024-03-09T23:02:03.456Z\"}",
    'date.leap-day': "{\"date\":\"2024-02-29T00:00:00.000Z\"}",
    'time.fraction': "\"13:14:15.5\"",
    'json.document': "{\"a\":[1,2.5,{\"c\":null}],\"b\":1,\"s\":\"ü\"}",
    'binary.bytes': "{\"hex\":\"0001027f80ff\"}",
    'order.nulls-ascending': "[1,2,null]",
    'upsert.merge': "[{\"id\":1,\"v\":\"b\"}]",
    'upsert.ignore': "[{\"id\":1,\"v\":\"a\"}]",
    'insert.returning': "[{\"id\":1}]",
    'autoincrement.after-rollback': "2",
    'isolation.non-repeatable-read': "{\"first\":1,\"second\":2}",
    'isolation.lost-update': "1",
    'error.unique': "error:constraint (23505)",
    'error.not-null': "error:constraint (23502)",
    'error.foreign-key': "error:constraint (23503)",
  },
  mysql: {
    'text.unicode': "\"héllo wörld 世界 🎉👍🏽\"",
    'text.long': "error:other (ER_DATA_TOO_LONG)",
    'text.varchar-overflow': "error:other (ER_DATA_TOO_LONG)",
    'text.trailing-spaces': "\"abc   \"",
    'text.trailing-spaces-equal': "1",
    'text.empty-is-not-null': "{\"isNull\":false,\"v\":\"\"}",
    'text.equal-ignores-case': "1",
    'text.like-ignores-case': "1",
    'int64.max': "\"9223372036854775807\"",
    'int64.min': "\"-9223372036854775808\"",
    'int64.overflow': "error:other (ER_WARN_DATA_OUT_OF_RANGE)",
    'decimal.exact': "\"12345.6789012345\"",
    'float.double': "0.30000000000000004",
    'boolean.true': "1",
    'timestamp.tz-microseconds': "error:other (ER_TRUNCATED_WRONG_VALUE)",
    'date.leap-day': "{\"date\":\"2024-02-29T00:00:00.000Z\"}",
    'time.fraction': "\"13:14:15\"",
    'json.document': "{\"a\":[1,2.5,{\"c\":null}],\"b\":1,\"s\":\"ü\"}",
    'binary.bytes': "{\"hex\":\"0001027f80ff\"}",
    'order.nulls-ascending': "[null,1,2]",
    'upsert.merge': "[{\"id\":1,\"v\":\"b\"}]",
    'upsert.ignore': "[{\"id\":1,\"v\":\"a\"}]",
    'insert.returning': "[1]",
    'autoincrement.after-rollback': "2",
    'isolation.non-repeatable-read': "{\"first\":1,\"second\":1}",
    'isolation.lost-update': "1",
    'error.unique': "error:constraint (ER_DUP_ENTRY)",
    'error.not-null': "error:constraint (ER_BAD_NULL_ERROR)",
    'error.foreign-key': "error:constraint (ER_NO_REFERENCED_ROW_2)",
  },
};

/** Every case put to the adapter's database; each answer must be the pinned one. */
export function describeConformance(adapter: AdapterName): void {
  describe(`${adapter}: conformance`, () => {
    const answers = new Map<string, string>();
    beforeAll(async () => {
      const [profile] = resolveProfiles({ adapters: [adapter] });
      const dir = adapter === 'sqlite' ? mkdtempSync(join(tmpdir(), 'dbmatrix-conformance-')) : undefined;
      try {
        const server = serverFor(adapter) ?? { url: join(dir!, 'conformance.db'), provider: 'file' as const };
        for (const a of (await runConformance(profile!, server, newRunId())).answers) answers.set(a.id, a.answer);
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);

    test.each(CONFORMANCE_CASES.map((c) => [c.id, c.title]))(`${adapter} answers %s (%s) as pinned`, (id) => {
      expect(answers.get(id)).toBe(PINNED[adapter][id]);
    });
  });
}
