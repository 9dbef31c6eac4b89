// Consolidated reports: every currency valued in the reporting currency (USD
// here) on the hand-checked portfolio of consolidated-portfolio.ts, on both
// backends. Over HTTP (currency=consolidated): consolidated-routes.test.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { agingReport, cashForecastReport, ceiReport, dsoReport, type ReportScope } from '../../src/reports/index.js';
import type { PaymentDelayPredictor } from '../../src/ml/payment-delay/index.js';
import { QUANTILE_LEVELS } from '../../src/ml/payment-delay/types.js';
import { seedConsolidatedPortfolio } from './consolidated-portfolio.js';
import * as f from '../agenda/factories.js';

const CONSOLIDATED: ReportScope = { groupBy: 'portfolio', collector: null, segment: null, currency: null, consolidatedIn: 'USD' };
const ASOF = '2026-03-31';

const buckets = (row: { buckets: { bucket: string; amount: number; count: number }[] }) =>
  Object.fromEntries(row.buckets.map((b) => [b.bucket, [b.amount, b.count]]));

/** A payment-delay model stand-in: every open invoice is paid within ten days of asOf. */
const paidSoon = (asOf: string) => ({
  version: 'payment-delay@stub',
  predictor: {
    scoreRequests: (_history: unknown, requests: readonly unknown[], sink: (r: number, p: unknown) => void) => {
      requests.forEach((_, r) => sink(r, { value: { distribution: { dueDate: asOf, daysAfterDue: QUANTILE_LEVELS.map((_, k) => k) } } }));
    },
  } as unknown as PaymentDelayPredictor,
});

for (const backend of await backends()) {
  describe(`consolidated reports on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      await seedConsolidatedPortfolio(s.db);
    });
    afterAll(async () => s.close());

    describe('when the aging balance of a portfolio in USD, EUR and GBP is consolidated', () => {
      it('adds up every invoice at the rates of the report date', async () => {
        const [row] = (await agingReport(s.db, { asOf: ASOF, months: 1, scope: CONSOLIDATED })).groups;
        // U1 1,200 (55 days) + E1 1,500 EUR × 1.05 (50 days) + G1 800 GBP × 1.60 (14 days).
        expect(row.total).toEqual({ amount: 4055, count: 3 });
        expect(buckets(row)).toEqual({ current: [0, 0], '1-30': [1280, 1], '31-60': [2775, 2], '61-90': [0, 0], '90+': [0, 0] });
        expect(row.overdue30Unqualified).toEqual({ amount: 2775, count: 2 });
      });

      it('values each trend point at the rates of its own date', async () => {
        const r = await agingReport(s.db, { asOf: ASOF, months: 3, scope: CONSOLIDATED });
        const [jan, feb] = r.trend;
        // 01-31: E1 at 1.10. 02-28: E1 at 1.20 (from 02-20), G1 at 1.25.
        expect(jan.total).toEqual({ amount: 3400, count: 2 });
        expect(feb.total).toEqual({ amount: 4600, count: 3 });
        expect(buckets(feb)).toMatchObject({ current: [1000, 1], '1-30': [3600, 2] });
        expect(r.consolidation).toEqual({
          currency: 'USD',
          currencies: ['EUR', 'GBP', 'USD'],
          rates: [
            { date: '2026-01-31', currency: 'EUR', rate: 1.1 }, { date: '2026-01-31', currency: 'GBP', rate: 1.25 },
            { date: '2026-02-28', currency: 'EUR', rate: 1.2 }, { date: '2026-02-28', currency: 'GBP', rate: 1.25 },
            { date: '2026-03-31', currency: 'EUR', rate: 1.05 }, { date: '2026-03-31', currency: 'GBP', rate: 1.6 },
          ],
        });
      });

      it('inverts a pair quoted the other way round (USD→GBP 0.625 makes 1 GBP worth 1.60 USD)', async () => {
        const r = await agingReport(s.db, { asOf: ASOF, months: 1, scope: CONSOLIDATED });
        expect(r.consolidation!.rates.find((x) => x.currency === 'GBP')).toEqual({ date: ASOF, currency: 'GBP', rate: 1.6 });
        expect(r.groups[0].buckets.find((b) => b.bucket === '1-30')!.amount).toBe(1280);
      });
    });

    describe('when the DSO and CEI are consolidated', () => {
      it('values credit sales at their issue date and receivables at the report date', async () => {
        const [row] = (await dsoReport(s.db, { asOf: ASOF, months: 1, windowDays: 90, scope: CONSOLIDATED })).groups;
        // Sales since 2026-01-01: U1 1,200 + E1 2,000 × 1.10 + G1 800 × 1.25 + E3 1,000 × 1.20 = 5,600.
        // Standard: 4,055 / 5,600 × 90 = 65.17. Count-back: March 1,200 (31 days, 2,855 left), February 1,000
        // (28 days, 1,855 left), January 1,855 / 3,400 × 31 = 16.91: 75.91.
        expect(row).toMatchObject({ receivables: 4055, creditSales: 5600, standardDso: 65.2, countBackDso: 75.9, countBackComplete: true });
      });

      it('computes the CEI from balances at their own dates, so a rate move counts in what was collected', async () => {
        const [march] = (await ceiReport(s.db, { asOf: ASOF, months: 1, scope: CONSOLIDATED })).groups;
        // (4,600 + 1,200 − 4,055) / (4,600 + 1,200 − 0) = 30.09 %. The 1,745 "collected" is 1,800 of payments
        // (E1's 500 and E3's 1,000 EUR at 1.20) plus E1's fall from 1.20 to 1.05 (225) less G1's rise from 1.25 to 1.60 (280).
        expect(march).toMatchObject({ beginningReceivables: 4600, creditSales: 1200, endingReceivables: 4055, endingCurrentReceivables: 0, collected: 1745, cei: 30.1 });
      });
    });

    describe('when the cash forecast is consolidated', () => {
      it('values each open amount at the rates of the forecast day', async () => {
        const r = await cashForecastReport(s.db, paidSoon(ASOF), { asOf: ASOF, weeks: 2, scope: CONSOLIDATED });
        expect(r.groups[0].totalOpen).toBe(4055);
        expect(r.filters.currency).toBe('consolidated');
        expect(r.method).toMatch(/Consolidated in USD/);
        expect(r.method).not.toMatch(/summed as they are/);
        expect(r.consolidation).toMatchObject({ currency: 'USD', rates: [{ date: ASOF, currency: 'EUR', rate: 1.05 }, { date: ASOF, currency: 'GBP', rate: 1.6 }] });
      });
    });

    describe('when the cash forecast is asked in one currency', () => {
      it("covers that currency's invoices only, and its method does not say currencies are summed as they are", async () => {
        const r = await cashForecastReport(s.db, paidSoon(ASOF), { asOf: ASOF, weeks: 2, scope: { ...CONSOLIDATED, consolidatedIn: null, currency: 'EUR' } });
        // E1's 1,500 EUR; E3 is paid; U1 and G1 are in other currencies.
        expect(r.groups[0]).toMatchObject({ openInvoices: 1, totalOpen: 1500 });
        expect(r.filters.currency).toBe('EUR');
        expect(r.method).not.toMatch(/summed as they are/);
      });
    });

    describe('when a currency in scope has no rate on a day the report needs', () => {
      let ids: number[] = [];
      beforeAll(async () => {
        const { db } = s;
        // JPY priced from 2026-03-01 only; CHF never.
        await f.exchangeRate(db, 'JPY', 'USD', '2026-03-01', 0.0065);
        const j = await f.customer(db, { externalId: 'J', currency: 'JPY' });
        const c = await f.customer(db, { externalId: 'C', currency: 'CHF' });
        ids = [
          await f.invoice(db, { customerId: j, number: 'J1', issueDate: '2026-02-01', dueDate: '2026-03-03', amount: 100000, currency: 'JPY' }),
          await f.invoice(db, { customerId: c, number: 'C1', issueDate: '2026-03-15', dueDate: '2026-04-14', amount: 500, currency: 'CHF' }),
        ];
      });
      afterAll(async () => {
        await s.db.query('DELETE FROM invoices WHERE id = ANY($1::int[])', [ids]);
        await s.db.query("DELETE FROM customers WHERE external_id IN ('J', 'C')");
        await s.db.query("DELETE FROM exchange_rates WHERE currency IN ('JPY', 'CHF')");
      });

      it('answers 422 naming each currency and the earliest day it lacks a rate, never taking it at par', async () => {
        // J1 is open on 02-28, before JPY's first rate; C1 on 03-31, with none; on 01-31 neither was issued.
        await expect(agingReport(s.db, { asOf: ASOF, months: 3, scope: CONSOLIDATED })).rejects.toMatchObject({
          code: 'AR_ERR_EXCHANGE_RATE_MISSING',
          statusCode: 422,
          extras: { reportingCurrency: 'USD', currencies: ['CHF', 'JPY'], date: '2026-02-28', missing: [{ currency: 'CHF', date: '2026-03-31', for: ['invoices'] }, { currency: 'JPY', date: '2026-02-28', for: ['invoices'] }] },
          message: expect.stringContaining('none prices CHF on 2026-03-31 for invoices; JPY on 2026-02-28 for invoices'),
        });
      });

      it('needs only the days the report reads', async () => {
        await expect(agingReport(s.db, { asOf: ASOF, months: 1, scope: CONSOLIDATED })).rejects.toMatchObject({
          extras: { currencies: ['CHF'], date: ASOF },
        });
        await expect(cashForecastReport(s.db, paidSoon(ASOF), { asOf: ASOF, weeks: 2, scope: CONSOLIDATED })).rejects.toMatchObject({
          code: 'AR_ERR_EXCHANGE_RATE_MISSING', extras: { currencies: ['CHF'], date: ASOF },
        });
      });
    });

    describe('when a credit sale has no rate on its issue date though nothing open lacks one', () => {
      let id = 0;
      beforeAll(async () => {
        const { db } = s;
        await f.exchangeRate(db, 'JPY', 'USD', '2026-03-01', 0.0065);
        const j = await f.customer(db, { externalId: 'J2', currency: 'JPY' });
        id = await f.invoice(db, { customerId: j, number: 'J2', issueDate: '2026-02-10', dueDate: '2026-03-12', amount: 50000, openAmount: 0, settledDate: '2026-02-20', currency: 'JPY' });
        await f.payment(db, j, '2026-02-20', [{ invoiceId: id, amount: 50000 }]);
      });
      afterAll(async () => {
        await s.db.query('DELETE FROM payment_allocations WHERE invoice_id = $1', [id]);
        await s.db.query('DELETE FROM invoices WHERE id = $1', [id]);
        await s.db.query("DELETE FROM payments WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'J2')");
        await s.db.query("DELETE FROM customers WHERE external_id = 'J2'");
        await s.db.query("DELETE FROM exchange_rates WHERE currency = 'JPY'");
      });

      it('answers the aging, and 422 for the DSO that reads that sale', async () => {
        expect((await agingReport(s.db, { asOf: ASOF, months: 1, scope: CONSOLIDATED })).groups[0].total.amount).toBe(4055);
        await expect(dsoReport(s.db, { asOf: ASOF, months: 1, windowDays: 90, scope: CONSOLIDATED })).rejects.toMatchObject({
          code: 'AR_ERR_EXCHANGE_RATE_MISSING', extras: { currencies: ['JPY'], date: '2026-02-10' },
        });
      });
    });

    describe('when count-back DSO could walk back to sales made before a currency had any rate', () => {
      let id = 0;
      beforeAll(async () => {
        const e = (await s.db.query<{ id: number }>("SELECT id FROM customers WHERE external_id = 'E'"))[0].id;
        // Issued before EUR's first rate (2025-12-01), still open.
        id = await f.invoice(s.db, { customerId: e, number: 'E0', issueDate: '2025-06-01', dueDate: '2025-07-01', amount: 300, currency: 'EUR' });
      });
      afterAll(async () => {
        await s.db.query('DELETE FROM invoices WHERE id = $1', [id]);
      });

      it('needs no rate for the months it does not reach', async () => {
        const [row] = (await dsoReport(s.db, { asOf: ASOF, months: 1, windowDays: 90, scope: CONSOLIDATED })).groups;
        // Receivables 4,055 + E0 300 × 1.05 = 4,370. Count-back stops in January: 31 + 28 + 2,170 / 3,400 × 31 = 78.79.
        expect(row).toMatchObject({ receivables: 4370, countBackDso: 78.8, countBackComplete: true });
      });

      it('answers 422 when it walks that far', async () => {
        await s.db.query('UPDATE invoices SET amount = 6000, open_amount = 6000 WHERE id = $1', [id]);
        // 4,055 + 6,300 outruns every priced month: the walk reaches June 2025, whose sale no rate values.
        await expect(dsoReport(s.db, { asOf: ASOF, months: 1, windowDays: 90, scope: CONSOLIDATED })).rejects.toMatchObject({
          code: 'AR_ERR_EXCHANGE_RATE_MISSING', extras: { currencies: ['EUR'], date: '2025-06-01' },
        });
      });
    });

    describe('when a currency is quoted only against another one', () => {
      let id = 0;
      beforeAll(async () => {
        const e = (await s.db.query<{ id: number }>("SELECT id FROM customers WHERE external_id = 'E'"))[0].id;
        id = await f.invoice(s.db, { customerId: e, number: 'C1', issueDate: '2026-03-01', dueDate: '2026-03-20', amount: 1000, currency: 'CHF' });
        // Francs are priced in euros only, as a feed quoted against EUR does.
        await f.exchangeRate(s.db, 'CHF', 'EUR', '2026-03-01', 1.05);
      });
      afterAll(async () => {
        await s.db.query('DELETE FROM invoices WHERE id = $1', [id]);
        await s.db.query("DELETE FROM exchange_rates WHERE currency = 'CHF'");
      });

      it('values it through that currency', async () => {
        const [row] = (await agingReport(s.db, { asOf: ASOF, months: 1, scope: CONSOLIDATED })).groups;
        // 4,055 + 1,000 CHF × 1.05 EUR × 1.05 USD = 4,055 + 1,102.50.
        expect(row.total).toEqual({ amount: 5157.5, count: 4 });
      });
    });
  });
}
