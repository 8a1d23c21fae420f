import { canonical } from '../canonical';
import { defineCase } from '../contract';
import { roundTrip } from './round-trip';

export const NUMBER_CASES = [
  defineCase({
    id: 'int64.max',
    title: 'the largest 64-bit integer, 9223372036854775807, written as text into a bigint, comes back exact',
    reference: canonical('9223372036854775807'),
    run: (ctx) => roundTrip(ctx, 'nmax', (b) => b.bigInteger('v'), '9223372036854775807'),
  }),
  defineCase({
    id: 'int64.min',
    title: 'the smallest 64-bit integer comes back exact',
    reference: canonical('-9223372036854775808'),
    run: (ctx) => roundTrip(ctx, 'nmin', (b) => b.bigInteger('v'), '-9223372036854775808'),
  }),
  defineCase({
    id: 'int64.overflow',
    title: '9223372036854775808 (one past the largest) into a bigint is refused',
    reference: 'error:other',
    run: (ctx) => roundTrip(ctx, 'nov', (b) => b.bigInteger('v'), '9223372036854775808'),
  }),
  defineCase({
    id: 'decimal.exact',
    title: '12345.6789012345 in a decimal(20,10) comes back exact',
    reference: canonical('12345.6789012345'),
    run: (ctx) => roundTrip(ctx, 'ndec', (b) => b.decimal('v', 20, 10), '12345.6789012345'),
  }),
  defineCase({
    id: 'float.double',
    title: '0.1 + 0.2 (0.30000000000000004) in a double comes back to the last bit',
    reference: canonical(0.1 + 0.2),
    run: (ctx) => roundTrip(ctx, 'ndbl', (b) => b.double('v'), 0.1 + 0.2),
  }),
  defineCase({
    id: 'boolean.true',
    title: 'true in a boolean column comes back as true',
    reference: canonical(true),
    run: (ctx) => roundTrip(ctx, 'nbool', (b) => b.boolean('v'), true),
  }),
];
