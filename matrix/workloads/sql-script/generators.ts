import { keyChooser, ZipfianRanks } from '../key-chooser';
import type { GeneratorSpec } from './schema';

/** Where a set of generators runs: the loader (one stream from the start) or one of the cell's workers. */
export interface GeneratorScope {
  /** This stream's number: 0 for the loader. */
  stream: number;
  /** How many streams share the sequences: 1 for the loader, the cell's workers afterwards. */
  streams: number;
  /** Values each sequence parameter already gave the loader (its rows), by name. */
  loaded: Record<string, number>;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return s;
}

/**
 * One drawing function per parameter. Sequences interleave the streams (stream s of n takes start+s, start+s+n, ...)
 * so values are unique across workers without a shared counter; `latest` follows the newest value its sequence gave
 * this stream, which every stream has seen committed or not at all.
 */
export function generatorsFor(params: Record<string, GeneratorSpec>, scope: GeneratorScope): Record<string, () => number | string> {
  const newest: Record<string, number> = {};
  const out: Record<string, () => number | string> = {};
  for (const [name, spec] of Object.entries(params)) {
    if (spec.sequence) {
      const start = spec.sequence.start;
      const offset = scope.loaded[name] ?? 0;
      let k = 0;
      newest[name] = start + offset - 1;
      out[name] = () => {
        const value = start + offset + scope.stream + k++ * scope.streams;
        newest[name] = value;
        return value;
      };
    } else if (spec.uniform || spec.zipfian) {
      const { min, max } = (spec.uniform ?? spec.zipfian)!;
      const next = keyChooser(spec.uniform ? 'uniform' : 'zipfian', max - min + 1);
      out[name] = () => min - 1 + next();
    } else if (spec.string) {
      const length = spec.string.length;
      out[name] = () => randomString(length);
    }
  }
  for (const [name, spec] of Object.entries(params)) {
    if (!spec.latest) continue;
    const of = spec.latest.of;
    const start = params[of]!.sequence!.start;
    const ranks = new ZipfianRanks(1);
    out[name] = () => {
      const top = newest[of]!;
      if (top < start) return start;
      ranks.grow(top - start + 1);
      return top - ranks.next();
    };
  }
  return out;
}
