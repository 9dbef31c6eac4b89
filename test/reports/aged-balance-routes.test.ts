// GET /v1/reports/aged-balance over HTTP, on the hand-checked portfolio of
// portfolio.ts: each customer's open receivables by bucket as of a date, pages,
// files, a collector's scope, refusals; the totals are the aging balance's.
import { describe, it, expect } from 'vitest';
import { backends } from '../helpers/storage.js';
import { reportsApi } from './api.js';
import { seedPortfolio } from './portfolio.js';
import { seedConsolidatedPortfolio } from './consolidated-portfolio.js';
import * as f from '../agenda/factories.js';

type Bucket = { bucket: string; amount: number; count: number };
const amounts = (buckets: Bucket[]) => buckets.map((b) => b.amount);

for (const backend of await backends()) {
  describe(`the aged balance by customer on ${backend}`, () => {
    const api = reportsApi(backend, seedPortfolio);
    const { get } = api;

    describe('when a credit manager asks for it as of a date', () => {
      it("spreads each customer's open invoices over the aging's buckets, not yet due included", async () => {
        const res = await get('/v1/reports/aged-balance?asOf=2026-03-31');
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body).toMatchObject({ asOf: '2026-03-31', filters: { currency: 'USD' }, nextCursor: null });
        expect(body.customers.map((c: { customerExternalId: string }) => c.customerExternalId)).toEqual(['A', 'B']);
        const [a, b] = body.customers;
        // A2: 1,500 open, 45 days past due; A3: 3,000 not yet due. B1: 400, 151 days; B2: 600, 40 days; B3 settled.
        expect(a).toMatchObject({ collector: 'alice', total: { amount: 4500, count: 2 }, overdue: { amount: 1500, count: 1 }, maxDaysOverdue: 45 });
        expect(amounts(a.buckets)).toEqual([3000, 0, 1500, 0, 0]);
        expect(b).toMatchObject({ collector: 'bob', total: { amount: 1000, count: 2 }, overdue: { amount: 1000, count: 2 }, maxDaysOverdue: 151 });
        expect(amounts(b.buckets)).toEqual([0, 0, 600, 0, 400]);
      });

      it("totals every customer as the aging balance does on that date", async () => {
        const body = (await get('/v1/reports/aged-balance?asOf=2026-03-31&limit=1')).json();
        const aging = (await get('/v1/reports/aging?asOf=2026-03-31&months=1')).json().groups[0];
        expect(body.totals.customers).toBe(2);
        expect(body.totals.total).toEqual(aging.total);
        expect(body.totals.overdue).toEqual(aging.overdue);
        expect(body.totals.buckets).toEqual(aging.buckets.map(({ bucket, amount, count }: Bucket) => ({ bucket, amount, count })));
      });

      it('pages by customer with the same totals, and refuses a cursor of another date', async () => {
        const first = (await get('/v1/reports/aged-balance?asOf=2026-03-31&limit=1')).json();
        expect(first.customers.map((c: { customerExternalId: string }) => c.customerExternalId)).toEqual(['A']);
        const second = (await get(`/v1/reports/aged-balance?asOf=2026-03-31&limit=1&after=${first.nextCursor}`)).json();
        expect(second.customers.map((c: { customerExternalId: string }) => c.customerExternalId)).toEqual(['B']);
        expect(second.nextCursor).toBeNull();
        expect(second.totals).toEqual(first.totals);
        const elsewhere = await get(`/v1/reports/aged-balance?asOf=2026-03-30&limit=1&after=${first.nextCursor}`);
        expect(elsewhere.statusCode).toBe(400);
        expect(elsewhere.json().detail).toMatch(/asOf=2026-03-31/);
      });

      // A cursor is the last row's key: asked with other filters it listed that other report's customers after A.
      it.each([['segment=small', /without segment/], ['collector=bob', /without collector/], ['currency=consolidated', /currency=USD/]])(
        'refuses the cursor of the whole report asked with %s, naming the parameter', async (other, named) => {
          const first = (await get('/v1/reports/aged-balance?asOf=2026-03-31&limit=1')).json();
          const res = await get(`/v1/reports/aged-balance?asOf=2026-03-31&limit=1&${other}&after=${first.nextCursor}`);
          expect(res.statusCode).toBe(400);
          expect(res.json().errors).toEqual([expect.objectContaining({ path: 'querystring/after', message: expect.stringMatching(named) })]);
        });

      it('gives each customer its credit limit and risk score beside what it owes', async () => {
        await api.t.storage.db.query("UPDATE customers SET credit_limit = 4000, risk_score = 72 WHERE external_id = 'A'");
        try {
          const [a, b] = (await get('/v1/reports/aged-balance?asOf=2026-03-31')).json().customers;
          expect(a).toMatchObject({ total: { amount: 4500 }, creditLimit: 4000, accountCurrency: 'USD', riskScore: 72 });
          expect(b).toMatchObject({ creditLimit: null, riskScore: null });
        } finally {
          await api.t.storage.db.query("UPDATE customers SET credit_limit = NULL, risk_score = NULL WHERE external_id = 'A'");
        }
      });

      it('exports every customer as CSV, one line each and no totals line', async () => {
        const res = await get('/v1/reports/aged-balance?asOf=2026-03-31&limit=1&format=csv');
        expect(res.headers['content-disposition']).toContain('"aged-balance-USD-2026-03-31.csv"');
        expect(res.body.trim().split('\r\n')).toEqual([
          'customer_external_id,customer_name,customer_segment,collector,total_amount,current_amount,1-30_amount,31-60_amount,61-90_amount,90+_amount,' +
            'overdue_amount,open_invoices,overdue_invoices,max_days_overdue,credit_limit,account_currency,risk_score,unapplied_credits,excess_credits,net_amount',
          'A,Customer A,standard,alice,4500,3000,0,1500,0,0,1500,2,1,45,,USD,,0,0,4500',
          'B,Customer B,small,bob,1000,0,0,600,0,400,1000,2,2,151,,USD,,0,0,1000',
        ]);
      });
    });

    describe('when a collector key asks for it', () => {
      it("lists its own customers only, totals included, and is refused another collector's", async () => {
        const mine = (await get('/v1/reports/aged-balance?asOf=2026-03-31', 'collector')).json();
        expect(mine.customers.map((c: { customerExternalId: string }) => c.customerExternalId)).toEqual(['A']);
        expect(mine.totals).toMatchObject({ customers: 1, total: { amount: 4500, count: 2 } });
        expect((await get('/v1/reports/aged-balance?asOf=2026-03-31&format=csv', 'collector')).body.trim().split('\r\n')).toHaveLength(2);
        expect((await get('/v1/reports/aged-balance?collector=bob', 'collector')).statusCode).toBe(403);
      });
    });

    describe('when the query is not valid', () => {
      it.each(['limit=0', 'limit=5001', 'after=not-a-cursor', 'months=3', 'asOf=2026-02-30', 'format=pdf'])('answers 400 for %s', async (query) => {
        const res = await get(`/v1/reports/aged-balance?${query}`);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
      });
    });
  });

  describe(`the aged balance ordered by overdue on ${backend}`, () => {
    // Customer 0 comes first by name and owes least: 50 past due, against A's 1,500 and B's 1,000.
    const { get } = reportsApi(backend, async (db) => {
      await seedPortfolio(db);
      const zero = await f.customer(db, { externalId: '0', segment: 'small' });
      await f.invoice(db, { customerId: zero, number: 'Z1', issueDate: '2026-02-01', dueDate: '2026-03-01', amount: 50 });
    });
    const ids = (body: { customers: { customerExternalId: string }[] }) => body.customers.map((c) => c.customerExternalId);

    it('lists the largest overdue first on asking, paging on it, and refuses a cursor of the other order', async () => {
      expect(ids((await get('/v1/reports/aged-balance?asOf=2026-03-31')).json())).toEqual(['0', 'A', 'B']);
      const first = (await get('/v1/reports/aged-balance?asOf=2026-03-31&orderBy=overdue&limit=2')).json();
      expect(ids(first)).toEqual(['A', 'B']);
      const second = (await get(`/v1/reports/aged-balance?asOf=2026-03-31&orderBy=overdue&limit=2&after=${first.nextCursor}`)).json();
      expect(ids(second)).toEqual(['0']);
      expect(second.nextCursor).toBeNull();
      const csv = (await get('/v1/reports/aged-balance?asOf=2026-03-31&orderBy=overdue&format=csv')).body.trim().split('\r\n');
      expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['A', 'B', '0']);
      const byName = await get(`/v1/reports/aged-balance?asOf=2026-03-31&limit=2&after=${first.nextCursor}`);
      expect(byName.statusCode).toBe(400);
      expect(byName.json().detail).toMatch(/orderBy=overdue/);
      const forged = Buffer.from('["2026-03-31","currency=USD","overdue","1e3; --","A"]').toString('base64url');
      expect((await get(`/v1/reports/aged-balance?asOf=2026-03-31&orderBy=overdue&after=${forged}`)).statusCode).toBe(400);
    });
  });

  describe(`the aged balance consolidated on ${backend}`, () => {
    const api = reportsApi(backend, seedConsolidatedPortfolio);
    const { get } = api;

    it('values each customer at the rate of the date, its totals the consolidated aging balance', async () => {
      const mixed = await get('/v1/reports/aged-balance?asOf=2026-03-31');
      expect(mixed.statusCode).toBe(422);
      const body = (await get('/v1/reports/aged-balance?asOf=2026-03-31&currency=consolidated')).json();
      // E1 1,500 EUR × 1.05, G1 800 GBP × 1.60, U1 1,200 USD.
      expect(body.customers.map((c: { customerExternalId: string; total: { amount: number } }) => [c.customerExternalId, c.total.amount]))
        .toEqual(expect.arrayContaining([['E', 1575], ['G', 1280], ['U', 1200]]));
      const aging = (await get('/v1/reports/aging?asOf=2026-03-31&months=1&currency=consolidated')).json().groups[0];
      expect(body.totals.total).toEqual(aging.total);
      expect(body.consolidation.currency).toBe('USD');
      const csv = await get('/v1/reports/aged-balance?asOf=2026-03-31&currency=consolidated&format=csv');
      expect(csv.headers['content-disposition']).toContain('"aged-balance-consolidated-USD-2026-03-31.csv"');
      expect(csv.body.split('\r\n')[0]).toMatch(/,consolidated_in$/);
    });

    it('refuses, in its pages and its files alike, a date on which a currency in scope has no rate', async () => {
      // JPY priced from 2026-03-01 only: J1 is open on 02-28 without a rate.
      const db = api.t.storage.db;
      await f.exchangeRate(db, 'JPY', 'USD', '2026-03-01', 0.0065);
      const j = await f.customer(db, { externalId: 'J', currency: 'JPY' });
      const id = await f.invoice(db, { customerId: j, number: 'J1', issueDate: '2026-02-01', dueDate: '2026-03-03', amount: 100000, currency: 'JPY' });
      try {
        for (const format of ['json', 'csv', 'xlsx']) {
          const res = await get(`/v1/reports/aged-balance?asOf=2026-02-28&currency=consolidated&format=${format}`);
          expect(res.statusCode, format).toBe(422);
          expect(res.json()).toMatchObject({ code: 'AR_ERR_EXCHANGE_RATE_MISSING', currencies: ['JPY'], date: '2026-02-28' });
        }
        expect((await get('/v1/reports/aged-balance?asOf=2026-03-31&currency=consolidated&format=csv')).statusCode).toBe(200);
      } finally {
        await db.query('DELETE FROM invoices WHERE id = $1', [id]);
        await db.query("DELETE FROM customers WHERE external_id = 'J'");
        await db.query("DELETE FROM exchange_rates WHERE currency = 'JPY'");
      }
    });
  });
}
