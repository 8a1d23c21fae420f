import knexFactory from 'knex';
import { bindingsFor, compileStatement } from '../../driver-paths/compile';
import { statement } from '../../driver-paths/contract';

// Compiling needs no connection: knex only renders SQL here.
const pg = knexFactory({ client: 'pg' });
const sqlite = knexFactory({ client: 'better-sqlite3', useNullAsDefault: true });

describe('statements compiled once for the prepared path', () => {
  test('each binding is traced to its parameter, whatever order knex puts the columns in; constants stay', () => {
    const insert = statement(3, (db, [worker, seq, payload]) => db('t').insert({ worker_id: worker, seq, payload, value: 0 }));
    const c = compileStatement(pg, insert);
    expect(c.sql).toBe('insert into "t" ("payload", "seq", "value", "worker_id") values ($1, $2, $3, $4)');
    expect(bindingsFor(c, [7, 11, 'p'])).toEqual(['p', 11, 0, 7]);
    // The same bindings knex itself produces for those values, so both paths send the same statement.
    expect(bindingsFor(c, [7, 11, 'p'])).toEqual(insert.build(pg, [7, 11, 'p']).toSQL().toNative().bindings);
  });

  test("an increment's step is a constant, the key a parameter", () => {
    const c = compileStatement(
      sqlite,
      statement(1, (db, [id]) => db('hot').where({ id }).increment('value', 1)),
    );
    expect(c.sql).toBe('update `hot` set `value` = `value` + ? where `id` = ?');
    expect(bindingsFor(c, [3])).toEqual([1, 3]);
  });

  test('a parameter knex does not bind as a plain value cannot be prepared', () => {
    // A table name from a parameter would change the SQL text itself between operations.
    expect(() =>
      compileStatement(
        pg,
        statement(1, (db, [name]) => db(String(name)).select('id')),
      ),
    ).toThrow(/cannot be prepared/);
    // knex turns a LIMIT into a number, so the parameter would vanish from the bindings.
    expect(() =>
      compileStatement(
        pg,
        statement(1, (db, [n]) =>
          db('t')
            .select('id')
            .limit(n as number),
        ),
      ),
    ).toThrow(/cannot be prepared/);
  });
});
