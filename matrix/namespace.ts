import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { Adapter, Profile } from '../adapters/contract';
import { UserError } from '../model/user-error';
import type { CellContext, WorkloadParams } from './workloads/contract';

/** A short run id: lower-case letters and digits, so it is safe in table names on every database. */
export function newRunId(): string {
  return `${Date.now().toString(36).slice(-5)}${randomBytes(3).toString('hex')}`;
}

/** Check a user-given run id. */
export function checkRunId(id: string): string {
  if (!/^[a-z0-9]{1,16}$/.test(id)) throw new UserError(`--run-id '${id}' must be 1 to 16 lower-case letters or digits`);
  return id;
}

/** The prefix of every table a run creates. */
export function tablePrefix(runId: string): string {
  return `dbm_${runId}_`;
}

/**
 * The tables one run created on one connection. Only names recorded here are ever dropped:
 * a table that already existed makes CREATE TABLE fail, and is then neither written nor dropped.
 */
export class OwnedTables {
  private readonly created: string[] = [];

  constructor(private readonly prefix: string) {}

  /** The run-specific name for a suffix. */
  name(suffix: string): string {
    return `${this.prefix}${suffix}`;
  }

  /** CREATE TABLE (never IF NOT EXISTS) and remember it as ours. */
  async create(knex: Knex, name: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void> {
    await this.createWith(knex, name, () => knex.schema.createTable(name, build));
  }

  /** The same with a CREATE TABLE statement the workload wrote, which must name the table. */
  async createWithSql(knex: Knex, name: string, sql: string): Promise<void> {
    if (!sql.includes(name) || !/^\s*create\s+table\s/i.test(sql)) throw new Error(`refusing to run '${sql.slice(0, 60)}': expected CREATE TABLE ${name}`);
    await this.createWith(knex, name, () => knex.raw(sql));
    if (!(await knex.schema.hasTable(name))) throw new Error(`'${sql.slice(0, 60)}' did not create table ${name}`);
  }

  private async createWith(knex: Knex, name: string, create: () => PromiseLike<unknown>): Promise<void> {
    if (!name.startsWith(this.prefix)) throw new Error(`refusing to create ${name}: outside this run's namespace ${this.prefix}`);
    try {
      await create();
    } catch (err) {
      if (await knex.schema.hasTable(name).catch(() => false)) {
        throw new Error(`table ${name} already exists and was not created by this run; it was left untouched`);
      }
      throw err;
    }
    this.created.push(name);
  }

  /** Drop every table this run created, newest first; report what could not be dropped. */
  async dropAll(knex: Knex): Promise<string[]> {
    const failures: string[] = [];
    for (const name of [...this.created].reverse()) {
      try {
        await knex.schema.dropTable(name);
        this.created.splice(this.created.indexOf(name), 1);
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
      }
    }
    return failures;
  }
}

/** The context a workload's setup and verify get, creating tables only through `owned`. */
export function cellContext(knex: Knex, adapter: Adapter, profile: Profile, params: WorkloadParams, owned: OwnedTables): CellContext {
  return {
    knex,
    adapter,
    profile,
    params,
    table: (suffix) => owned.name(suffix),
    createTable: (name, build) => owned.create(knex, name, build),
    createTableWithSql: (name, sql) => owned.createWithSql(knex, name, sql),
  };
}

/** Where a command's output goes by default: dbmatrix-runs/<time>-<label> under the working directory (git-ignored here). */
export function defaultRunDir(label: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return join(process.cwd(), 'dbmatrix-runs', `${stamp}-${label}`);
}
