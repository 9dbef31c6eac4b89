// GET /v1/reports/overdue over HTTP, on the hand-checked portfolio of
// portfolio.ts (its rows and totals are checked in overdue.test.ts): pages,
// CSV, a collector's scope, refusals; consolidated, on consolidated-portfolio.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { auth } from '../helpers/app.js';
import { reportsApi } from './api.js';
import { seedPortfolio } from './portfolio.js';
import { seedConsolidatedPortfolio } from './consolidated-portfolio.js';
import { todayIso, addDays } from '../../src/agenda/dates.js';
import * as f from '../agenda/factories.js';

const HEADER = 'customer_external_id,customer_name,customer_segment,collector,invoice_external_id,number,issue_date,due_date,currency,amount,' +
  'open_amount,days_overdue,bucket,status,status_date,promised_date,late_probability,expected_payment_date';

for (const backend of await backends()) {
  describe(`the overdue statement API on ${backend}`, () => {
    const api = reportsApi(backend, seedPortfolio);
    const { get } = api;

    describe('when a credit manager asks for the statement as of a date', () => {
      it('answers the invoices past due with the totals of the whole statement and the method', async () => {
        const res = await get('/v1/reports/overdue?asOf=2026-03-31');
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body).toMatchObject({ asOf: '2026-03-31', minDaysOverdue: 1, filters: { currency: 'USD', collector: null }, nextCursor: null });
        expect(body.method).toMatch(/totals per bucket are the aging balance's/);
        expect(body.items.map((i: { number: string }) => i.number)).toEqual(['A2', 'B1', 'B2']);
        const aging = (await get('/v1/reports/aging?asOf=2026-03-31&months=1')).json().groups[0];
        expect(body.totals.overdue).toEqual(aging.overdue);
        expect(body.totals.buckets).toEqual(aging.buckets.slice(1).map(({ bucket, amount, count }: { bucket: string; amount: number; count: number }) => ({ bucket, amount, count })));
      });

      it('pages with limit and after, each page with the same totals', async () => {
        const first = (await get('/v1/reports/overdue?asOf=2026-03-31&limit=2')).json();
        expect(first.items.map((i: { number: string }) => i.number)).toEqual(['A2', 'B1']);
        const second = (await get(`/v1/reports/overdue?asOf=2026-03-31&limit=2&after=${first.nextCursor}`)).json();
        expect(second.items.map((i: { number: string }) => i.number)).toEqual(['B2']);
        expect(second.nextCursor).toBeNull();
        expect(second.totals).toEqual(first.totals);
      });

      // A cursor is the last row's key: asked with other filters it started that other statement after a row of this one.
      it.each([
        ['collector=bob', /without collector/],
        ['segment=small', /without segment/],
        ['minDaysOverdue=41', /minDaysOverdue=1\b/],
        ['currency=consolidated', /currency=USD/],
      ])('refuses the cursor of the whole statement asked with %s, naming the parameter', async (other, named) => {
        const first = (await get('/v1/reports/overdue?asOf=2026-03-31&limit=1')).json();
        const res = await get(`/v1/reports/overdue?asOf=2026-03-31&limit=1&${other}&after=${first.nextCursor}`);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.json().errors).toEqual([expect.objectContaining({ path: 'querystring/after', message: expect.stringMatching(named) })]);
      });

      it("refuses a narrowed statement's cursor on the whole one, and continues it with its own parameters", async () => {
        const first = (await get('/v1/reports/overdue?asOf=2026-03-31&limit=1&collector=bob')).json();
        expect(first.items.map((i: { number: string }) => i.number)).toEqual(['B1']);
        const whole = await get(`/v1/reports/overdue?asOf=2026-03-31&limit=1&after=${first.nextCursor}`);
        expect(whole.statusCode).toBe(400);
        expect(whole.json().detail).toMatch(/given for a collector: ask with the collector of the page it came from/);
        const next = (await get(`/v1/reports/overdue?asOf=2026-03-31&limit=1&collector=bob&after=${first.nextCursor}`)).json();
        expect(next).toMatchObject({ items: [{ number: 'B2' }], nextCursor: null });
      });

      it('narrows to the invoices over 30 days in one parameter', async () => {
        const body = (await get('/v1/reports/overdue?asOf=2026-03-31&minDaysOverdue=41')).json();
        expect(body.items.map((i: { number: string }) => i.number)).toEqual(['A2', 'B1']);
        expect(body.totals.overdue).toEqual({ amount: 1900, count: 2 });
      });

      it('exports every row as CSV, one header and one line per invoice, no totals line', async () => {
        const res = await get('/v1/reports/overdue?asOf=2026-03-31&format=csv&limit=1');
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        expect(res.headers['content-disposition']).toContain('"overdue-USD-2026-03-31.csv"');
        const lines = res.body.split('\r\n');
        expect(lines.pop()).toBe('');
        expect(lines[0]).toBe(HEADER);
        expect(lines.slice(1).map((l) => l.split(',').slice(0, 6).concat(l.split(',').slice(10, 14)))).toEqual([
          ['A', 'Customer A', 'standard', 'alice', expect.any(String), 'A2', '1500', '45', '31-60', ''],
          ['B', 'Customer B', 'small', 'bob', expect.any(String), 'B1', '400', '151', '90+', ''],
          ['B', 'Customer B', 'small', 'bob', expect.any(String), 'B2', '600', '40', '31-60', 'dispute'],
        ]);
        const byAccept = await api.t.app.inject({ url: '/v1/reports/overdue?asOf=2026-03-31', headers: { ...auth('analyst'), accept: 'text/csv' } });
        expect(byAccept.body).toBe(res.body);
      });

      it("gives the stored model outputs on today's statement only", async () => {
        const customer = await f.customer(api.t.storage.db, { externalId: 'T', segment: 'standard' });
        const id = await f.invoice(api.t.storage.db, { customerId: customer, number: 'T1', dueDate: addDays(todayIso(), -10), amount: 250 });
        await f.computedField(api.t.storage.db, { entityType: 'invoice', entityId: id, name: 'lateProbability', value: 0.4 });
        await f.computedField(api.t.storage.db, { entityType: 'invoice', entityId: id, name: 'expectedPaymentDate', value: addDays(todayIso(), 5) });
        try {
          const today = (await get('/v1/reports/overdue?minDaysOverdue=10&limit=5000')).json();
          expect(today.asOf).toBe(todayIso());
          expect(today.items.find((i: { number: string }) => i.number === 'T1')).toMatchObject({
            daysOverdue: 10, bucket: '1-30', lateProbability: 0.4, expectedPaymentDate: addDays(todayIso(), 5),
          });
          const before = (await get(`/v1/reports/overdue?asOf=${addDays(todayIso(), -1)}&limit=5000`)).json();
          expect(before.items.find((i: { number: string }) => i.number === 'T1')).toMatchObject({ lateProbability: null, expectedPaymentDate: null });
        } finally {
          await api.t.storage.db.query('DELETE FROM computed_fields WHERE entity_id = $1', [id]);
          await api.t.storage.db.query('DELETE FROM invoices WHERE id = $1', [id]);
          await api.t.storage.db.query('DELETE FROM customers WHERE id = $1', [customer]);
        }
      });
    });

    describe('when a collector key asks for it', () => {
      it("lists its own customers' invoices only, and is refused another collector's", async () => {
        const mine = await get('/v1/reports/overdue?asOf=2026-03-31', 'collector');
        expect(mine.statusCode).toBe(200);
        expect(mine.json().filters.collector).toBe('alice');
        expect(mine.json().items.map((i: { customerExternalId: string; number: string }) => [i.customerExternalId, i.number])).toEqual([['A', 'A2']]);
        expect(mine.json().totals.overdue).toEqual({ amount: 1500, count: 1 });
        const csv = await get('/v1/reports/overdue?asOf=2026-03-31&format=csv', 'collector');
        expect(csv.body.trim().split('\r\n')).toHaveLength(2);
        expect((await get('/v1/reports/overdue?asOf=2026-03-31&collector=bob', 'collector')).statusCode).toBe(403);
      });
    });

    describe('when the query is not valid', () => {
      it.each([
        ['minDaysOverdue=0', 'querystring/minDaysOverdue'],
        ['minDaysOverdue=-5', 'querystring/minDaysOverdue'],
        ['minDaysOverdue=1.5', 'querystring/minDaysOverdue'],
        ['limit=5001', 'querystring/limit'],
        ['months=3', 'querystring'],
        ['groupBy=collector', 'querystring'],
        ['after=not-a-cursor', 'querystring/after'],
        [`after=${Buffer.from('["2026-03-31","minDaysOverdue=1","Customer A","A","2026-02-30","A2"]').toString('base64url')}`, 'querystring/after'],
        ['asOf=31/03/2026', 'querystring/asOf'],
      ])('answers 400 with a problem for %s', async (param, path) => {
        const res = await get(`/v1/reports/overdue?${param}`);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.json().code).toBe('AR_ERR_VALIDATION');
        expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
      });

      it('answers 404 for a group that does not exist', async () => {
        const res = await get('/v1/reports/overdue?group=GRP-NOPE');
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe('AR_ERR_NOT_FOUND');
      });
    });

    describe('when the portfolio holds invoices in two currencies', () => {
      beforeAll(async () => {
        const c = await f.customer(api.t.storage.db, { externalId: 'C-EUR', segment: 'standard' });
        await f.invoice(api.t.storage.db, { customerId: c, number: 'C1', issueDate: '2026-03-01', dueDate: '2026-03-20', amount: 700, currency: 'EUR' });
      });
      afterAll(async () => {
        await api.t.storage.db.query("DELETE FROM invoices WHERE number = 'C1'");
        await api.t.storage.db.query("DELETE FROM customers WHERE external_id = 'C-EUR'");
      });

      it('answers 422 naming them, and each on its own when asked', async () => {
        const res = await get('/v1/reports/overdue?asOf=2026-03-31');
        expect(res.statusCode).toBe(422);
        expect(res.json()).toMatchObject({ code: 'AR_ERR_MIXED_CURRENCIES', currencies: ['EUR', 'USD'] });
        const eur = (await get('/v1/reports/overdue?asOf=2026-03-31&currency=EUR')).json();
        expect(eur.items.map((i: { number: string; openAmount: number }) => [i.number, i.openAmount])).toEqual([['C1', 700]]);
        expect(eur.filters.currency).toBe('EUR');
      });
    });
  });

  describe(`the consolidated overdue statement API on ${backend}`, () => {
    const api = reportsApi(backend, seedConsolidatedPortfolio);
    const { get } = api;

    it('values each row in the reporting currency at the rate of the date, in JSON and CSV', async () => {
      const body = (await get('/v1/reports/overdue?asOf=2026-03-31&currency=consolidated')).json();
      // U1 1,200 USD; E1 1,500 EUR × 1.05; G1 800 GBP × 1.60 (consolidated-portfolio.ts).
      expect(body.items.map((i: { number: string; openAmount: number; valued: number }) => [i.number, i.openAmount, i.valued])).toEqual([
        ['E1', 1500, 1575], ['G1', 800, 1280], ['U1', 1200, 1200],
      ]);
      expect(body.totals.overdue).toEqual({ amount: 4055, count: 3 });
      expect(body).toMatchObject({ filters: { currency: 'consolidated' }, consolidation: { currency: 'USD' } });
      const csv = await get('/v1/reports/overdue?asOf=2026-03-31&currency=consolidated&format=csv');
      expect(csv.headers['content-disposition']).toContain('"overdue-consolidated-USD-2026-03-31.csv"');
      const [header, e1] = csv.body.trim().split('\r\n');
      expect(header).toMatch(/,open_amount,valued,days_overdue,.*,expected_payment_date,consolidated_in$/);
      expect(e1).toMatch(/,EUR,2000,1500,1575,50,31-60,.*,USD$/);
    });

    it('answers 422 when a currency in scope has no rate that day, in JSON and CSV', async () => {
      const j = await f.customer(api.t.storage.db, { externalId: 'J', currency: 'JPY' });
      const id = await f.invoice(api.t.storage.db, { customerId: j, number: 'J1', issueDate: '2026-02-01', dueDate: '2026-03-03', amount: 100000, currency: 'JPY' });
      try {
        for (const format of ['json', 'csv']) {
          const res = await get(`/v1/reports/overdue?asOf=2026-03-31&currency=consolidated&format=${format}`);
          expect(res.statusCode).toBe(422);
          expect(res.json()).toMatchObject({ code: 'AR_ERR_EXCHANGE_RATE_MISSING', currencies: ['JPY'], date: '2026-03-31' });
        }
      } finally {
        await api.t.storage.db.query('DELETE FROM invoices WHERE id = $1', [id]);
        await api.t.storage.db.query('DELETE FROM customers WHERE id = $1', [j]);
      }
    });
  });
}
