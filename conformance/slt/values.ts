import { createHash } from 'node:crypto';
import type { QueryRecord } from './parse';

/** The hash threshold a script starts with, as in the SQLite project's runner. */
export const DEFAULT_HASH_THRESHOLD = 8;

/** A number's leading numeric part, as SQLite reads text as a number (and an ODBC driver converts it): '12abc' → 12, 'abc' → 0. */
function leadingNumber(text: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text);
  return m ? Number(m[0]) : 0;
}

/** A whole number as %d prints it: toward zero, no '-0', exact for 64-bit integers. */
function integerText(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return BigInt(value.trim()).toString();
  const n = typeof value === 'number' ? value : leadingNumber(String(value));
  const whole = Math.trunc(n);
  return Number.isFinite(whole) ? (Object.is(whole, -0) ? '0' : BigInt(whole).toString()) : '0';
}

/**
 * A real as SQLite's printf gives %.3f, in which the corpus's expected values were written: at most 16 significant
 * digits, zeros after them (-9223372036854775808 prints as -9223372036854776000.000). Held to for every database, so a
 * figure is compared by its value, not by which printf wrote it.
 */
export function realText(value: unknown): string {
  const n =
    typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : typeof value === 'boolean' ? Number(value) : leadingNumber(String(value));
  if (!Number.isFinite(n)) return n > 0 ? 'Inf' : n < 0 ? '-Inf' : 'NaN';
  // Below 1e13 the integer digits and three decimals fit in 16 significant digits: plain rounding is the same.
  if (Math.abs(n) < 1e13) return n.toFixed(3);
  const [mantissa, exponent] = Math.abs(n).toExponential(15).split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const intDigits = Number(exponent) + 1;
  const whole = intDigits >= digits.length ? digits + '0'.repeat(intDigits - digits.length) : digits.slice(0, intDigits);
  const fraction = `${digits.slice(Math.min(intDigits, digits.length))}000`.slice(0, 3);
  return `${n < 0 ? '-' : ''}${whole}.${fraction}`;
}

/** Text as the runner prints it: '(empty)' for '', each byte outside printable ASCII as '@'. */
function textText(value: unknown): string {
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  if (text === '') return '(empty)';
  // The original runner replaces bytes, so a character of several UTF-8 bytes becomes several '@'.
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) out += byte < 0x20 || byte > 0x7e ? '@' : String.fromCharCode(byte);
  return out;
}

/** One value of a result as sqllogictest prints it for its column's type: I as %d, R as %.3f, T as text; NULL as 'NULL'. */
export function formatValue(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (type === 'I') return integerText(value);
  if (type === 'R') return realText(value);
  return textText(value);
}

/** Byte-wise order, as strcmp: the order the corpus's sorted results were written in. */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A result's values in the record's order: rows as returned, rows sorted, or every value sorted on its own. */
export function orderedValues(rows: readonly (readonly string[])[], sort: QueryRecord['sort']): string[] {
  if (sort === 'valuesort') return rows.flat().sort(byBytes);
  if (sort === 'rowsort') {
    const sorted = [...rows].sort((x, y) => {
      for (let c = 0; c < x.length; c++) {
        const d = byBytes(x[c]!, y[c]!);
        if (d !== 0) return d;
      }
      return 0;
    });
    return sorted.flat();
  }
  return rows.flat();
}

/** `N values hashing to H`: the MD5 of the values, each followed by a newline. */
export function hashedValues(values: readonly string[]): { md5: string; line: string } {
  const md5 = createHash('md5');
  for (const v of values) md5.update(`${v}\n`);
  const hex = md5.digest('hex');
  return { md5: hex, line: `${values.length} values hashing to ${hex}` };
}

/** The MD5 a query's expected lines stand for: the one named in a hash line, else that of the values listed. */
export function expectedMd5(expected: readonly string[]): string {
  const m = expected.length === 1 ? /^\d+ values hashing to ([0-9a-f]{32})$/.exec(expected[0]!) : null;
  return m ? m[1]! : hashedValues(expected).md5;
}
