import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { ClassifiedError } from '../../adapters/contract';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import { newRunId, tablePrefix } from '../../matrix/namespace';
import { directKnex } from '../support/cells';

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(p: PromiseLike<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the statement to fail, and it succeeded');
}

/** Two transactions that lock two rows in opposite orders: the server must abort one of them. */
async function deadlock(knex: Knex, table: string): Promise<unknown> {
  const a = await knex.transaction();
  const b = await knex.transaction();
  try {
    await a(table).where({ id: 1 }).update({ v: 1 });
    await b(table).where({ id: 2 }).update({ v: 1 });
    const settled = await Promise.allSettled([a(table).where({ id: 2 }).update({ v: 2 }), b(table).where({ id: 1 }).update({ v: 2 })]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (!failed) throw new Error('no deadlock was reported');
    return failed.reason;
  } finally {
    await a.rollback().catch(() => {});
    await b.rollback().catch(() => {});
  }
}

/** A row held by one transaction while another, with a short lock wait, tries to update it. */
async function lockTimeout(knex: Knex, table: string, shortWait: string): Promise<unknown> {
  const holder = await knex.transaction();
  const waiter = await knex.transaction();
  try {
    await holder(table).where({ id: 1 }).update({ v: 3 });
    await waiter.raw(shortWait);
    return await rejection(waiter(table).where({ id: 1 }).update({ v: 4 }));
  } finally {
    await holder.rollback().catch(() => {});
    await waiter.rollback().catch(() => {});
  }
}

/**
 * A connection that times out while connecting: a server that accepts TCP and never answers, as a loaded machine's
 * server (or a container's port proxy) can be for a few seconds while 50 connections open at once.
 */
async function connectTimeout(adapter: 'postgres' | 'mysql'): Promise<unknown> {
  const held = new Set<Socket>();
  const silent = createServer((socket) => held.add(socket));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const { port } = silent.address() as AddressInfo;
  const a = adapterFor(adapter);
  const profile = a.defaultProfiles[0]!;
  const url = adapter === 'postgres' ? `postgres://postgres@127.0.0.1:${port}/test` : `mysql://root@127.0.0.1:${port}/test`;
  const knex = knexFactory(a.knexConfig({ url, provider: 'url' }, { ...profile, session: { ...profile.session, connect_timeout: 300 } } as typeof profile));
  try {
    return await rejection(knex.raw('select 1'));
  } finally {
    await knex.destroy();
    for (const socket of held) socket.destroy();
    await new Promise((r) => silent.close(r));
  }
}

/** A statement that runs past the session's statement time limit (each flavour names the limit differently). */
async function statementTimeout(adapter: 'postgres' | 'mysql', knex: Knex, table: string): Promise<unknown> {
  const trx = await knex.transaction();
  try {
    if (adapter === 'postgres') {
      await trx.raw("SET LOCAL statement_timeout = '100ms'");
      return await rejection(trx.raw('select pg_sleep(2)'));
    }
    // MariaDB's limit is max_statement_time (s), MySQL's max_execution_time (ms). SLEEP inside a WHERE clause: a query
    // made of SLEEP alone comes back as 1 on MySQL, not as an error, when its limit stops it.
    await trx.raw('SET SESSION max_statement_time = 0.1').catch(() => trx.raw('SET SESSION max_execution_time = 100'));
    return await rejection(trx.raw(`select id from ${table} where sleep(1) = 0`));
  } finally {
    await trx.rollback().catch(() => {});
  }
}

/** A PostgreSQL statement cancelled from another connection (pg_cancel_backend): the same code as a statement timeout, another cause. */
async function cancelled(knex: Knex): Promise<unknown> {
  const trx = await knex.transaction();
  try {
    const pid = (await trx.raw('select pg_backend_pid() as pid')).rows[0].pid as number;
    const sleeping = rejection(trx.raw('select pg_sleep(5)'));
    await new Promise((r) => setTimeout(r, 200));
    await knex.raw('select pg_cancel_backend(?)', [pid]);
    return await sleeping;
  } finally {
    await trx.rollback().catch(() => {});
  }
}

/** Real errors from a server adapter, in the order EXPECTED_CLASSES lists them. */
async function serverErrors(adapter: 'postgres' | 'mysql', shortWait: string, refusedUrl: string): Promise<ClassifiedError[]> {
  const a = adapterFor(adapter);
  const knex = directKnex(adapter);
  const table = `${tablePrefix(newRunId())}err`;
  try {
    await knex.schema.createTable(table, (t) => {
      t.integer('id').primary();
      t.integer('v');
    });
    await knex(table).insert([
      { id: 1, v: 0 },
      { id: 2, v: 0 },
    ]);
    const errors = [await deadlock(knex, table), await lockTimeout(knex, table, shortWait), await rejection(knex(table).insert({ id: 1, v: 0 }))];
    const refused = knexFactory(a.knexConfig({ url: refusedUrl, provider: 'url' }, a.defaultProfiles[0]!));
    errors.push(await rejection(refused.raw('select 1')).finally(() => refused.destroy()));
    errors.push(await connectTimeout(adapter));
    errors.push(await statementTimeout(adapter, knex, table));
    if (adapter === 'postgres') errors.push(await cancelled(knex));
    return errors.map((e) => a.classify(e));
  } finally {
    await knex.schema.dropTableIfExists(table);
    await knex.destroy();
  }
}

/** Provoke each adapter's typical failures against real databases and classify them. */
export const provokeErrors: Record<AdapterName, () => Promise<ClassifiedError[]>> = {
  async sqlite() {
    const a = adapterFor('sqlite');
    const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-errors-'));
    const profile = a.defaultProfiles.find((p) => p.name === 'sqlite-nowait')!;
    const server = { url: join(dir, 'errors.db'), provider: 'file' as const };
    const first = knexFactory(a.knexConfig(server, profile));
    const second = knexFactory(a.knexConfig(server, profile));
    try {
      await first.schema.createTable('t', (t) => t.integer('id').primary());
      const trx = await first.transaction();
      await trx('t').insert({ id: 1 });
      // The first connection holds the write lock; with busy_timeout=0 the second fails at once.
      const busy = await rejection(second('t').insert({ id: 2 }));
      await trx.commit();
      const duplicate = await rejection(second('t').insert({ id: 1 }));
      return [busy, duplicate].map((e) => a.classify(e));
    } finally {
      await first.destroy();
      await second.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  postgres: () => serverErrors('postgres', "SET LOCAL lock_timeout = '200ms'", 'postgres://postgres@127.0.0.1:1/test'),
  mysql: () => serverErrors('mysql', 'SET SESSION innodb_lock_wait_timeout = 1', 'mysql://root@127.0.0.1:1/test'),
};
