// The risk report on the hand-checked portfolio of portfolio.ts, given scores, limits, a cover and an insolvency.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { agingReport, riskReport, statusesReport, type ReportScope, type RiskRow } from '../../src/reports/index.js';
import type { Db } from '../../src/db/sql.js';
import { seedPortfolio } from './portfolio.js';
import * as f from '../agenda/factories.js';

const PORTFOLIO: ReportScope = { groupBy: 'portfolio', collector: null, segment: null, currency: 'USD' };

let events = 0;
// A value is a number, or the text of a float8 no JSON number is ('NaN', 'Infinity'): stored otherwise than by imports.
const event = (db: Db, customer: string, kind: string, on: string, value: number | string | null, previous?: number) =>
  db.query(
    `INSERT INTO external_events (external_id, customer_id, kind, occurred_at, source, value, payload)
     SELECT $1, id, $3, $4::timestamptz, 'test', $5, $6::jsonb FROM customers WHERE external_id = $2`,
    [`EV-${++events}`, customer, kind, `${on}T10:00:00Z`, value, JSON.stringify(previous === undefined ? {} : { previous })],
  );

/**
 * On top of the portfolio (A: 1,500 + 3,000 open on 03-31; B: 400 + 600):
 * - A scored 30 on 2026-01-10 (20 before), 75 on 2026-03-15; its limit set to 4,000 on 2026-03-01 (6,000 before).
 * - B: current score 55 and no score event; no credit limit; insurer cover 500; insolvency reported 2026-03-20.
 * - C: no score; a limit of 0; 100 issued 2026-03-05, due 2026-04-04.
 */
async function seedRisk(db: Db) {
  await seedPortfolio(db);
  await db.query(`UPDATE customers SET credit_limit = 4000 WHERE external_id = 'A'`);
  await db.query(`UPDATE customers SET risk_score = 55, insurer_cover = 500 WHERE external_id = 'B'`);
  const c = await f.customer(db, { externalId: 'C', segment: 'small' });
  await db.query(`UPDATE customers SET credit_limit = 0 WHERE id = $1`, [c]);
  await f.invoice(db, { customerId: c, number: 'C1', issueDate: '2026-03-05', dueDate: '2026-04-04', amount: 100 });
  await event(db, 'A', 'risk_score_change', '2026-01-10', 30, 20);
  await event(db, 'A', 'risk_score_change', '2026-03-15', 75, 30);
  await event(db, 'A', 'credit_limit_decision', '2026-03-01', 4000, 6000);
  await event(db, 'B', 'insolvency', '2026-03-20', null);
}

const bands = (row: RiskRow) => Object.fromEntries(row.bands.map((b) => [b.band, [b.customers, b.exposure, b.overdue]]));

for (const backend of await backends()) {
  describe(`the risk report on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      await seedRisk(s.db);
    });
    afterAll(async () => s.close());

    describe('when asked for 2026-03-31', () => {
      let row: RiskRow;
      beforeAll(async () => {
        [row] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: PORTFOLIO })).groups;
      });

      it('counts the exposure of each customer in the band of its score that day', () => {
        expect(row).toMatchObject({ customers: 3, exposure: { amount: 5600, count: 5 }, overdue: { amount: 2500, count: 3 } });
        expect(bands(row)).toEqual({ high: [1, 4500, 1500], medium: [1, 1000, 1000], low: [0, 0, 0], unscored: [1, 100, 0] });
        expect(row.bands.map((b) => b.share)).toEqual([0.8036, 0.1786, 0, 0.0179]);
      });

      it('says what stands above the credit limits, a limit of 0 granting no credit, and who has none', () => {
        // A: 4,500 over 4,000; C: 100 over 0. B has no limit.
        expect(row.overLimit).toEqual({ customers: 2, exposure: 4600, excess: 600 });
        expect(row.withoutLimit).toEqual({ customers: 1, exposure: 1000 });
      });

      it("says what stands above the insurer's cover, and what customers in insolvency proceedings owe", () => {
        expect(row.aboveCover).toEqual({ customers: 1, excess: 500 });
        // A and C have no cover recorded: unknown, counted apart rather than as above a cover of 0.
        expect(row.withoutCover).toEqual({ customers: 2, exposure: 4600 });
        expect(row.insolvent).toEqual({ customers: 1, exposure: 1000 });
      });
    });

    it("reads a cover of 0 as the insurer's refusal: all of that customer's exposure stands above it", async () => {
      await s.db.query(`UPDATE customers SET insurer_cover = 0 WHERE external_id = 'C'`);
      try {
        const [row] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: PORTFOLIO })).groups;
        // B: 500 over its 500; C: all of its 100.
        expect(row.aboveCover).toEqual({ customers: 2, excess: 600 });
        expect(row.withoutCover).toEqual({ customers: 1, exposure: 4500 });
      } finally {
        await s.db.query(`UPDATE customers SET insurer_cover = NULL WHERE external_id = 'C'`);
      }
    });

    it('reads a limit or a cover of 0 as 0 whatever the account currency, with no rate to ask for', async () => {
      const [inUsd] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: PORTFOLIO })).groups;
      // C's account kept in euros, its invoices in dollars: 0 euros of credit or of cover is 0 dollars.
      await s.db.query(`UPDATE customers SET currency = 'EUR', insurer_cover = 0 WHERE external_id = 'C'`);
      try {
        const [row] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: PORTFOLIO })).groups;
        expect(row.overLimit).toEqual(inUsd.overLimit);
        expect(row.aboveCover).toEqual({ customers: 2, excess: 600 });
      } finally {
        await s.db.query(`UPDATE customers SET currency = 'USD', insurer_cover = NULL WHERE external_id = 'C'`);
      }
    });

    describe('when the trend goes back before the events', () => {
      let feb: RiskRow;
      let dec: RiskRow;
      beforeAll(async () => {
        const r = await riskReport(s.db, { asOf: '2026-03-31', months: 4, scope: PORTFOLIO });
        expect(r.trend.map((t) => t.date)).toEqual(['2025-12-31', '2026-01-31', '2026-02-28', '2026-03-31']);
        [dec, , feb] = r.trend;
      });

      it("reads each score and limit as it stood then: the latest event by that day, else what the first one replaced", () => {
        // 02-28: A owes A2's 2,000 (its 500 came 03-20), scored 30, limit 6,000 then; B owes B1, B2 and B3 (settled 03-15, not yet due).
        expect(bands(feb)).toEqual({ high: [0, 0, 0], medium: [1, 1800, 1000], low: [1, 2000, 2000], unscored: [0, 0, 0] });
        expect(feb.overLimit).toEqual({ customers: 0, exposure: 0, excess: 0 });
        expect(feb.insolvent).toEqual({ customers: 0, exposure: 0 });
        // 12-31: A owes A1 (1,000), scored 20 before its first score event.
        expect(bands(dec)).toMatchObject({ low: [1, 1000, 0], medium: [1, 400, 400] });
      });
    });

    it('reads the last of two events of one day, recorded in that order, as the score that day', async () => {
      await event(s.db, 'A', 'risk_score_change', '2026-02-20', 80, 30);
      await event(s.db, 'A', 'risk_score_change', '2026-02-20', 50, 80);
      try {
        const [, , feb] = (await riskReport(s.db, { asOf: '2026-03-31', months: 4, scope: PORTFOLIO })).trend;
        expect(bands(feb)).toMatchObject({ medium: [2, 3800, 3000], high: [0, 0, 0] });
      } finally {
        await s.db.query(`DELETE FROM external_events WHERE kind = 'risk_score_change' AND occurred_at = '2026-02-20T10:00:00Z'`);
      }
    });

    it('narrows to a collector and splits by segment', async () => {
      const bob = await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: { ...PORTFOLIO, collector: 'bob' } });
      expect(bob.groups[0]).toMatchObject({ customers: 1, exposure: { amount: 1000 }, insolvent: { customers: 1 } });
      const bySegment = await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: { ...PORTFOLIO, groupBy: 'segment' } });
      expect(bySegment.groups.map((g) => [g.group, g.customers, g.overLimit.customers])).toEqual([['small', 2, 1], ['standard', 1, 1]]);
    });

    it('skips a score event whose value is NaN or infinite, the score before standing in, as the risk agenda does', async () => {
      await event(s.db, 'A', 'risk_score_change', '2026-02-01', 'NaN', 30);
      await event(s.db, 'A', 'risk_score_change', '2026-02-02', 'Infinity', 30);
      try {
        const [, , feb] = (await riskReport(s.db, { asOf: '2026-03-31', months: 4, scope: PORTFOLIO })).trend;
        // A's 30 of 01-10 still stands on 02-28: low, not unscored.
        expect(bands(feb)).toMatchObject({ low: [1, 2000, 2000], unscored: [0, 0, 0] });
      } finally {
        await s.db.query(`DELETE FROM external_events WHERE value IN ('NaN', 'Infinity')`);
      }
    });

    it('skips a score event with no value, the current score standing in for a customer no other event scored', async () => {
      await event(s.db, 'B', 'risk_score_change', '2026-03-01', null);
      try {
        const [row] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: PORTFOLIO })).groups;
        // B's current 55, as without the event: medium, not unscored.
        expect(bands(row)).toMatchObject({ medium: [1, 1000, 1000], unscored: [1, 100, 0] });
      } finally {
        await s.db.query(`DELETE FROM external_events WHERE kind = 'risk_score_change' AND value IS NULL`);
      }
    });

    it('skips a limit decision no credit limit could be (below 0, past 10^13), rather than fail with an overflow', async () => {
      // Two limits of -1e308 each put about 1e308 above the limit: their sum overflowed float8, and the report answered 500.
      await event(s.db, 'B', 'credit_limit_decision', '2026-03-10', -1e308);
      await event(s.db, 'C', 'credit_limit_decision', '2026-03-10', -1e308);
      await event(s.db, 'A', 'credit_limit_decision', '2026-03-12', 1e14);
      try {
        const [row] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: PORTFOLIO })).groups;
        // As without those events: A over its 4,000 decided on 03-01, C over its 0, B without a limit.
        expect(row.overLimit).toEqual({ customers: 2, exposure: 4600, excess: 600 });
        expect(row.withoutLimit).toEqual({ customers: 1, exposure: 1000 });
      } finally {
        await s.db.query(`DELETE FROM external_events WHERE kind = 'credit_limit_decision' AND value NOT BETWEEN 0 AND 1e13`);
      }
    });

    it('ignores a payload that is not a number a float8 holds, rather than failing', async () => {
      await s.db.query(`UPDATE external_events SET payload = '{"previous": 1e400}'::jsonb WHERE kind = 'credit_limit_decision'`);
      try {
        const [, , feb] = (await riskReport(s.db, { asOf: '2026-03-31', months: 4, scope: PORTFOLIO })).trend;
        // A's limit before the decision is unknown: no limit, so nothing over it.
        expect(feb.withoutLimit).toEqual({ customers: 2, exposure: 3800 });
      } finally {
        await s.db.query(`UPDATE external_events SET payload = '{"previous": 6000}'::jsonb WHERE kind = 'credit_limit_decision'`);
      }
    });
  });

  describe(`the consolidated risk report on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      const e = await f.customer(s.db, { externalId: 'E', currency: 'EUR' });
      await s.db.query(`UPDATE customers SET credit_limit = 900 WHERE id = $1`, [e]);
      await f.invoice(s.db, { customerId: e, number: 'E1', issueDate: '2026-03-01', dueDate: '2026-03-31', amount: 1000, currency: 'EUR' });
      const u = await f.customer(s.db, { externalId: 'U' });
      await f.invoice(s.db, { customerId: u, number: 'U1', issueDate: '2026-03-01', dueDate: '2026-03-31', amount: 50 });
    });
    afterAll(async () => s.close());
    const CONSOLIDATED: ReportScope = { ...PORTFOLIO, currency: null, consolidatedIn: 'USD' };

    it('values the exposure and the limit in the reporting currency with the same day rate', async () => {
      await f.exchangeRate(s.db, 'EUR', 'USD', '2026-03-30', 1.1);
      const [row] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: CONSOLIDATED })).groups;
      expect(row.exposure.amount).toBe(1150);
      expect(row.overLimit).toEqual({ customers: 1, exposure: 1100, excess: 110 });
    });

    it('compares in a one-currency report only the accounts kept in it', async () => {
      const [eur] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: { ...PORTFOLIO, currency: 'EUR' } })).groups;
      expect(eur.overLimit).toEqual({ customers: 1, exposure: 1000, excess: 100 });
      const [usd] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: PORTFOLIO })).groups;
      expect(usd).toMatchObject({ customers: 1, overLimit: { customers: 0 } });
    });

    it('skips a limit decision no credit limit could be, rather than overflow valuing it', async () => {
      // 1.7e308 EUR is past what a float8 holds in USD at 1.1: the report answered 500.
      await event(s.db, 'E', 'credit_limit_decision', '2026-03-10', 1.7e308);
      try {
        const [row] = (await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: CONSOLIDATED })).groups;
        expect(row.overLimit).toEqual({ customers: 1, exposure: 1100, excess: 110 });
      } finally {
        await s.db.query(`DELETE FROM external_events WHERE kind = 'credit_limit_decision'`);
      }
    });

    it('needs no rate for a limit of 0, nothing in any currency', async () => {
      // A blocked account kept in GBP, invoiced in USD: the report refused for want of a GBP rate it did not need.
      await s.db.query(`UPDATE customers SET currency = 'GBP', credit_limit = 0 WHERE external_id = 'U'`);
      try {
        const r = await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: CONSOLIDATED });
        expect(r.groups[0].overLimit).toEqual({ customers: 2, exposure: 1150, excess: 160 });
        // GBP values nothing here, so no rate of it is needed, and none is listed.
        expect(r.consolidation!.currencies).toEqual(['EUR', 'USD']);
      } finally {
        await s.db.query(`UPDATE customers SET currency = 'USD', credit_limit = NULL WHERE external_id = 'U'`);
      }
    });

    it("needs no rate for a cover of 0, the insurer's refusal: all of that exposure stands above it", async () => {
      await s.db.query(`UPDATE customers SET currency = 'GBP', insurer_cover = 0 WHERE external_id = 'U'`);
      try {
        const r = await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: CONSOLIDATED });
        expect(r.groups[0].aboveCover).toEqual({ customers: 1, excess: 50 });
        expect(r.groups[0].withoutCover).toEqual({ customers: 1, exposure: 1100 });
        expect(r.consolidation!.currencies).toEqual(['EUR', 'USD']);
      } finally {
        await s.db.query(`UPDATE customers SET currency = 'USD', insurer_cover = NULL WHERE external_id = 'U'`);
      }
    });

    it('lists the rate of an account currency that values only a limit, beside the invoices\' currencies', async () => {
      await s.db.query(`UPDATE customers SET currency = 'GBP', credit_limit = 40 WHERE external_id = 'U'`);
      await f.exchangeRate(s.db, 'GBP', 'USD', '2026-03-30', 1.25);
      try {
        const r = await riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: CONSOLIDATED });
        // U: 50 USD open over 40 GBP (50 USD).
        expect(r.groups[0].overLimit).toEqual({ customers: 1, exposure: 1100, excess: 110 });
        expect(r.consolidation!.currencies).toEqual(['EUR', 'GBP', 'USD']);
        expect(r.consolidation!.rates).toContainEqual({ date: '2026-03-31', currency: 'GBP', rate: 1.25 });
      } finally {
        await s.db.query(`UPDATE customers SET currency = 'USD', credit_limit = NULL WHERE external_id = 'U'`);
        await s.db.query(`DELETE FROM exchange_rates WHERE currency = 'GBP'`);
      }
    });

    it("gives the aging balance's exposure and overdue to the last decimal", async () => {
      // 1 CHF overdue in each of two buckets, at 1.00006: the aging balance added the buckets rounded (2.0002), not
      // the amounts (2.00012, shown 2.0001) as its total and the risk report do.
      const ch = await f.customer(s.db, { externalId: 'CH', currency: 'CHF' });
      await f.invoice(s.db, { customerId: ch, number: 'CH1', issueDate: '2026-02-01', dueDate: '2026-03-15', amount: 1, currency: 'CHF' });
      await f.invoice(s.db, { customerId: ch, number: 'CH2', issueDate: '2026-01-01', dueDate: '2026-02-15', amount: 1, currency: 'CHF' });
      await f.exchangeRate(s.db, 'CHF', 'USD', '2026-03-01', 1.00006);
      try {
        const q = { asOf: '2026-03-31', months: 1, scope: { ...CONSOLIDATED, segment: null, collector: null } };
        const [[aging], [risk]] = [(await agingReport(s.db, q)).groups, (await riskReport(s.db, q)).groups];
        expect([risk.exposure, risk.overdue]).toEqual([aging.total, aging.overdue]);
        expect(aging.overdue).toEqual({ amount: 2.0001, count: 2 });
        // The statuses report's too: CH1 disputed, CH2 not, each 1.0001 rounded alone.
        await s.db.query(`UPDATE invoices SET status = 'dispute', status_date = '2026-03-20' WHERE number = 'CH1'`);
        const [statuses] = (await statusesReport(s.db, q)).groups;
        expect(statuses.overdue).toEqual(aging.overdue);
        expect(statuses.statuses.filter((x) => x.count > 0).map((x) => [x.status, x.amount])).toEqual([['dispute', 1.0001], ['unqualified', 1.0001]]);
      } finally {
        await s.db.query(`DELETE FROM customers WHERE external_id = 'CH'`);
        await s.db.query(`DELETE FROM exchange_rates WHERE currency = 'CHF'`);
      }
    });

    it('refuses with the missing rate rather than take a limit at par', async () => {
      await s.db.query(`UPDATE customers SET currency = 'GBP' WHERE external_id = 'U'`);
      await s.db.query(`UPDATE customers SET credit_limit = 10 WHERE external_id = 'U'`);
      try {
        await expect(riskReport(s.db, { asOf: '2026-03-31', months: 1, scope: CONSOLIDATED }))
          .rejects.toMatchObject({ code: 'AR_ERR_EXCHANGE_RATE_MISSING', extras: { missing: expect.arrayContaining([{ currency: 'GBP', date: '2026-03-31', for: ['credit limits or covers'] }]) } });
      } finally {
        await s.db.query(`UPDATE customers SET currency = 'USD', credit_limit = NULL WHERE external_id = 'U'`);
      }
    });
  });
}
