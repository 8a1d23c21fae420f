import type { Knex } from 'knex';
import type { Statement } from './contract';

/** SQL in the driver's own placeholder style, and where each binding comes from. */
export interface CompiledStatement {
  /** The statement text knex generates, with native placeholders ($1 for pg, ? elsewhere). */
  sql: string;
  /** Per binding: the index of the parameter it takes, or a constant knex put there (an increment's step, say). */
  slots: ({ param: number } | { constant: unknown })[];
}

/** A value no workload passes, standing in for parameter `i` while knex compiles. */
const marker = (i: number) => `\u0000dbmatrix-param-${i}\u0000`;

/**
 * Compile a statement once: knex builds it with a marker in place of every parameter, and each binding it produces is
 * traced back to the parameter whose marker it carries. The SQL is knex's own, so both paths send the same statement.
 */
export function compileStatement(knex: Knex, stmt: Statement): CompiledStatement {
  const markers = Array.from({ length: stmt.arity }, (_, i) => marker(i));
  const index = new Map(markers.map((m, i) => [m, i]));
  const native = stmt.build(knex, markers).toSQL().toNative();
  const slots = native.bindings.map((b) => (typeof b === 'string' && index.has(b) ? { param: index.get(b)! } : { constant: b }));
  // A marker inside a larger value, or one knex parsed as a number, would send the marker text to the database.
  const used = new Set(slots.flatMap((s) => ('param' in s ? [s.param] : [])));
  if (used.size !== stmt.arity || markers.some((m) => native.sql.includes(m))) {
    throw new Error(`statement cannot be prepared: knex did not bind each of its ${stmt.arity} parameters as a plain value (${native.sql})`);
  }
  return { sql: native.sql, slots };
}

/** The bindings of a compiled statement for some parameters. */
export function bindingsFor(compiled: CompiledStatement, params: readonly Knex.Value[]): unknown[] {
  const out = new Array<unknown>(compiled.slots.length);
  for (let i = 0; i < out.length; i++) {
    const slot = compiled.slots[i]!;
    out[i] = 'param' in slot ? params[slot.param] : slot.constant;
  }
  return out;
}
