// GET /v1/data-quality/over-allocated-invoices and -payments: allocations
// stored beyond an invoice's or a payment's amount before imports refused
// them, listed with what to move, on both backends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Db } from '../../src/db/sql.js';
import { backends } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';

async function id(db: Db, sql: string, params: unknown[]): Promise<number> {
  const [row] = await db.query<{ id: number }>(`${sql} RETURNING id`, params);
  return row.id;
}

// Written straight to the tables, as rows stored before the import's checks were.
async function ledger(db: Db): Promise<void> {
  const c = await id(db, `INSERT INTO customers (external_id, name, country, segment) VALUES ('C-1', 'Acme', 'FR', 'standard')`, []);
  const invoice = (ext: string, amount: number) => id(db,
    `INSERT INTO invoices (external_id, customer_id, number, issue_date, due_date, amount, open_amount, currency)
     VALUES ($1, $2, $1, '2026-09-01', '2026-10-01', $3, 0, 'EUR')`, [ext, c, amount]);
  const payment = (ext: string, amount: number) => id(db,
    `INSERT INTO payments (external_id, customer_id, payment_date, amount, currency, method) VALUES ($1, $2, '2026-10-05', $3, 'EUR', 'transfer')`, [ext, c, amount]);
  const allocate = (ext: string, p: number, i: number, amount: number) =>
    db.query('INSERT INTO payment_allocations (external_id, payment_id, invoice_id, amount) VALUES ($1, $2, $3, $4)', [ext, p, i, amount]);
  const over = await invoice('INV-OVER', 100);
  const second = await invoice('INV-2', 50);
  const p1 = await payment('PAY-1', 80);
  const p2 = await payment('PAY-2', 500);
  const p3 = await payment('PAY-3', 10);
  await allocate('AL-1', p1, over, 80);
  await allocate('AL-2', p2, over, 70.5);
  await allocate('AL-3', p2, second, 50);
  // A payment of 10 allocated 30: over-allocated on the payment's side, and INV-2 (50) with it.
  await allocate('AL-4', p3, second, 30);
}

for (const backend of await backends()) {
  describe(`over-allocated invoices and payments on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(backend);
      await ledger(t.storage.db);
    });
    afterAll(async () => t.close());

    const get = (url: string, role: 'platform' | 'analyst' | 'collector' = 'analyst') => t.app.inject({ method: 'GET', url, headers: auth(role) });

    it('lists an invoice allocated beyond its amount, with its allocations largest first', async () => {
      const res = await get('/v1/data-quality/over-allocated-invoices');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        count: 2,
        nextCursor: null,
        items: [
          {
            externalId: 'INV-OVER', customerExternalId: 'C-1', currency: 'EUR', amount: 100, allocated: 150.5, excess: 50.5, allocationCount: 2,
            allocations: [{ externalId: 'AL-1', paymentExternalId: 'PAY-1', amount: 80 }, { externalId: 'AL-2', paymentExternalId: 'PAY-2', amount: 70.5 }],
          },
          {
            externalId: 'INV-2', customerExternalId: 'C-1', currency: 'EUR', amount: 50, allocated: 80, excess: 30, allocationCount: 2,
            allocations: [{ externalId: 'AL-3', paymentExternalId: 'PAY-2', amount: 50 }, { externalId: 'AL-4', paymentExternalId: 'PAY-3', amount: 30 }],
          },
        ],
      });
    });

    it('lists a payment allocated beyond what was received, and leaves out one allocated within it', async () => {
      const res = await get('/v1/data-quality/over-allocated-payments', 'platform');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        count: 1,
        nextCursor: null,
        items: [{
          externalId: 'PAY-3', customerExternalId: 'C-1', currency: 'EUR', amount: 10, allocated: 30, excess: 20, allocationCount: 1,
          allocations: [{ externalId: 'AL-4', invoiceExternalId: 'INV-2', amount: 30 }],
        }],
      });
    });

    it('pages, the count staying the whole list', async () => {
      const first = (await get('/v1/data-quality/over-allocated-invoices?limit=1')).json();
      expect(first).toMatchObject({ count: 2, items: [{ externalId: 'INV-OVER' }] });
      const second = (await get(`/v1/data-quality/over-allocated-invoices?limit=1&after=${first.nextCursor}`)).json();
      expect(second).toMatchObject({ count: 2, items: [{ externalId: 'INV-2' }], nextCursor: null });
    });

    it('refuses a collector key and a bad limit', async () => {
      expect((await get('/v1/data-quality/over-allocated-invoices', 'collector')).statusCode).toBe(403);
      const bad = await get('/v1/data-quality/over-allocated-invoices?limit=0');
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });
}
