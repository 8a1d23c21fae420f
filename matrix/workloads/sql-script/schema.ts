import { z } from 'zod';
import { ADAPTER_NAMES } from '../../../adapters/registry';

const identifier = (what: string) => z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, `expected a ${what}: letters, digits and underscores`);

/** SQL for every database, or per database where their dialects differ (`default` covers the ones not named). */
export const sqlTextSchema = z.union([
  z.string().min(1, 'expected SQL text'),
  z
    .object({ default: z.string().min(1).optional(), ...Object.fromEntries(ADAPTER_NAMES.map((a) => [a, z.string().min(1).optional()])) })
    .strict()
    .refine((v) => Object.keys(v).length > 0, `expected SQL text, or SQL per database (default, ${ADAPTER_NAMES.join(', ')})`),
]);
export type SqlText = z.infer<typeof sqlTextSchema>;

const range = z
  .object({ min: z.number().int(), max: z.number().int() })
  .strict()
  .refine((r) => r.min <= r.max, 'expected min ≤ max');

/** One parameter generator; exactly one key says which. */
export const generatorSchema = z
  .object({
    /** 1, 2, 3, ... unique across the cell's workers, continuing after the rows `load` inserted with it. */
    sequence: z
      .object({ start: z.number().int().default(1) })
      .strict()
      .optional(),
    /** Every integer in [min, max] equally likely. */
    uniform: range.optional(),
    /** Integers in [min, max], a few far more often than the rest (YCSB's scrambled zipfian, θ = 0.99). */
    zipfian: range.optional(),
    /** Values a sequence has already produced, the newest most often (YCSB's latest). */
    latest: z
      .object({ of: identifier('sequence parameter name') })
      .strict()
      .optional(),
    /** Random letters and digits of this length. */
    string: z
      .object({ length: z.number().int().min(1).max(65_535) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((g) => Object.keys(g).length === 1, 'expected exactly one generator: sequence, uniform, zipfian, latest or string');
export type GeneratorSpec = z.infer<typeof generatorSchema>;

/** An SQL-script workload file (YAML or JSON). */
export const sqlScriptSchema = z
  .object({
    /** The workload's name in results and reports. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes'),
    /** One line on what it measures. */
    description: z.string().optional(),
    /** 'profile' runs the profile's workers; 'single' one worker. */
    concurrency: z.enum(['profile', 'single']).default('profile'),
    /** Tables the run creates, each a CREATE TABLE naming itself as {{name}}; dropped when the cell ends. */
    tables: z.record(identifier('table name'), sqlTextSchema).refine((t) => Object.keys(t).length > 0, 'expected at least one table'),
    /** Rows inserted before measuring: one statement run `rows` times in one transaction. */
    load: z
      .object({ rows: z.number().int().min(1).max(10_000_000), sql: sqlTextSchema })
      .strict()
      .optional(),
    /** Named parameters, referenced as :name in SQL. */
    params: z.record(identifier('parameter name'), generatorSchema).default({}),
    /** The measured statements; each operation runs one, chosen by weight. */
    statements: z
      .array(
        z
          .object({
            name: identifier('statement name'),
            weight: z.number().positive().default(1),
            /** One statement, in autocommit. */
            sql: sqlTextSchema.optional(),
            /** Or several, in one transaction (as a pgbench script between BEGIN and END); parameters are drawn once for all. */
            steps: z.array(sqlTextSchema).min(1).optional(),
            /** Rows a query must return; any other count is a wrong read. */
            expectRows: z.number().int().min(0).optional(),
          })
          .strict()
          .refine((s) => (s.sql === undefined) !== (s.steps === undefined), 'expected either sql or steps')
          .refine((s) => s.expectRows === undefined || s.sql !== undefined, { message: 'expectRows applies to a single sql statement', path: ['expectRows'] }),
      )
      .min(1, 'expected at least one statement'),
    /** Checks of the data after the run: a query returning one number, and what it must equal. */
    verify: z
      .array(z.object({ sql: sqlTextSchema, equals: z.union([z.number(), z.string().min(1)]) }).strict())
      .min(1, 'expected at least one check, e.g. { sql: "SELECT COUNT(*) FROM {{t}}", equals: "load + insert" }'),
  })
  .strict();
export type SqlScript = z.infer<typeof sqlScriptSchema>;
/** One entry of `statements`. */
export type ScriptStatement = SqlScript['statements'][number];

/** The SQL texts of a statement with the key each is found under: its `sql`, or each of its `steps`. */
export function partsOf(s: ScriptStatement, i: number): [string, SqlText][] {
  return s.steps ? s.steps.map((t, j): [string, SqlText] => [`statements.${i}.steps.${j}`, t]) : [[`statements.${i}.sql`, s.sql!]];
}
