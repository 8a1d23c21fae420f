import type { SqlText } from './schema';

/** One statement ready for knex.raw: positional placeholders, and the parameter each one takes. */
export interface BoundSql {
  /** SQL with `?` per parameter, run-owned table names in place, literal question marks escaped for knex. */
  sql: string;
  /** Parameter names in placeholder order (a name used twice appears twice and gets one value). */
  params: string[];
}

/** Quoted text and `::` casts are skipped; what is left of `:name` is a parameter, `{{name}}` a table. */
const TOKENS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|::|:([A-Za-z_][A-Za-z0-9_]*)|\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\?/g;

/** The SQL of a text for one database: its own variant, else the default; undefined when it has neither. */
export function sqlFor(text: SqlText, adapter: string): string | undefined {
  if (typeof text === 'string') return text;
  const variants = text as Record<string, string | undefined>;
  return variants[adapter] ?? variants.default;
}

/** Every variant of a text, to check its references before any database sees it. */
export function variantsOf(text: SqlText): string[] {
  return typeof text === 'string' ? [text] : Object.values(text as Record<string, string>);
}

/** The tables and parameters a piece of SQL refers to. */
export function referencesOf(sql: string): { tables: string[]; params: string[] } {
  const tables: string[] = [];
  const params: string[] = [];
  for (const m of sql.matchAll(TOKENS)) {
    if (m[1]) params.push(m[1]);
    if (m[2]) tables.push(m[2]);
  }
  return { tables, params };
}

/** Bind a statement's SQL: tables renamed to the run's own, `:name` to `?`, and knex's `?` escaped where it is text. */
export function bindSql(sql: string, tableName: (name: string) => string): BoundSql {
  const params: string[] = [];
  const out = sql.replace(TOKENS, (token, param?: string, table?: string) => {
    if (param) {
      params.push(param);
      return '?';
    }
    if (table) return tableName(table);
    // knex would read a `?` (even inside quotes) as a binding: escaped, it reaches the database as written.
    if (token === '?') return '\\?';
    return token.replace(/\?/g, '\\?');
  });
  return { sql: out, params };
}

/** A statement's SQL with the run's table names in place and its `:name` parameters as written, for a native client's script. */
export function withTables(sql: string, tableName: (name: string) => string): string {
  return sql.replace(TOKENS, (token, _param?: string, table?: string) => (table ? tableName(table) : token));
}
