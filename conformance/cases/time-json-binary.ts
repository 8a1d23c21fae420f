import { canonical } from '../canonical';
import { defineCase } from '../contract';
import { roundTrip } from './round-trip';

const INSTANT = '2024-03-10T01:02:03.456789+02:00';
const DOCUMENT = { b: 1, a: [1, 2.5, { c: null }], s: 'ü' };
const BYTES = Buffer.from([0, 1, 2, 127, 128, 255]);

export const TIME_JSON_BINARY_CASES = [
  defineCase({
    id: 'timestamp.tz-microseconds',
    title: `${INSTANT} into a timestamp with time zone and 6 fractional digits comes back as the same instant, microseconds kept`,
    reference: canonical('2024-03-09T23:02:03.456789Z'),
    run: (ctx) => roundTrip(ctx, 'tts', (b) => b.timestamp('v', { useTz: true, precision: 6 }), INSTANT),
  }),
  defineCase({
    id: 'date.leap-day',
    title: "'2024-02-29' in a date column comes back as that calendar date",
    reference: canonical('2024-02-29'),
    run: (ctx) => roundTrip(ctx, 'tdt', (b) => b.date('v'), '2024-02-29'),
  }),
  defineCase({
    id: 'time.fraction',
    title: "'13:14:15.5' in a time column keeps its fraction",
    reference: canonical('13:14:15.5'),
    run: (ctx) => roundTrip(ctx, 'ttm', (b) => b.time('v'), '13:14:15.5'),
  }),
  defineCase({
    id: 'json.document',
    title: 'a JSON document in a json column comes back as the same document, parsed',
    reference: canonical(DOCUMENT),
    run: (ctx) => roundTrip(ctx, 'tjs', (b) => b.json('v'), JSON.stringify(DOCUMENT)),
  }),
  defineCase({
    id: 'binary.bytes',
    title: 'bytes 00 01 02 7f 80 ff in a binary column come back unchanged',
    reference: canonical(BYTES),
    run: (ctx) => roundTrip(ctx, 'tbin', (b) => b.binary('v'), BYTES),
  }),
];
