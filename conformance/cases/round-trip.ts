import type { Knex } from 'knex';
import type { CaseContext } from '../contract';

/** Write one value into a column of a fresh table and read it back as the driver returns it. */
export async function roundTrip(ctx: CaseContext, suffix: string, column: (t: Knex.CreateTableBuilder) => void, value: unknown): Promise<unknown> {
  const t = await ctx.table(suffix, (b) => {
    b.integer('id').primary();
    column(b);
  });
  await ctx.knex(t).insert({ id: 1, v: value });
  return (await ctx.knex(t).select('v').where({ id: 1 }))[0]?.v;
}

/** Rows in a one-column table of `value` that match `where` (a count, so every database answers with a number). */
export async function matches(ctx: CaseContext, suffix: string, value: string, where: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<number> {
  const t = await ctx.table(suffix, (b) => b.string('v', 20));
  await ctx.knex(t).insert({ v: value });
  return Number((await where(ctx.knex(t).count({ n: '*' })))[0]!.n);
}
