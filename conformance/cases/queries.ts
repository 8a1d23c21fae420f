import type { Knex } from 'knex';
import { canonical } from '../canonical';
import { type CaseContext, defineCase } from '../contract';

export const QUERY_CASES = [
  defineCase({
    id: 'order.nulls-ascending',
    title: 'ORDER BY v ASC over 2, NULL, 1: where the NULL goes',
    reference: canonical([1, 2, null]),
    run: async (ctx) => {
      const t = await ctx.table('qnull', (b) => b.integer('v'));
      await ctx.knex(t).insert([{ v: 2 }, { v: null }, { v: 1 }]);
      return (await ctx.knex(t).select('v').orderBy('v', 'asc')).map((r: { v: unknown }) => r.v);
    },
  }),
  defineCase({
    id: 'upsert.merge',
    title: "insert id 1 'a', then id 1 'b' with onConflict('id').merge(): the row holds 'b'",
    reference: canonical([{ id: 1, v: 'b' }]),
    run: (ctx) => upsert(ctx, 'qum', (q) => q.merge()),
  }),
  defineCase({
    id: 'upsert.ignore',
    title: "insert id 1 'a', then id 1 'b' with onConflict('id').ignore(): the row keeps 'a'",
    reference: canonical([{ id: 1, v: 'a' }]),
    run: (ctx) => upsert(ctx, 'qui', (q) => q.ignore()),
  }),
  defineCase({
    id: 'insert.returning',
    title: "insert … returning('id') into an auto-increment table answers with the new row's id",
    reference: canonical([{ id: 1 }]),
    run: async (ctx) => {
      const t = await ctx.table('qret', (b) => {
        b.increments('id').primary();
        b.string('v', 10);
      });
      return ctx.knex(t).insert({ v: 'a' }).returning('id');
    },
  }),
  defineCase({
    id: 'autoincrement.after-rollback',
    title: 'an auto-increment id taken by a rolled-back insert: the next committed insert gets id 1 again, or 2',
    reference: canonical(1),
    run: async (ctx) => {
      const t = await ctx.table('qai', (b) => {
        b.increments('id').primary();
        b.string('v', 20);
      });
      await ctx.knex
        .transaction(async (trx) => {
          await trx(t).insert({ v: 'rolled back' });
          throw new RolledBack();
        })
        .catch((err: unknown) => {
          if (!(err instanceof RolledBack)) throw err;
        });
      await ctx.knex(t).insert({ v: 'kept' });
      return (await ctx.knex(t).first('id'))?.id;
    },
  }),
];

/** Thrown to roll a transaction back on purpose. */
class RolledBack extends Error {}

/** Insert id 1 'a', then id 1 'b' with an ON CONFLICT action; the rows afterwards. */
async function upsert(ctx: CaseContext, suffix: string, action: (q: Knex.OnConflictQueryBuilder<object, number[]>) => Knex.QueryBuilder): Promise<unknown> {
  const t = await ctx.table(suffix, (b) => {
    b.integer('id').primary();
    b.string('v', 10);
  });
  await ctx.knex(t).insert({ id: 1, v: 'a' });
  await action(ctx.knex(t).insert({ id: 1, v: 'b' }).onConflict('id'));
  return ctx.knex(t).select('id', 'v');
}
