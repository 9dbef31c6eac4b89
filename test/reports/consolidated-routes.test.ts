// GET /v1/reports/* with currency=consolidated over HTTP, on the portfolio of
// consolidated-portfolio.ts (the figures are checked in consolidated.test.ts):
// how a consolidated report says so, in JSON and CSV, its 422 when a rate is
// missing, and that reports in one currency are left as they were.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { auth } from '../helpers/app.js';
import { reportsApi } from './api.js';
import { seedConsolidatedPortfolio } from './consolidated-portfolio.js';
import * as f from '../agenda/factories.js';

for (const backend of await backends()) {
  describe(`the consolidated reports API on ${backend}`, () => {
    const api = reportsApi(backend, seedConsolidatedPortfolio);
    const { get } = api;

    describe('when a consolidated report is asked', () => {
      it('says it is consolidated and in which currency', async () => {
        const res = await get('/v1/reports/aging?asOf=2026-03-31&months=1&currency=consolidated');
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.filters.currency).toBe('consolidated');
        expect(body.consolidation).toMatchObject({ currency: 'USD', currencies: ['EUR', 'GBP', 'USD'] });
        expect(body.method).toMatch(/Consolidated in USD/);
        expect(body.groups[0].total).toEqual({ amount: 4055, count: 3 });
      });

      it('says so in the CSV export, its rows and its file name', async () => {
        const res = await get('/v1/reports/dso?asOf=2026-03-31&months=1&currency=consolidated&format=csv');
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-disposition']).toContain('dso-consolidated-USD-2026-03-31.csv');
        const [header, row] = res.body.trim().split('\r\n');
        expect(header).toMatch(/,count_back_complete,current_receivables,best_possible_dso,average_days_delinquent,consolidated_in$/);
        // Nothing of it is still current: the whole DSO is days delinquent.
        expect(row).toBe('2026-03,2026-03-31,portfolio,4055,5600,90,65.2,75.9,true,0,0,65.2,USD');
      });

      it('answers each of the other reports consolidated', async () => {
        for (const name of ['cei', 'dso']) {
          const res = await get(`/v1/reports/${name}?asOf=2026-03-31&months=2&currency=consolidated`);
          expect(res.statusCode).toBe(200);
          expect(res.json().consolidation.currency).toBe('USD');
        }
        // Past due on 03-31, each at that day's rate: U1 1,200 + E1 1,575 + G1 1,280, none qualified.
        const statuses = (await get('/v1/reports/statuses?asOf=2026-03-31&months=1&currency=consolidated')).json();
        expect(statuses.consolidation.currency).toBe('USD');
        expect(statuses.groups[0]).toMatchObject({ overdue: { amount: 4055, count: 3 }, qualificationRate: { amount: 0, count: 0 } });
      });

      it('still reports one currency as it stands, rates or not', async () => {
        const body = (await get('/v1/reports/aging?asOf=2026-03-31&months=1&currency=EUR')).json();
        expect(body.groups[0].total).toEqual({ amount: 1500, count: 1 });
        expect(body.filters.currency).toBe('EUR');
        expect(body).not.toHaveProperty('consolidation');
        expect(body.method).not.toMatch(/Consolidated/);
        const csv = await get('/v1/reports/aging?asOf=2026-03-31&months=1&currency=EUR&format=csv');
        expect(csv.body.split('\r\n')[0]).not.toContain('consolidated_in');
        expect(csv.headers['content-disposition']).toContain('"aging-EUR-2026-03-31.csv"');
      });

      it('still asks which currency when none is named, offering consolidated', async () => {
        const res = await get('/v1/reports/aging?asOf=2026-03-31');
        expect(res.statusCode).toBe(422);
        expect(res.json()).toMatchObject({ code: 'AR_ERR_MIXED_CURRENCIES', currencies: ['EUR', 'GBP', 'USD'], detail: expect.stringContaining('valued in USD with currency=consolidated') });
      });

      it('answers 400 for a currency that is neither a code nor consolidated', async () => {
        const res = await get('/v1/reports/aging?currency=Consolidated');
        expect(res.statusCode).toBe(400);
        expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('querystring/currency');
      });
    });

    describe('when a currency in scope has no rate on a day the report needs', () => {
      let id = 0;
      beforeAll(async () => {
        // JPY priced from 2026-03-01 only: J1 is open on 02-28 without a rate.
        await f.exchangeRate(api.t.storage.db, 'JPY', 'USD', '2026-03-01', 0.0065);
        const j = await f.customer(api.t.storage.db, { externalId: 'J', currency: 'JPY' });
        id = await f.invoice(api.t.storage.db, { customerId: j, number: 'J1', issueDate: '2026-02-01', dueDate: '2026-03-03', amount: 100000, currency: 'JPY' });
      });
      afterAll(async () => {
        await api.t.storage.db.query('DELETE FROM invoices WHERE id = $1', [id]);
        await api.t.storage.db.query("DELETE FROM customers WHERE external_id = 'J'");
        await api.t.storage.db.query("DELETE FROM exchange_rates WHERE currency = 'JPY'");
      });

      it('answers a problem document naming the currency and the earliest day it lacks a rate', async () => {
        const res = await get('/v1/reports/aging?asOf=2026-03-31&months=3&currency=consolidated');
        expect(res.statusCode).toBe(422);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.json()).toMatchObject({
          code: 'AR_ERR_EXCHANGE_RATE_MISSING',
          title: 'Missing exchange rate',
          reportingCurrency: 'USD',
          currencies: ['JPY'],
          date: '2026-02-28',
          detail: expect.stringContaining('in USD with the latest rate on or before its day, and none prices JPY on 2026-02-28'),
        });
      });

      it('answers the months that have one', async () => {
        expect((await get('/v1/reports/aging?asOf=2026-03-31&months=1&currency=consolidated')).statusCode).toBe(200);
      });
    });
  });
}
