// Aging, CEI and DSO on the hand-checked portfolio of portfolio.ts, on both backends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { agingReport, ceiReport, dsoReport, statusesReport, type ReportScope } from '../../src/reports/index.js';
import { seedPortfolio } from './portfolio.js';
import * as f from '../agenda/factories.js';

const PORTFOLIO: ReportScope = { groupBy: 'portfolio', collector: null, segment: null, currency: null };
const ASOF = '2026-03-31';

const buckets = (row: { buckets: { bucket: string; amount: number; count: number }[] }) =>
  Object.fromEntries(row.buckets.map((b) => [b.bucket, [b.amount, b.count]]));

for (const backend of await backends()) {
  describe(`reports on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      await seedPortfolio(s.db);
    });
    afterAll(async () => s.close());

    describe('when the aging balance is asked for 2026-03-31', () => {
      it('buckets what is open on that day by days past due', async () => {
        const r = await agingReport(s.db, { asOf: ASOF, months: 1, scope: PORTFOLIO });
        const [row] = r.groups;
        // Open on 03-31: A2 1,500 (45 days past due), A3 3,000 (not due), B1 400 (151 days), B2 600 (40 days).
        // A1 and B3 are settled. Total 1,500 + 3,000 + 400 + 600 = 5,500.
        expect(row.total).toEqual({ amount: 5500, count: 4 });
        expect(buckets(row)).toEqual({
          current: [3000, 1], '1-30': [0, 0], '31-60': [2100, 2], '61-90': [0, 0], '90+': [400, 1],
        });
        expect(row.overdue).toEqual({ amount: 2500, count: 3 });
      });

      it('counts overdue > 30 days without a status, leaving out the qualified dispute', async () => {
        const [row] = (await agingReport(s.db, { asOf: ASOF, months: 1, scope: PORTFOLIO })).groups;
        // A2 1,500 + B1 400; B2 (40 days) carries a dispute status since 03-25.
        expect(row.overdue30Unqualified).toEqual({ amount: 1900, count: 2 });
      });

      it('leaves out an invoice flagged disputed without a status too', async () => {
        await s.db.query("UPDATE invoices SET disputed = true WHERE number = 'A2'");
        try {
          const [row] = (await agingReport(s.db, { asOf: ASOF, months: 1, scope: PORTFOLIO })).groups;
          expect(row.overdue30Unqualified).toEqual({ amount: 400, count: 1 });
        } finally {
          await s.db.query("UPDATE invoices SET disputed = false WHERE number = 'A2'");
        }
      });

      it('splits by segment and narrows to a collector', async () => {
        const bySegment = await agingReport(s.db, { asOf: ASOF, months: 1, scope: { ...PORTFOLIO, groupBy: 'segment' } });
        // standard = customer A: 1,500 + 3,000; small = customer B: 400 + 600.
        expect(bySegment.groups.map((g) => [g.group, g.total.amount])).toEqual([['small', 1000], ['standard', 4500]]);
        const bob = await agingReport(s.db, { asOf: ASOF, months: 1, scope: { ...PORTFOLIO, collector: 'bob' } });
        expect(bob.groups[0].total).toEqual({ amount: 1000, count: 2 });
      });
    });

    describe('when a currency has three decimals', () => {
      it('keeps its thousandths in the sums', async () => {
        const a = (await s.db.query<{ id: number }>("SELECT id FROM customers WHERE external_id = 'A'"))[0].id;
        const ids = [
          await f.invoice(s.db, { customerId: a, number: 'K1', issueDate: '2026-03-01', dueDate: '2026-03-10', amount: 1.2345, currency: 'KWD' }),
          await f.invoice(s.db, { customerId: a, number: 'K2', issueDate: '2026-03-01', dueDate: '2026-03-10', amount: 0.0045, currency: 'KWD' }),
        ];
        try {
          const [row] = (await agingReport(s.db, { asOf: ASOF, months: 1, scope: { ...PORTFOLIO, currency: 'KWD' } })).groups;
          expect(row.total).toEqual({ amount: 1.239, count: 2 });
          expect(row.overdue.amount).toBe(1.239);
        } finally {
          await s.db.query('DELETE FROM invoices WHERE id = ANY($1::int[])', [ids]);
        }
      });
    });

    describe('when a customer has moved to another collector since', () => {
      it("counts it under the collector it has now on every date of the trend, the ledger keeping no dated history of who held it", async () => {
        await s.db.query("UPDATE customers SET collector_id = (SELECT id FROM collectors WHERE external_id = 'bob') WHERE external_id = 'A'");
        try {
          const r = await agingReport(s.db, { asOf: ASOF, months: 3, scope: { ...PORTFOLIO, groupBy: 'collector' } });
          // On 01-31, A (alice's then) had A1 1,000 and A2 2,000 open, B had B1 400 and B2 600: all of it is bob's.
          expect(r.trend.map((row) => [row.date, row.group, row.total.amount])).toEqual([
            ['2026-01-31', 'bob', 4000], ['2026-02-28', 'bob', 3800], ['2026-03-31', 'bob', 5500],
          ]);
        } finally {
          await s.db.query("UPDATE customers SET collector_id = (SELECT id FROM collectors WHERE external_id = 'alice') WHERE external_id = 'A'");
        }
      });
    });

    describe('when the aging trend looks back at past month ends', () => {
      it('rebuilds what was open then from the payments made after', async () => {
        const r = await agingReport(s.db, { asOf: ASOF, months: 3, scope: PORTFOLIO });
        expect(r.trend.map((t) => t.date)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
        const [jan, feb] = r.trend;
        // 01-31: A1 1,000 (paid 02-10, so still open; 31 days past due), A2 2,000 (its 500 came on 03-20; not due),
        // B1 400 (92 days), B2 600 (not due). B3 not issued yet. Total 4,000.
        expect(jan.total).toEqual({ amount: 4000, count: 4 });
        expect(buckets(jan)).toEqual({ current: [2600, 2], '1-30': [0, 0], '31-60': [1000, 1], '61-90': [0, 0], '90+': [400, 1] });
        // 02-28: A1 paid. A2 2,000 (14 days), B2 600 (9 days), B1 400 (120 days),
        // B3 800 open until its settlement on 03-15 (not due before 03-03). Total 3,800.
        expect(feb.total).toEqual({ amount: 3800, count: 4 });
        expect(buckets(feb)).toEqual({ current: [800, 1], '1-30': [2600, 2], '31-60': [0, 0], '61-90': [0, 0], '90+': [400, 1] });
        expect(feb.overdue30Unqualified).toEqual({ amount: 400, count: 1 });
      });
    });

    describe('when the CEI is asked for January to March 2026', () => {
      it('computes (beginning + sales − ending) / (beginning + sales − ending current) per month', async () => {
        const r = await ceiReport(s.db, { asOf: ASOF, months: 3, scope: PORTFOLIO });
        const figures = r.trend.map((m) => [m.month, m.beginningReceivables, m.creditSales, m.endingReceivables, m.endingCurrentReceivables, m.cei]);
        expect(figures).toEqual([
          // Beginning = open on 12-31: A1 1,000 + B1 400. (1,400 + 2,600 − 4,000) / (1,400 + 2,600 − 2,600) = 0 / 1,400
          ['2026-01', 1400, 2600, 4000, 2600, 0],
          // (4,000 + 800 − 3,800) / (4,000 + 800 − 800) = 1,000 / 4,000 = 25 %
          ['2026-02', 4000, 800, 3800, 800, 25],
          // (3,800 + 3,000 − 5,500) / (3,800 + 3,000 − 3,000) = 1,300 / 3,800 = 34.21 %
          ['2026-03', 3800, 3000, 5500, 3000, 34.2],
        ]);
        // What came in during March: 500 on A2 and B3's 800.
        expect(r.groups[0].collected).toBe(1300);
      });
    });

    describe('when the DSO is asked', () => {
      it('gives the standard and the count-back figure on 2026-03-31', async () => {
        const r = await dsoReport(s.db, { asOf: ASOF, months: 2, windowDays: 90, scope: PORTFOLIO });
        const [row] = r.groups;
        // Sales of the 90 days after 2025-12-31: A2 2,000 + B2 600 + B3 800 + A3 3,000 = 6,400.
        // Standard: 5,500 / 6,400 × 90 = 77.34 days.
        expect(row).toMatchObject({ receivables: 5500, creditSales: 6400, standardDso: 77.3 });
        // Count-back: March uses 3,000 (31 days, 2,500 left), February 800 (28 days, 1,700 left),
        // January 1,700 of 2,600 → 1,700 / 2,600 × 31 = 20.27 days. 31 + 28 + 20.27 = 79.27.
        expect(row).toMatchObject({ countBackDso: 79.3, countBackComplete: true });
        // Not yet due: A3's 3,000 → 3,000 / 6,400 × 90 = 42.19; overdue A2 1,500 + B1 400 + B2 600 = 2,500 → 35.16.
        expect(row).toMatchObject({ currentReceivables: 3000, bestPossibleDso: 42.2, averageDaysDelinquent: 35.2 });
      });

      it('gives them at the previous month end too', async () => {
        const r = await dsoReport(s.db, { asOf: ASOF, months: 2, windowDays: 90, scope: PORTFOLIO });
        const feb = r.trend.find((t) => t.date === '2026-02-28')!;
        // Sales after 2025-11-30: A1 1,000 + A2 2,000 + B2 600 + B3 800 = 4,400; 3,800 / 4,400 × 90 = 77.73.
        // Count-back: February 800 (28 days, 3,000 left), January 2,600 (31 days, 400 left), 400 / 1,000 of December × 31 = 12.4.
        expect(feb).toMatchObject({ receivables: 3800, creditSales: 4400, standardDso: 77.7, countBackDso: 71.4 });
      });
    });

    describe('when the invoice statuses report is asked for 2026-03-31', () => {
      const statuses = (row: { statuses: { status: string; amount: number; count: number }[] }) =>
        Object.fromEntries(row.statuses.filter((x) => x.count > 0).map((x) => [x.status, [x.amount, x.count]]));

      it('splits what is past due by the status it carries that day, and gives the share qualified', async () => {
        const [row] = (await statusesReport(s.db, { asOf: ASOF, months: 1, scope: PORTFOLIO })).groups;
        // Past due on 03-31: A2 1,500 and B1 400 with no status, B2 600 disputed since 03-25; A3 is not due yet.
        expect(row.overdue).toEqual({ amount: 2500, count: 3 });
        expect(row.qualified).toEqual({ amount: 600, count: 1 });
        expect(row.qualificationRate).toEqual({ amount: 0.24, count: 0.3333 });
        expect(statuses(row)).toEqual({ dispute: [600, 1], unqualified: [1900, 2] });
        expect(row.statuses.map((x) => x.status)).toEqual([
          'promise_to_pay', 'payment_plan', 'dispute', 'disputed', 'litigation', 'waiting_credit_note', 'paid_not_received', 'unqualified',
        ]);
      });

      it('counts a status only from the day it was set, at each past month end', async () => {
        const r = await statusesReport(s.db, { asOf: ASOF, months: 2, scope: PORTFOLIO });
        const february = r.trend.find((x) => x.month === '2026-02')!;
        // On 02-28: A2 2,000 (the 500 came on 03-20), B1 400, B2 600 not yet disputed; B3 is due 03-03.
        expect(february.overdue).toEqual({ amount: 3000, count: 3 });
        expect(february.qualificationRate).toEqual({ amount: 0, count: 0 });
      });

      it('reads an invoice flagged disputed without a status as disputed, by collector', async () => {
        await s.db.query("UPDATE invoices SET disputed = true WHERE number = 'A2'");
        try {
          const r = await statusesReport(s.db, { asOf: ASOF, months: 1, scope: { ...PORTFOLIO, groupBy: 'collector' } });
          expect(r.groups.map((g) => [g.group, statuses(g), g.qualificationRate.amount])).toEqual([
            ['alice', { disputed: [1500, 1] }, 1],
            ['bob', { dispute: [600, 1], unqualified: [400, 1] }, 0.6],
          ]);
        } finally {
          await s.db.query("UPDATE invoices SET disputed = false WHERE number = 'A2'");
        }
      });

      it('reads the disputed flag, which carries no date, on past dates too, and its method says so', async () => {
        await s.db.query("UPDATE invoices SET disputed = true WHERE number = 'A2'");
        try {
          const r = await statusesReport(s.db, { asOf: ASOF, months: 2, scope: PORTFOLIO });
          // A2 was flagged on some day the ledger does not keep: on 02-28 its 2,000 reads as disputed already.
          expect(statuses(r.trend.find((x) => x.month === '2026-02')!)).toEqual({ disputed: [2000, 1], unqualified: [1000, 2] });
          expect(r.method).toMatch(/disputed flag carries no date/);
        } finally {
          await s.db.query("UPDATE invoices SET disputed = false WHERE number = 'A2'");
        }
      });
    });
  });
}
