// DSO and CEI net of unapplied credit notes (netCredits=true), against figures worked out by hand on a small
// ledger; gross by default, as before.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { agedBalance, agingReport, ceiReport, dsoReport, type ReportScope } from '../../src/reports/index.js';
import { reportsApi } from './api.js';
import type { Db } from '../../src/db/sql.js';
import * as f from '../agenda/factories.js';

const PORTFOLIO: ReportScope = { groupBy: 'portfolio', collector: null, segment: null, currency: 'USD' };

/**
 * One customer, in USD unless said:
 * - I1 1,000 issued 03-10, due 04-09: not yet due on 03-31.
 * - I2 500 issued 02-01, due 03-03: not yet due on 02-28, 28 days overdue on 03-31.
 * - CN1 300 issued 03-15 and CN2 300 issued 02-10, both unapplied.
 * - CN3 50 issued 02-05, applied on 03-25 without an allocation (open 0, settled 03-25): unapplied on 02-28 only.
 * - CN4 80 EUR issued 02-01, unapplied: another currency, never offset in a USD report.
 */
async function seedLedger(db: Db) {
  const c = await f.customer(db, { externalId: 'X' });
  await f.invoice(db, { customerId: c, number: 'I1', issueDate: '2026-03-10', dueDate: '2026-04-09', amount: 1000 });
  await f.invoice(db, { customerId: c, number: 'I2', issueDate: '2026-02-01', dueDate: '2026-03-03', amount: 500 });
  await f.invoice(db, { customerId: c, number: 'CN1', kind: 'credit_note', issueDate: '2026-03-15', dueDate: '2026-03-15', amount: 300 });
  await f.invoice(db, { customerId: c, number: 'CN2', kind: 'credit_note', issueDate: '2026-02-10', dueDate: '2026-02-10', amount: 300 });
  await f.invoice(db, { customerId: c, number: 'CN3', kind: 'credit_note', issueDate: '2026-02-05', dueDate: '2026-02-05', amount: 50, openAmount: 0, settledDate: '2026-03-25' });
  await f.invoice(db, { customerId: c, number: 'CN4', kind: 'credit_note', issueDate: '2026-02-01', dueDate: '2026-02-01', amount: 80, currency: 'EUR' });
}

/**
 * Three customers in USD, on 03-31:
 * - A (collector C1): A1 200 issued 03-01, due 03-11 (20 days overdue); ACN 500 issued 03-05, unapplied: 300 more than A owes.
 * - B (C1): B1 1,000 issued 03-20, due 04-19 (not yet due); B2 400 issued 02-01, due 03-03 (28 days overdue); BCN 100 issued 03-25.
 * - C (C2): C1 300 issued 03-10, due 04-09 (not yet due); CCN 50 issued 03-12.
 * - D (C3): DCN 70 issued 02-20, unapplied, and no invoice.
 */
async function seedCustomers(db: Db) {
  const [c1, c2, c3] = [await f.collector(db, 'C1'), await f.collector(db, 'C2'), await f.collector(db, 'C3')];
  const [a, b, c, d] = [await f.customer(db, { externalId: 'A', collectorId: c1 }), await f.customer(db, { externalId: 'B', collectorId: c1 }),
    await f.customer(db, { externalId: 'C', collectorId: c2 }), await f.customer(db, { externalId: 'D', collectorId: c3 })];
  await f.invoice(db, { customerId: a, number: 'A1', issueDate: '2026-03-01', dueDate: '2026-03-11', amount: 200 });
  await f.invoice(db, { customerId: a, number: 'ACN', kind: 'credit_note', issueDate: '2026-03-05', dueDate: '2026-03-05', amount: 500 });
  await f.invoice(db, { customerId: b, number: 'B1', issueDate: '2026-03-20', dueDate: '2026-04-19', amount: 1000 });
  await f.invoice(db, { customerId: b, number: 'B2', issueDate: '2026-02-01', dueDate: '2026-03-03', amount: 400 });
  await f.invoice(db, { customerId: b, number: 'BCN', kind: 'credit_note', issueDate: '2026-03-25', dueDate: '2026-03-25', amount: 100 });
  await f.invoice(db, { customerId: c, number: 'C1', issueDate: '2026-03-10', dueDate: '2026-04-09', amount: 300 });
  await f.invoice(db, { customerId: c, number: 'CCN', kind: 'credit_note', issueDate: '2026-03-12', dueDate: '2026-03-12', amount: 50 });
  await f.invoice(db, { customerId: d, number: 'DCN', kind: 'credit_note', issueDate: '2026-02-20', dueDate: '2026-02-20', amount: 70 });
}

for (const backend of await backends()) {
  describe(`DSO and CEI net of credit notes on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      await seedLedger(s.db);
    });
    afterAll(async () => s.close());
    const q = { asOf: '2026-03-31', months: 1, windowDays: 30, scope: PORTFOLIO };

    it('keeps the gross figures by default', async () => {
      const [dso] = (await dsoReport(s.db, q)).groups;
      // 1,500 open over 1,000 of sales in 30 days; count-back: March's 1,000 (31 days), then February's 500 whole (28).
      expect(dso).toMatchObject({ receivables: 1500, standardDso: 45, bestPossibleDso: 30, averageDaysDelinquent: 15, countBackDso: 59 });
      expect(dso.unappliedCredits).toBeUndefined();
      const [cei] = (await ceiReport(s.db, q)).groups;
      // (500 + 1,000 − 1,500) / (500 + 1,000 − 1,000)
      expect(cei).toMatchObject({ beginningReceivables: 500, endingReceivables: 1500, endingCurrentReceivables: 1000, collected: 0, cei: 0 });
    });

    it('offsets the credit notes unapplied on the date, overdue first, from the DSO', async () => {
      const r = await dsoReport(s.db, { ...q, netCredits: true });
      const [dso] = r.groups;
      // 03-31: CN1 + CN2 = 600 (CN3 applied, CN4 in EUR); 500 of it against I2's overdue 500, 100 against the current 1,000.
      expect(dso).toMatchObject({
        receivables: 900, currentReceivables: 900, creditSales: 1000, unappliedCredits: 600,
        standardDso: 27, bestPossibleDso: 27, averageDaysDelinquent: 0, countBackDso: 27.9,
      });
      expect(r.netCredits).toBe(true);
      expect(r.method).toMatch(/netCredits: receivables net of the credit notes unapplied/);
    });

    it('offsets them at the beginning and the end of each month from the CEI', async () => {
      const [cei] = (await ceiReport(s.db, { ...q, netCredits: true })).groups;
      // 02-28: 500 − (CN2 300 + CN3 50) = 150; 03-31: 1,500 − 600 = 900, current 900: (150 + 1,000 − 900) / (150 + 1,000 − 900).
      expect(cei).toMatchObject({
        beginningReceivables: 150, creditSales: 1000, endingReceivables: 900, endingCurrentReceivables: 900, collected: 250, cei: 100,
        unappliedCredits: { beginning: 350, ending: 600 },
      });
    });
  });

  describe(`credit notes held customer by customer on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      await seedCustomers(s.db);
    });
    afterAll(async () => s.close());
    const q = { asOf: '2026-03-31', months: 1, windowDays: 31, scope: PORTFOLIO, netCredits: true };

    it("offsets a customer's credits from its own receivables only, never below 0", async () => {
      const [dso] = (await dsoReport(s.db, q)).groups;
      // Gross 1,900 (overdue A1 200 + B2 400, current 1,300). A's 500 takes its 200 overdue, 300 left over; B's 100 its
      // overdue; C's 50 its current; D's 70 nothing (D owes nothing). Net 1,900 − 350 = 1,550, overdue 300, current
      // 1,250; sales 1,500 over 31 days. Netted by group, A's and D's credits would have taken B's overdue too: 1,180, overdue 0.
      expect(dso).toMatchObject({
        receivables: 1550, currentReceivables: 1250, creditSales: 1500, unappliedCredits: 720, excessCredits: 370,
        standardDso: 32, bestPossibleDso: 25.8, averageDaysDelinquent: 6.2,
      });
    });

    it('sums the groups of the customers, each held against its own', async () => {
      const r = await dsoReport(s.db, { ...q, scope: { ...PORTFOLIO, groupBy: 'collector' } });
      expect(r.groups.map((g) => [g.group, g.receivables, g.currentReceivables, g.unappliedCredits, g.excessCredits])).toEqual([
        ['C1', 1300, 1000, 600, 300],
        ['C2', 250, 250, 50, 0],
        ['C3', 0, 0, 70, 70],
      ]);
    });

    it('nets the CEI the same way', async () => {
      const [cei] = (await ceiReport(s.db, q)).groups;
      // 02-28: B2 400, not yet due, D's 70 offsetting nothing; 03-31: 1,550, current 1,250: (400 + 1,500 − 1,550) / (400 + 1,500 − 1,250).
      expect(cei).toMatchObject({
        beginningReceivables: 400, creditSales: 1500, endingReceivables: 1550, endingCurrentReceivables: 1250, collected: 350, cei: 53.8,
        unappliedCredits: { beginning: 70, ending: 720 }, excessCredits: { beginning: 70, ending: 370 },
      });
    });

    it('shows the unapplied credits beside the aging balance, with its total net of them, without aging them', async () => {
      const r = await agingReport(s.db, { asOf: '2026-03-31', months: 2, scope: { ...PORTFOLIO, groupBy: 'collector' } });
      const row = (date: string, group: string) => r.trend.find((x) => x.date === date && x.group === group);
      // C1: 1,600 open (A 200, B 1,400); A's 500 nets its 200 (300 left over), B's 100 its own: 1,300.
      expect(row('2026-03-31', 'C1')).toMatchObject({ total: { amount: 1600, count: 3 }, unappliedCredits: 600, excessCredits: 300, net: 1300 });
      expect(row('2026-03-31', 'C2')).toMatchObject({ total: { amount: 300, count: 1 }, unappliedCredits: 50, excessCredits: 0, net: 250 });
      // A group with credits and nothing open: a row of its own, its total and buckets 0.
      expect(row('2026-03-31', 'C3')).toMatchObject({ total: { amount: 0, count: 0 }, unappliedCredits: 70, excessCredits: 70, net: 0 });
      // 02-28: only B2 and DCN were issued.
      expect(row('2026-02-28', 'C1')).toMatchObject({ total: { amount: 400, count: 1 }, unappliedCredits: 0, excessCredits: 0, net: 400 });
      expect(row('2026-02-28', 'C3')).toMatchObject({ unappliedCredits: 70, net: 0 });
      // The buckets stay the invoices': they add up to the total, not to the net.
      expect(row('2026-03-31', 'C1')!.buckets.map((b) => b.amount)).toEqual([1000, 600, 0, 0, 0]);
    });

    it('gives each customer its own credits on the aged balance, and a row to a customer owed money with nothing open', async () => {
      const r = await agedBalance(s.db, { asOf: '2026-03-31', scope: PORTFOLIO, orderBy: 'name', limit: 10 });
      expect(r.customers.map((c) => [c.customerExternalId, c.total.amount, c.unappliedCredits, c.excessCredits, c.net, c.maxDaysOverdue])).toEqual([
        ['A', 200, 500, 300, 0, 20],
        ['B', 1400, 100, 0, 1300, 28],
        ['C', 300, 50, 0, 250, -9],
        ['D', 0, 70, 70, 0, null],
      ]);
      // The aging balance's portfolio on the date: 1,900 gross, 720 of credits, 370 of them beyond what their customers owe.
      expect(r.totals).toMatchObject({ customers: 4, total: { amount: 1900, count: 4 }, unappliedCredits: 720, excessCredits: 370, net: 1550 });
      const [aging] = (await agingReport(s.db, { asOf: '2026-03-31', months: 1, scope: PORTFOLIO })).groups;
      expect(aging).toMatchObject({ total: r.totals.total, unappliedCredits: 720, excessCredits: 370, net: 1550 });
      // D owes nothing overdue: last when the largest overdue come first.
      const byOverdue = await agedBalance(s.db, { asOf: '2026-03-31', scope: PORTFOLIO, orderBy: 'overdue', limit: 10 });
      expect(byOverdue.customers.map((c) => c.customerExternalId)).toEqual(['B', 'A', 'C', 'D']);
    });
  });

  describe(`credit notes applied whole by an allocation, or issued on a report date, on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      // P: 500 overdue on both dates; PCN 100 applied whole by an allocation paid on 03-15, open 0 and no settled date
      // (only the allocation says it was unapplied on 02-28). Q: 300 not yet due; QCN 40 issued on 02-28 itself, open.
      const [p, q] = [await f.customer(s.db, { externalId: 'P' }), await f.customer(s.db, { externalId: 'Q' })];
      await f.invoice(s.db, { customerId: p, number: 'P1', issueDate: '2026-01-10', dueDate: '2026-02-10', amount: 500 });
      const pcn = await f.invoice(s.db, { customerId: p, number: 'PCN', kind: 'credit_note', issueDate: '2026-01-20', dueDate: '2026-01-20', amount: 100, openAmount: 0 });
      await f.payment(s.db, p, '2026-03-15', [{ invoiceId: pcn, amount: 100 }]);
      await f.invoice(s.db, { customerId: q, number: 'Q1', issueDate: '2026-02-01', dueDate: '2026-03-31', amount: 300 });
      await f.invoice(s.db, { customerId: q, number: 'QCN', kind: 'credit_note', issueDate: '2026-02-28', dueDate: '2026-02-28', amount: 40 });
    });
    afterAll(async () => s.close());

    it('offsets each on the dates it stood unapplied, as the aged balance does', async () => {
      const aging = await agingReport(s.db, { asOf: '2026-03-31', months: 2, scope: PORTFOLIO });
      expect(aging.trend.map((r) => ({ date: r.date, credits: r.unappliedCredits, net: r.net }))).toEqual([
        { date: '2026-02-28', credits: 140, net: 660 },
        { date: '2026-03-31', credits: 40, net: 760 },
      ]);
      const aged = await agedBalance(s.db, { asOf: '2026-02-28', scope: PORTFOLIO, orderBy: 'name', limit: 10 });
      expect(aged.totals).toMatchObject({ unappliedCredits: 140, net: 660 });
    });
  });

  describe(`DSO and CEI net of credit notes, consolidated, on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      await seedLedger(s.db);
    });
    afterAll(async () => s.close());
    const q = { asOf: '2026-03-31', months: 1, windowDays: 30, scope: { ...PORTFOLIO, currency: null, consolidatedIn: 'USD' }, netCredits: true };

    it('refuses to value a credit note in a currency with no rate, rather than leave it out or take it at par', async () => {
      await expect(dsoReport(s.db, q)).rejects.toMatchObject({ code: 'AR_ERR_EXCHANGE_RATE_MISSING' });
      // The aging balance and the aged balance show the credits whether asked or not: they refuse too.
      await expect(agingReport(s.db, q)).rejects.toMatchObject({ code: 'AR_ERR_EXCHANGE_RATE_MISSING' });
      await expect(agedBalance(s.db, { ...q, orderBy: 'name', limit: 10 })).rejects.toMatchObject({ code: 'AR_ERR_EXCHANGE_RATE_MISSING' });
    });

    it('says the rate is missing for credit notes, as it says it is for invoices, in a scope with no invoice in that currency', async () => {
      // X's invoices are all in USD: without this, EUR would read as a currency of invoices the scope does not have.
      const refusal = {
        code: 'AR_ERR_EXCHANGE_RATE_MISSING',
        extras: { currencies: ['EUR'], date: '2026-03-31', missing: [{ currency: 'EUR', date: '2026-03-31', for: ['credit notes'] }] },
        message: expect.stringContaining('none prices EUR on 2026-03-31 for credit notes'),
      };
      await expect(agingReport(s.db, q)).rejects.toMatchObject(refusal);
      await expect(dsoReport(s.db, q)).rejects.toMatchObject(refusal);
      await expect(agedBalance(s.db, { ...q, orderBy: 'name', limit: 10 })).rejects.toMatchObject(refusal);
    });

    it("values every credit note at the date's rate, CN4's 80 EUR too", async () => {
      await f.exchangeRate(s.db, 'EUR', 'USD', '2026-01-01', 1.25);
      // 03-31: 600 + 100 = 700 against 1,500; 02-28: 350 + 100 = 450 against 500.
      const [dso] = (await dsoReport(s.db, q)).groups;
      expect(dso).toMatchObject({ receivables: 800, unappliedCredits: 700, standardDso: 24 });
      const [cei] = (await ceiReport(s.db, q)).groups;
      expect(cei).toMatchObject({ beginningReceivables: 50, endingReceivables: 800, unappliedCredits: { beginning: 450, ending: 700 } });
      // The aging and the aged balance value them the same way, beside the 1,500 of USD invoices.
      const [aging] = (await agingReport(s.db, q)).groups;
      expect(aging).toMatchObject({ total: { amount: 1500 }, unappliedCredits: 700, excessCredits: 0, net: 800 });
      const aged = await agedBalance(s.db, { ...q, orderBy: 'name', limit: 10 });
      expect(aged.totals).toMatchObject({ total: { amount: 1500 }, unappliedCredits: 700, excessCredits: 0, net: 800 });
      expect(aged.customers).toMatchObject([{ customerExternalId: 'X', unappliedCredits: 700, net: 800 }]);
    });

    it('nets the total as its columns say, total − (unappliedCredits − excessCredits), to the ten-thousandth', async () => {
      // Z: 100.02 EUR overdue (123.394674 at 1.2337) and 200 USD not yet due, a credit note of 200.04 EUR (246.789348):
      // held 123.3947 on the overdue and 123.3947 on the current, rounded apart, 246.7894 against 246.7893 of credits.
      const z = await f.customer(s.db, { externalId: 'Z', segment: 'Z' });
      await f.invoice(s.db, { customerId: z, issueDate: '2026-02-01', dueDate: '2026-03-01', amount: 100.02, currency: 'EUR' });
      await f.invoice(s.db, { customerId: z, issueDate: '2026-03-20', dueDate: '2026-04-20', amount: 200 });
      await f.invoice(s.db, { customerId: z, kind: 'credit_note', issueDate: '2026-03-25', dueDate: '2026-03-25', amount: 200.04, currency: 'EUR' });
      await f.exchangeRate(s.db, 'EUR', 'USD', '2026-03-02', 1.2337);
      const zs = { ...q, scope: { ...q.scope, segment: 'Z' } };
      try {
        const net = { total: { amount: 323.3947 }, unappliedCredits: 246.7893, excessCredits: 0, net: 76.6054 };
        expect((await agingReport(s.db, zs)).groups[0]).toMatchObject(net);
        expect((await agedBalance(s.db, { ...zs, orderBy: 'name', limit: 10 })).totals).toMatchObject(net);
        expect((await dsoReport(s.db, zs)).groups[0]).toMatchObject({ receivables: 76.6054 });
      } finally {
        await s.db.query(`DELETE FROM invoices WHERE customer_id = $1`, [z]);
        await s.db.query(`DELETE FROM customers WHERE id = $1`, [z]);
        await s.db.query(`DELETE FROM exchange_rates WHERE rate_date = '2026-03-02'`);
      }
    });

    it('gives a customer credited beyond what it owes a net of 0, not the rounding of its valued parts', async () => {
      // 100.02 EUR × 1.2337 = 123.394674 overdue and as much not yet due: held whole by Y's 500 USD, each rounded alone
      // to 123.3947 beside a total rounded once to 246.7893.
      const y = await f.customer(s.db, { externalId: 'Y' });
      await f.invoice(s.db, { customerId: y, issueDate: '2026-02-01', dueDate: '2026-03-01', amount: 100.02, currency: 'EUR' });
      await f.invoice(s.db, { customerId: y, issueDate: '2026-03-20', dueDate: '2026-04-20', amount: 100.02, currency: 'EUR' });
      await f.invoice(s.db, { customerId: y, kind: 'credit_note', issueDate: '2026-03-25', dueDate: '2026-03-25', amount: 500 });
      await f.exchangeRate(s.db, 'EUR', 'USD', '2026-03-02', 1.2337);
      try {
        const aged = await agedBalance(s.db, { ...q, orderBy: 'name', limit: 10 });
        expect(aged.customers.find((c) => c.customerExternalId === 'Y')).toMatchObject({ total: { amount: 246.7893 }, excessCredits: 253.2107, net: 0 });
        // Alone in its scope: the aging's and the DSO's figures are Y's.
        await s.db.query(`UPDATE customers SET segment = 'Y' WHERE external_id = 'Y'`);
        const ys = { ...q, scope: { ...q.scope, segment: 'Y' } };
        expect((await agingReport(s.db, ys)).groups[0]).toMatchObject({ total: { amount: 246.7893 }, excessCredits: 253.2107, net: 0 });
        expect((await dsoReport(s.db, ys)).groups[0]).toMatchObject({ receivables: 0 });
        expect((await agedBalance(s.db, { ...ys, orderBy: 'name', limit: 10 })).totals).toMatchObject({ net: 0 });
      } finally {
        await s.db.query(`DELETE FROM invoices WHERE customer_id = $1`, [y]);
        await s.db.query(`DELETE FROM customers WHERE id = $1`, [y]);
        await s.db.query(`DELETE FROM exchange_rates WHERE rate_date = '2026-03-02'`);
      }
    });
  });

  describe(`the DSO and CEI routes with netCredits on ${backend}`, () => {
    const { get } = reportsApi(backend, seedLedger);

    it('take the switch, name the file after it and add the credits offset as its last columns', async () => {
      const dso = await get('/v1/reports/dso?asOf=2026-03-31&months=1&windowDays=30&netCredits=true&format=csv');
      expect(dso.statusCode).toBe(200);
      expect(dso.headers['content-disposition']).toBe('attachment; filename="dso-net-USD-2026-03-31.csv"');
      const [header, row] = dso.body.trim().split('\r\n');
      expect(header).toMatch(/,average_days_delinquent,unapplied_credits,excess_credits$/);
      expect(row).toMatch(/^2026-03,2026-03-31,portfolio,900,1000,30,27,/);
      const cei = await get('/v1/reports/cei?asOf=2026-03-31&months=1&netCredits=true');
      expect(cei.json()).toMatchObject({ netCredits: true, groups: [{ cei: 100, unappliedCredits: { beginning: 350, ending: 600 } }] });
      expect((await get('/v1/reports/cei?asOf=2026-03-31&months=1')).json()).toMatchObject({ netCredits: false, groups: [{ cei: 0 }] });
      expect((await get('/v1/reports/dso?netCredits=maybe')).statusCode).toBe(400);
    });

    it("give the aging balance's unapplied credits and net total as its last columns, and in the JSON", async () => {
      const csv = await get('/v1/reports/aging?asOf=2026-03-31&months=1&format=csv');
      const [header, row] = csv.body.trim().split('\r\n');
      expect(header).toMatch(/,overdue30_unqualified_count,unapplied_credits,excess_credits,net_amount$/);
      // CN1 + CN2 in USD against X's 1,500 (CN3 applied on 03-25, CN4 in EUR).
      expect(row).toMatch(/^2026-03,2026-03-31,portfolio,1500,2,.*,600,0,900$/);
      expect((await get('/v1/reports/aging?asOf=2026-03-31&months=1')).json())
        .toMatchObject({ groups: [{ total: { amount: 1500 }, unappliedCredits: 600, excessCredits: 0, net: 900 }] });
    });

    it('give each customer its unapplied credits and net on the aged balance, as its last columns', async () => {
      const [header, row] = (await get('/v1/reports/aged-balance?asOf=2026-03-31&format=csv')).body.trim().split('\r\n');
      expect(header).toMatch(/,risk_score,unapplied_credits,excess_credits,net_amount$/);
      expect(row).toMatch(/^X,Customer X,.*,1500,.*,600,0,900$/);
      expect((await get('/v1/reports/aged-balance?asOf=2026-03-31')).json()).toMatchObject({
        totals: { unappliedCredits: 600, excessCredits: 0, net: 900 }, customers: [{ customerExternalId: 'X', unappliedCredits: 600, net: 900 }],
      });
    });
  });
}
