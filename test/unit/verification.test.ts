import knexFactory, { type Knex } from 'knex';
import type { Adapter } from '../../adapters/contract';
import { sqlite } from '../../adapters/sqlite/adapter';
import { knexPath } from '../../driver-paths/knex-path';
import { cellContext, OwnedTables } from '../../matrix/namespace';
import type { CellContext, Workload } from '../../matrix/workloads/contract';
import { crudMix } from '../../matrix/workloads/crud-mix';
import { hotRowUpdate } from '../../matrix/workloads/hot-row-update';
import { insertSequential } from '../../matrix/workloads/insert-sequential';

/** A real in-memory SQLite cell context; verification must catch every kind of tampering. */
function context(knex: Knex): CellContext {
  const owned = new OwnedTables('dbm_unit_');
  return cellContext(
    knex,
    sqlite as unknown as Adapter,
    sqlite.defaultProfiles[0]!,
    { crudWeights: { insert: 60, read: 20, update: 20, delete: 0 }, hotRows: 2 },
    owned,
  );
}

describe('verify() checks the data, not the counters', () => {
  let knex: Knex;
  beforeEach(() => (knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true })));
  afterEach(() => knex.destroy());

  /** Set a workload up and run `ops` operations of one worker; verify then gets what it would get from the runner. */
  async function ran<S, L>(workload: Workload<S, L>, ops: number) {
    const ctx = context(knex);
    const state = await workload.setup(ctx);
    const worker = workload.worker({ ...ctx, statements: knexPath(ctx.knex), workerId: 0, batchRows: () => 1 }, state);
    for (let i = 0; i < ops; i++) await worker.op(1);
    return { ctx, state, ledger: worker.ledger(), verify: () => workload.verify(ctx, state, [worker.ledger()]) };
  }
  const insertCell = () => ran(insertSequential, 10);

  test('an untouched table verifies', async () => {
    const { ctx, state, ledger } = await insertCell();
    expect(await insertSequential.verify(ctx, state, [ledger])).toMatchObject({ ok: true, acknowledged: 10 });
  });

  test.each([
    ['a lost row', (t: string) => knex(t).where({ seq: 3 }).del(), { lost: 1 }],
    ['a phantom row', (t: string) => knex(t).insert({ worker_id: 0, seq: 99, payload: 'x'.repeat(64), value: 0 }), { phantom: 1 }],
    [
      'a duplicated row',
      async (t: string) => knex(t).insert({ ...(await knex(t).first('worker_id', 'seq', 'payload', 'value').where({ seq: 4 })) }),
      { duplicated: 1 },
    ],
    ['a changed payload', (t: string) => knex(t).where({ seq: 5 }).update({ payload: 'tampered' }), { mismatched: 1 }],
  ])('%s fails verification', async (_what, tamper, counts) => {
    const { ctx, state, ledger } = await insertCell();
    await tamper(state.table);
    const v = await insertSequential.verify(ctx, state, [ledger]);
    expect(v).toMatchObject({ ok: false, ...counts });
    expect(v.problems.length).toBeGreaterThan(0);
  });

  test('a hot row whose counter disagrees with its committed increments fails verification', async () => {
    const { state, verify } = await ran(hotRowUpdate, 20);
    expect((await verify()).ok).toBe(true);
    await knex(state.hot).where({ id: 1 }).increment('value', 1);
    expect(await verify()).toMatchObject({ ok: false, mismatched: 1 });
  });

  test('a crud-mix row with a lost update fails verification', async () => {
    const { state, verify } = await ran(crudMix, 50);
    expect((await verify()).ok).toBe(true);
    await knex(state.table).update({ value: -1 });
    expect((await verify()).ok).toBe(false);
  });
});
