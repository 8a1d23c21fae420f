import { canonical } from '../canonical';
import { defineCase } from '../contract';
import { matches, roundTrip } from './round-trip';

const EMOJI = 'héllo wörld 世界 🎉👍🏽';
const LONG = 'x'.repeat(100_000);

export const TEXT_CASES = [
  defineCase({
    id: 'text.unicode',
    title: 'accents, CJK and emoji (4-byte UTF-8) in a varchar(255) come back unchanged',
    reference: canonical(EMOJI),
    run: (ctx) => roundTrip(ctx, 'cu', (b) => b.string('v', 255), EMOJI),
  }),
  defineCase({
    id: 'text.long',
    title: 'a 100,000-character value in a text column comes back whole (answer: its length)',
    reference: canonical(LONG.length),
    run: async (ctx) => String(await roundTrip(ctx, 'cl', (b) => b.text('v'), LONG)).length,
  }),
  defineCase({
    id: 'text.varchar-overflow',
    title: "'abcdefghijk' (11 characters) into a varchar(10) is refused",
    reference: 'error:other',
    run: async (ctx) => {
      const t = await ctx.table('cvo', (b) => b.string('v', 10));
      await ctx.knex(t).insert({ v: 'abcdefghijk' });
      return (await ctx.knex(t).first('v'))?.v;
    },
  }),
  defineCase({
    id: 'text.trailing-spaces',
    title: "'abc   ' in a varchar keeps its trailing spaces",
    reference: canonical('abc   '),
    run: (ctx) => roundTrip(ctx, 'ct', (b) => b.string('v', 255), 'abc   '),
  }),
  defineCase({
    id: 'text.trailing-spaces-equal',
    title: "'abc   ' = 'abc' (answer: rows matched)",
    reference: canonical(0),
    run: (ctx) => matches(ctx, 'cte', 'abc   ', (q) => q.where({ v: 'abc' })),
  }),
  defineCase({
    id: 'text.empty-is-not-null',
    title: "an empty string is stored as '' and is not NULL",
    reference: canonical({ isNull: false, v: '' }),
    run: async (ctx) => {
      const t = await ctx.table('cen', (b) => b.string('v', 20));
      await ctx.knex(t).insert({ v: '' });
      const isNull = Number((await ctx.knex(t).count({ n: '*' }).whereNull('v'))[0]!.n) > 0;
      return { isNull, v: (await ctx.knex(t).first('v'))?.v };
    },
  }),
  defineCase({
    id: 'text.equal-ignores-case',
    title: "'Apple' = 'apple' (answer: rows matched)",
    reference: canonical(0),
    run: (ctx) => matches(ctx, 'ceq', 'Apple', (q) => q.where({ v: 'apple' })),
  }),
  defineCase({
    id: 'text.like-ignores-case',
    title: "'Apple' LIKE 'apple' (answer: rows matched)",
    reference: canonical(0),
    run: (ctx) => matches(ctx, 'clk', 'Apple', (q) => q.where('v', 'like', 'apple')),
  }),
];
