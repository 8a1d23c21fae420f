import { canonical } from '../canonical';
import { defineCase } from '../contract';

export const TRANSACTION_CASES = [
  defineCase({
    id: 'isolation.non-repeatable-read',
    title: 'at the default isolation level, A reads a row, B changes it and commits, A reads again: what A sees the second time',
    reference: canonical({ first: 1, second: 1 }),
    run: async (ctx) => {
      const t = await ctx.table('inr', (b) => {
        b.integer('id').primary();
        b.integer('v');
      });
      await ctx.knex(t).insert({ id: 1, v: 1 });
      return ctx.knex.transaction(async (a) => {
        const first = (await a(t).first('v').where({ id: 1 }))?.v;
        await ctx.knex(t).update({ v: 2 }).where({ id: 1 }); // B, on another connection, autocommit
        const second = (await a(t).first('v').where({ id: 1 }))?.v;
        return { first, second };
      });
    },
  }),
  defineCase({
    id: 'isolation.lost-update',
    title: 'at the default isolation level, A and B both read 0 and write read + 1: the final value (2: no update lost)',
    reference: canonical(2),
    run: async (ctx) => {
      const t = await ctx.table('ilu', (b) => {
        b.integer('id').primary();
        b.integer('v');
      });
      await ctx.knex(t).insert({ id: 1, v: 0 });
      const a = await ctx.knex.transaction();
      const b = await ctx.knex.transaction();
      try {
        const readA = Number((await a(t).first('v').where({ id: 1 }))!.v);
        const readB = Number((await b(t).first('v').where({ id: 1 }))!.v);
        await a(t)
          .update({ v: readA + 1 })
          .where({ id: 1 });
        await a.commit();
        // B's write waits for A's lock on a server database, then applies its stale value or is refused.
        await b(t)
          .update({ v: readB + 1 })
          .where({ id: 1 });
        await b.commit();
      } finally {
        if (!a.isCompleted()) await a.rollback().catch(() => {});
        if (!b.isCompleted()) await b.rollback().catch(() => {});
      }
      return Number((await ctx.knex(t).first('v').where({ id: 1 }))!.v);
    },
  }),
];

export const ERROR_CASES = [
  defineCase({
    id: 'error.unique',
    title: 'a duplicate primary key: the class of the error',
    reference: 'error:constraint',
    run: async (ctx) => {
      const t = await ctx.table('eun', (b) => b.integer('id').primary());
      await ctx.knex(t).insert({ id: 1 });
      return ctx.knex(t).insert({ id: 1 });
    },
  }),
  defineCase({
    id: 'error.not-null',
    title: 'NULL into a NOT NULL column: the class of the error',
    reference: 'error:constraint',
    run: async (ctx) => {
      const t = await ctx.table('enn', (b) => b.integer('v').notNullable());
      return ctx.knex(t).insert({ v: null });
    },
  }),
  defineCase({
    id: 'error.foreign-key',
    title: 'a row referencing a parent that does not exist: the class of the error',
    reference: 'error:constraint',
    run: async (ctx) => {
      const parent = await ctx.table('efp', (b) => b.integer('id').primary());
      const child = await ctx.table('efc', (b) => {
        b.integer('id').primary();
        b.integer('parent_id').references('id').inTable(parent);
      });
      return ctx.knex(child).insert({ id: 1, parent_id: 42 });
    },
  }),
];
