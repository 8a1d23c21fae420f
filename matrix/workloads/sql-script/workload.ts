import type { Knex } from 'knex';
import { defineWorkload, emptyVerification, isAmbiguous, type Statement, statement, type Verification, type Workload } from '../define';
import { expectedRange, parseExpected, type StatementCount } from './expected';
import { generatorsFor } from './generators';
import { partsOf, type SqlScript, type SqlText } from './schema';
import { type BoundSql, bindSql, referencesOf, sqlFor, variantsOf } from './sql-text';

/** What setup hands the workers: the run's table names and how far the loader took each sequence. */
export interface ScriptState {
  /** Run-owned table name by the script's name for it. */
  tables: Record<string, string>;
  /** Values each sequence gave the loader. */
  loaded: Record<string, number>;
  /** Rows the load section inserted. */
  loadRows: number;
}

/** One worker's executions per statement. */
interface ScriptLedger {
  /**
   * Per statement name, logical executions (a retry repeats the same statement with the same values): acknowledged,
   * failed (rolled back), in doubt (never acknowledged, an attempt's outcome unknown), and acknowledged after an attempt
   * whose outcome was unknown (applied twice if that attempt committed).
   */
  counts: Record<string, { ok: number; failed: number; ambiguous: number; retriedAfterUnknown?: number }>;
  /** Queries that returned another number of rows than the statement's expectRows. */
  wrongReads: number;
}

/** Rows from whatever knex.raw gave back: pg's result, mysql2's [rows, fields], better-sqlite3's rows. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) {
    if (Array.isArray(result[0])) return result[0] as Record<string, unknown>[];
    return result.filter((r) => r && typeof r === 'object' && !Array.isArray(r) && !('affectedRows' in r)) as Record<string, unknown>[];
  }
  const rows = (result as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
}

/** A statement bound for one database; a script without SQL for it fails the cell in setup, naming the key. */
function boundFor(text: SqlText, adapter: string, key: string, tables: Record<string, string>): BoundSql {
  const sql = sqlFor(text, adapter);
  if (sql === undefined) throw new Error(`${key} has no SQL for ${adapter} and no default`);
  return bindSql(sql, (name) => tables[name]!);
}

/** A raw statement through the driver path, so `driverPath=prepared` prepares script statements too. */
function rawStatement(bound: BoundSql): Statement {
  return statement(bound.params.length, (db, params) => db.raw(bound.sql, params as Knex.RawBinding[]) as unknown as Knex.QueryBuilder);
}

/** Whether a statement only reads (its verb), for the diagnosis's weighing of commit cost. */
const isRead = (sql: string) => /^\s*(select|with|show|explain)\b/i.test(sql);

/** The workload a validated script describes, run like any built-in one. */
export function sqlScriptWorkload(script: SqlScript, file: string): Workload<ScriptState, ScriptLedger> {
  const statementNames = script.statements.map((s) => s.name);
  const allSql = script.statements.flatMap((s, i) => partsOf(s, i).flatMap(([, text]) => variantsOf(text)));
  const reads = allSql.filter(isRead).length;
  const totalWeight = script.statements.reduce((n, s) => n + s.weight, 0);
  return defineWorkload<ScriptState, ScriptLedger>({
    name: script.name,
    measures: script.description ?? `SQL script ${file}: ${script.statements.map((s) => `${s.name} ×${s.weight}`).join(', ')}`,
    verifies: `${script.verify.length} check(s) of the data against acknowledged executions${script.statements.some((s) => s.expectRows !== undefined) ? ', and every query returned its expected rows' : ''}`,
    concurrency: script.concurrency,
    writes: reads === allSql.length ? 'none' : reads === 0 ? 'every-operation' : 'some-operations',
    preparable: true,
    async setup(ctx) {
      const adapter = ctx.adapter.name;
      const tables = Object.fromEntries(Object.keys(script.tables).map((t) => [t, ctx.table(t)]));
      for (const [name, text] of Object.entries(script.tables)) {
        await ctx.createTableWithSql(tables[name]!, boundFor(text, adapter, `tables.${name}`, tables).sql);
      }
      const loaded: Record<string, number> = {};
      if (script.load) {
        const bound = boundFor(script.load.sql, adapter, 'load.sql', tables);
        const draw = generatorsFor(script.params, { stream: 0, streams: 1, loaded: {} });
        const rows = script.load.rows;
        await ctx.knex.transaction(async (trx) => {
          for (let i = 0; i < rows; i++) {
            const values = new Map<string, unknown>();
            await trx.raw(
              bound.sql,
              bound.params.map((p) => (values.has(p) ? values.get(p) : (values.set(p, draw[p]!()), values.get(p)))) as Knex.RawBinding[],
            );
          }
        });
        for (const p of new Set(referencesOf(sqlFor(script.load.sql, adapter)!).params)) if (script.params[p]?.sequence) loaded[p] = rows;
      }
      // Every statement is bound now, so a missing dialect variant fails the cell before measuring.
      for (const [i, s] of script.statements.entries()) for (const [key, text] of partsOf(s, i)) boundFor(text, adapter, key, tables);
      return { tables, loaded, loadRows: script.load?.rows ?? 0 };
    },
    worker(ctx, state) {
      const workers = script.concurrency === 'single' ? 1 : ctx.profile.workers;
      const draw = generatorsFor(script.params, { stream: ctx.workerId, streams: workers, loaded: state.loaded });
      // Resolved once per worker, so an operation only draws values and picks them out by position.
      const prepared = script.statements.map((s, i) => {
        const parts = partsOf(s, i).map(([key, text]) => boundFor(text, ctx.adapter.name, key, state.tables));
        const params = [...new Set(parts.flatMap((p) => p.params))];
        return {
          spec: s,
          runnable: parts.map(rawStatement),
          draws: params.map((p) => draw[p]!),
          // Per part, the index in `draws` of each placeholder's value: a name used twice gets one value.
          slots: parts.map((p) => p.params.map((name) => params.indexOf(name))),
        };
      });
      const ledger: ScriptLedger = {
        counts: Object.fromEntries(statementNames.map((n) => [n, { ok: 0, failed: 0, ambiguous: 0, retriedAfterUnknown: 0 }])),
        wrongReads: 0,
      };
      const pick = (): number => {
        let r = Math.random() * totalWeight;
        for (let i = 0; i < prepared.length; i++) if ((r -= prepared[i]!.spec.weight) < 0) return i;
        return prepared.length - 1;
      };
      /** The logical execution under way: its retries run the same statement with the same values. */
      let pending: { index: number; drawn: ReturnType<(typeof prepared)[number]['draws'][number]>[]; acknowledged: boolean; unknown: boolean } | undefined;
      /** File the last execution under what its attempts came to, once no retry of it can follow. */
      const settle = () => {
        const p = pending;
        pending = undefined;
        if (!p) return;
        const count = ledger.counts[prepared[p.index]!.spec.name]!;
        if (p.acknowledged) {
          count.ok++;
          if (p.unknown) count.retriedAfterUnknown! += 1;
        } else if (p.unknown) count.ambiguous++;
        else count.failed++;
      };
      return {
        async op(attempt = 1) {
          if (attempt <= 1 || !pending || pending.acknowledged) {
            settle();
            const index = pick();
            pending = { index, drawn: prepared[index]!.draws.map((d) => d()), acknowledged: false, unknown: false };
          }
          const p = pending;
          const { spec, runnable, slots } = prepared[p.index]!;
          const bindings = (j: number) => slots[j]!.map((k) => p.drawn[k]!);
          try {
            let rows: Record<string, unknown>[];
            if (spec.steps) {
              rows = await ctx.statements.transaction(async (tx) => {
                const all: Record<string, unknown>[] = [];
                for (let j = 0; j < runnable.length; j++) all.push(...rowsOf(await tx.run(runnable[j]!, bindings(j))));
                return all;
              });
            } else {
              rows = rowsOf(await ctx.statements.run(runnable[0]!, bindings(0)));
            }
            p.acknowledged = true;
            if (spec.expectRows !== undefined && rows.length !== spec.expectRows) ledger.wrongReads++;
            return { rows: Math.max(1, rows.length) };
          } catch (err) {
            if (isAmbiguous(ctx, err)) p.unknown = true;
            throw err;
          }
        },
        ledger: () => {
          settle();
          return ledger;
        },
      };
    },
    async verify(ctx, state, ledgers) {
      const v: Verification = emptyVerification();
      const counts: Record<string, StatementCount> = {};
      let retried = 0;
      for (const n of statementNames) {
        counts[n] = { ok: 0, ambiguous: 0 };
        for (const l of ledgers) {
          const c = l.counts[n]!;
          counts[n].ok += c.ok;
          counts[n].ambiguous += c.ambiguous;
          v.failed += c.failed;
          v.ambiguous += c.ambiguous;
          retried += c.retriedAfterUnknown ?? 0;
        }
      }
      v.acknowledged = Object.values(counts).reduce((n, c) => n + c.ok, 0);
      v.mismatched = ledgers.reduce((n, l) => n + l.wrongReads, 0);
      if (v.mismatched) v.problems.push(`${v.mismatched} queries returned another number of rows than expectRows`);
      for (const [i, check] of script.verify.entries()) {
        const bound = boundFor(check.sql, ctx.adapter.name, `verify.${i}.sql`, state.tables);
        const row = rowsOf(await ctx.knex.raw(bound.sql))[0];
        const got = row ? Number(Object.values(row)[0]) : NaN;
        const [low, high] = expectedRange(parseExpected(check.equals, statementNames, script.load !== undefined) as never, state.loadRows, counts);
        if (!(got >= low && got <= high)) {
          v.mismatched++;
          // Each execution counted once, as acknowledged: a retry that applied it again leaves the result off by that much.
          const twice =
            retried > 0
              ? `; ${retried} executions were acknowledged after an attempt whose outcome was unknown, and are applied twice if that attempt committed`
              : '';
          v.problems.push(
            `verify.${i} (${bound.sql.trim().slice(0, 80)}) gave ${row ? got : 'no row'}, expected ${check.equals} = ${low === high ? low : `${low}..${high}`}${twice}`,
          );
        }
      }
      v.ok = v.problems.length === 0;
      return v;
    },
  });
}
