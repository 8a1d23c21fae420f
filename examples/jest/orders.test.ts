// A user's repository test, run once per database with dbmatrix/jest.
//   package.json:  "scripts": { "test": "dbmatrix test" }
//   npm test                               every adapter (servers from DBMATRIX_POSTGRES_URL / DBMATRIX_MYSQL_URL, else Testcontainers)
//   npm test -- --adapter=postgres         PostgreSQL only

import { describeEachAdapter } from 'dbmatrix/jest';
import type { Knex } from 'knex';

/** The code under test; in a real project it lives in src/ and is imported. */
class OrdersRepository {
  constructor(private readonly knex: Knex) {}

  /** Place an order; returns its id. */
  async place(customer: string, totalCents: number): Promise<number> {
    // PostgreSQL and SQLite hand back the RETURNING row, MySQL the insert id: the kind of difference these tests exist for.
    const [inserted] = await this.knex('orders').insert({ customer, total_cents: totalCents }, ['id']);
    return typeof inserted === 'object' ? inserted.id : inserted;
  }

  /** What a customer has spent, in cents. */
  async spentBy(customer: string): Promise<number> {
    const row = await this.knex('orders').where({ customer }).sum({ spent: 'total_cents' }).first();
    // SUM comes back as a string from PostgreSQL (bigint) and from MySQL (decimal).
    return Number(row?.spent ?? 0);
  }
}

describeEachAdapter('OrdersRepository', (db) => {
  let orders: OrdersRepository;

  beforeAll(async () => {
    // The block has a schema (PostgreSQL), database (MySQL) or file (SQLite) of its own, dropped after it: plain names, no leftovers.
    await db.knex.schema.createTable('orders', (t) => {
      t.increments('id');
      t.string('customer', 100).notNullable();
      t.integer('total_cents').notNullable();
    });
    orders = new OrdersRepository(db.knex);
  });

  beforeEach(() => db.knex('orders').del());

  test('place() returns the id of the new order', async () => {
    const id = await orders.place('ada', 1250);
    expect(await db.knex('orders').where({ id }).first()).toMatchObject({ customer: 'ada', total_cents: 1250 });
  });

  test('spentBy() adds up one customer’s orders only', async () => {
    await orders.place('ada', 1250);
    await orders.place('ada', 750);
    await orders.place('bob', 99);
    expect(await orders.spentBy('ada')).toBe(2000);
    expect(await orders.spentBy('nobody')).toBe(0);
  });
});
