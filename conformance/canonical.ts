/**
 * A value as one canonical string, so answers compare across drivers and runs: JSON, with 64-bit integers as
 * decimal text, buffers as hex and dates as ISO instants. Row objects keep their keys sorted.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(v: unknown): unknown {
  if (typeof v === 'bigint') return { bigint: v.toString() };
  if (Buffer.isBuffer(v)) return { hex: v.toString('hex') };
  // By tag, not instanceof: a Date from another realm (a driver loaded elsewhere) is still a Date.
  if (Object.prototype.toString.call(v) === '[object Date]') {
    const d = v as Date;
    return { date: Number.isNaN(d.getTime()) ? 'invalid' : d.toISOString() };
  }
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, normalise((v as Record<string, unknown>)[k])]),
    );
  if (typeof v === 'number' && !Number.isFinite(v)) return { number: String(v) };
  return v ?? null;
}
