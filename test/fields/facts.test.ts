// The customer facts saved searches read, against a real database, on both backends.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { loadCustomerFacts } from '../../src/fields/facts.js';
import { ratesInto } from '../../src/agenda/currencies.js';
import { matchSearch } from '../../src/searches/store.js';
import { validateCriteria } from '../../src/searches/validate.js';
import { recordReportingCurrency } from '../../src/fields/reporting-currency.js';
import * as f from '../agenda/factories.js';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

for (const backend of await backends()) {
  describe(`customer facts on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => { s = await openTestStorage(backend); });
    afterAll(async () => s.close());
    beforeEach(async () => {
      await f.wipe(s.db);
      await s.db.query(`DELETE FROM service_state WHERE key = 'reporting-currency'`);
    });

    it('counts a disputed invoice as disputed, not as an unqualified delay, whether or not it has a status', async () => {
      const flagged = await f.customer(s.db);
      await f.invoice(s.db, { customerId: flagged, dueDate: daysAgo(40), amount: 5000, disputed: true });
      const qualified = await f.customer(s.db);
      await f.invoice(s.db, { customerId: qualified, dueDate: daysAgo(40), amount: 5000, status: 'dispute' });
      const plain = await f.customer(s.db);
      await f.invoice(s.db, { customerId: plain, dueDate: daysAgo(40), amount: 5000 });
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      for (const id of [flagged, qualified]) {
        expect(facts.get(id)).toMatchObject({ disputedAmount: 5000, overdue30Amount: 5000, unqualifiedOverdue30Amount: 0 });
      }
      expect(facts.get(plain)).toMatchObject({ disputedAmount: 0, unqualifiedOverdue30Amount: 5000 });
    });

    it('keeps balances in one currency and counts the open invoices left out of them', async () => {
      const eu = await f.customer(s.db, { currency: 'EUR' });
      await f.invoice(s.db, { customerId: eu, dueDate: daysAgo(40), amount: 1000, currency: 'EUR' });
      await f.invoice(s.db, { customerId: eu, dueDate: daysAgo(100), amount: 150_000, currency: 'JPY' });
      await f.invoice(s.db, { customerId: eu, issueDate: daysAgo(200), dueDate: daysAgo(170), amount: 700, openAmount: 0, currency: 'EUR' });
      // The account currency defaulted to USD but the customer is invoiced in GBP: its balance is in GBP, not zero.
      const defaulted = await f.customer(s.db);
      await f.invoice(s.db, { customerId: defaulted, dueDate: daysAgo(5), amount: 300, currency: 'GBP' });
      await f.invoice(s.db, { customerId: defaulted, dueDate: daysAgo(5), amount: 200, currency: 'GBP' });
      await f.invoice(s.db, { customerId: defaulted, dueDate: daysAgo(5), amount: 9000, currency: 'SEK' });
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      expect(facts.get(eu)).toMatchObject({
        balanceCurrency: 'EUR', openAmount: 1000, overdueAmount: 1000, overdue30Amount: 1000, turnover12m: 1700,
        openInvoices: 2, otherCurrencyOpenInvoices: 1, maxDaysOverdue: 100, agingBucket: '90+',
      });
      expect(facts.get(defaulted)).toMatchObject({
        currency: 'USD', balanceCurrency: 'GBP', openAmount: 500, turnover12m: 500, openInvoices: 3, otherCurrencyOpenInvoices: 1,
      });
    });

    it('keeps unapplied credit notes apart from the open amount and nets them in the balance currency', async () => {
      const owes = await f.customer(s.db, { currency: 'EUR' });
      await f.invoice(s.db, { customerId: owes, dueDate: daysAgo(40), amount: 1000, currency: 'EUR' });
      await f.invoice(s.db, { customerId: owes, kind: 'credit_note', dueDate: daysAgo(10), amount: 250, currency: 'EUR' });
      await f.invoice(s.db, { customerId: owes, kind: 'credit_note', dueDate: daysAgo(90), amount: 80, openAmount: 0, currency: 'EUR' });
      await f.invoice(s.db, { customerId: owes, kind: 'credit_note', dueDate: daysAgo(10), amount: 9000, currency: 'JPY' });
      const owed = await f.customer(s.db, { currency: 'EUR' });
      await f.invoice(s.db, { customerId: owed, kind: 'credit_note', dueDate: daysAgo(3), amount: 60, currency: 'EUR' });
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      expect(facts.get(owes)).toMatchObject({ openAmount: 1000, openCredits: 250, netOpenAmount: 750, overdueAmount: 1000, openInvoices: 1 });
      expect(facts.get(owed)).toMatchObject({ balanceCurrency: 'EUR', openAmount: 0, openCredits: 60, netOpenAmount: -60, openInvoices: 0 });
      expect((await loadCustomerFacts(s.db, [owes]))[0]).toMatchObject({ openCredits: 250, netOpenAmount: 750 });
    });

    it('values balances in the reporting currency with the latest rate quoted either way, and leaves them empty with none', async () => {
      const eur = await f.customer(s.db, { currency: 'EUR' });
      await f.invoice(s.db, { customerId: eur, dueDate: daysAgo(40), amount: 1000, currency: 'EUR' });
      await f.invoice(s.db, { customerId: eur, dueDate: daysAgo(-20), amount: 500, currency: 'EUR' });
      const yen = await f.customer(s.db, { currency: 'JPY' });
      await f.invoice(s.db, { customerId: yen, dueDate: daysAgo(10), amount: 150_000, currency: 'JPY' });
      const usd = await f.customer(s.db);
      await f.invoice(s.db, { customerId: usd, dueDate: daysAgo(10), amount: 700 });
      const chf = await f.customer(s.db, { currency: 'CHF' });
      await f.invoice(s.db, { customerId: chf, dueDate: daysAgo(10), amount: 300, currency: 'CHF' });
      // Yen beside the euros: valued too, not left out as from the balance amounts.
      const both = await f.customer(s.db, { currency: 'EUR' });
      await f.invoice(s.db, { customerId: both, dueDate: daysAgo(10), amount: 100, currency: 'EUR' });
      await f.invoice(s.db, { customerId: both, dueDate: daysAgo(-10), amount: 30_000, currency: 'JPY' });
      // Francs beside the dollars: no rate for one of them, so no value at all.
      const unpriced = await f.customer(s.db);
      await f.invoice(s.db, { customerId: unpriced, dueDate: daysAgo(10), amount: 100 });
      await f.invoice(s.db, { customerId: unpriced, dueDate: daysAgo(10), amount: 100, currency: 'CHF' });
      const none = await f.customer(s.db, { currency: 'CHF' });
      await s.db.query(`INSERT INTO exchange_rates (currency, quote_currency, rate_date, rate) VALUES
        ('EUR', 'USD', $1, 1.05), ('EUR', 'USD', $2, 1.10), ('EUR', 'USD', $3, 1.25), ('USD', 'JPY', $2, 150)`,
      [daysAgo(60), daysAgo(5), daysAgo(-3)]);
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      expect(facts.get(eur)).toMatchObject({ openAmount: 1500, reportingOpenAmount: 1650, reportingOverdueAmount: 1100 });
      expect(facts.get(yen)!.reportingOpenAmount).toBeCloseTo(1000, 6);
      expect(facts.get(usd)).toMatchObject({ reportingOpenAmount: 700, reportingOverdueAmount: 700 });
      expect(facts.get(chf)).toMatchObject({ openAmount: 300, reportingOpenAmount: null, reportingOverdueAmount: null });
      expect(facts.get(both)).toMatchObject({ openAmount: 100, reportingOverdueAmount: 110 });
      expect(facts.get(both)!.reportingOpenAmount).toBeCloseTo(310, 6);
      expect(facts.get(unpriced)).toMatchObject({ openAmount: 100, reportingOpenAmount: null });
      expect(facts.get(none)).toMatchObject({ openAmount: 0, reportingOpenAmount: 0, reportingOverdueAmount: 0 });
      // Turnover too: every currency invoiced in the last year, valued.
      expect(facts.get(eur)).toMatchObject({ turnover12m: 1500, reportingTurnover12m: 1650 });
      expect(facts.get(both)!.reportingTurnover12m).toBeCloseTo(310, 6);
      expect(facts.get(unpriced)).toMatchObject({ turnover12m: 100, reportingTurnover12m: null });
      // Another reporting currency, recorded at start: the dollars are valued in euros.
      await recordReportingCurrency(s.db, 'EUR');
      const inEur = new Map((await loadCustomerFacts(s.db, [eur, usd])).map((r) => [r.id, r]));
      expect(inEur.get(eur)).toMatchObject({ reportingOpenAmount: 1500 });
      expect(inEur.get(usd)!.reportingOpenAmount).toBeCloseTo(700 / 1.10, 6);
    });

    it('values through another currency when no rate links one to the reporting currency, as the agenda does', async () => {
      const yen = await f.customer(s.db, { currency: 'JPY' });
      await f.invoice(s.db, { customerId: yen, dueDate: daysAgo(10), amount: 160_000, currency: 'JPY' });
      await s.db.query(`INSERT INTO exchange_rates (currency, quote_currency, rate_date, rate) VALUES
        ('EUR', 'USD', $1, 1.08), ('EUR', 'JPY', $1, 160)`, [daysAgo(3)]);
      const [facts] = await loadCustomerFacts(s.db, [yen]);
      expect(facts.reportingOpenAmount).toBeCloseTo(1080, 6);
      expect(ratesInto([
        { currency: 'EUR', quoteCurrency: 'USD', rateDate: daysAgo(3), rate: 1.08 },
        { currency: 'EUR', quoteCurrency: 'JPY', rateDate: daysAgo(3), rate: 160 },
      ], 'USD').get('JPY')! * 160_000).toBeCloseTo(facts.reportingOpenAmount as number, 6);
    });

    it('measures the open balance against the credit limit, every currency valued in the limit\'s', async () => {
      const limited = await f.customer(s.db, { currency: 'EUR' });
      await s.db.query('UPDATE customers SET credit_limit = 1000 WHERE id = $1', [limited]);
      await f.invoice(s.db, { customerId: limited, dueDate: daysAgo(10), amount: 900, currency: 'EUR' });
      await f.invoice(s.db, { customerId: limited, dueDate: daysAgo(10), amount: 330, currency: 'USD' });
      const idle = await f.customer(s.db);
      await s.db.query('UPDATE customers SET credit_limit = 5000 WHERE id = $1', [idle]);
      const unlimited = await f.customer(s.db);
      await f.invoice(s.db, { customerId: unlimited, dueDate: daysAgo(10), amount: 100 });
      await s.db.query(`INSERT INTO exchange_rates (currency, quote_currency, rate_date, rate) VALUES ('EUR', 'USD', $1, 1.10)`, [daysAgo(3)]);
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      // 900 EUR + 330 USD (300 EUR) against 1,000 EUR.
      expect(facts.get(limited)!.creditLimitUsage).toBeCloseTo(1.2, 6);
      expect(facts.get(idle)).toMatchObject({ creditLimitUsage: 0 });
      expect(facts.get(unlimited)).toMatchObject({ creditLimitUsage: null });
    });

    it('reads a credit limit of 0 as no credit granted: 0 used with nothing open, no ratio once something is; no limit stays empty', async () => {
      const noCredit = await f.customer(s.db);
      await s.db.query('UPDATE customers SET credit_limit = 0 WHERE id = $1', [noCredit]);
      await f.invoice(s.db, { customerId: noCredit, dueDate: daysAgo(10), amount: 100 });
      const noCreditIdle = await f.customer(s.db);
      await s.db.query('UPDATE customers SET credit_limit = 0 WHERE id = $1', [noCreditIdle]);
      const noLimitIdle = await f.customer(s.db);
      const facts = new Map((await loadCustomerFacts(s.db, [noCredit, noCreditIdle, noLimitIdle])).map((r) => [r.id, r]));
      expect(facts.get(noCredit)).toMatchObject({ creditLimit: 0, creditLimitUsage: null });
      expect(facts.get(noCreditIdle)).toMatchObject({ creditLimit: 0, creditLimitUsage: 0 });
      expect(facts.get(noLimitIdle)).toMatchObject({ creditLimit: null, creditLimitUsage: null });
    });

    it('gives the exposure above the credit-insurer cover in the reporting currency, all of it with no cover or a cover of 0', async () => {
      const covered = await f.customer(s.db, { currency: 'EUR' });
      await s.db.query('UPDATE customers SET insurer_cover = 1000 WHERE id = $1', [covered]);
      await f.invoice(s.db, { customerId: covered, dueDate: daysAgo(10), amount: 900, currency: 'EUR' });
      await f.invoice(s.db, { customerId: covered, dueDate: daysAgo(-10), amount: 550, currency: 'USD' });
      const within = await f.customer(s.db, { currency: 'EUR' });
      await s.db.query('UPDATE customers SET insurer_cover = 5000 WHERE id = $1', [within]);
      await f.invoice(s.db, { customerId: within, dueDate: daysAgo(10), amount: 900, currency: 'EUR' });
      const uninsured = await f.customer(s.db);
      await f.invoice(s.db, { customerId: uninsured, dueDate: daysAgo(10), amount: 400 });
      const unpriced = await f.customer(s.db, { currency: 'CHF' });
      await s.db.query('UPDATE customers SET insurer_cover = 100 WHERE id = $1', [unpriced]);
      await f.invoice(s.db, { customerId: unpriced, dueDate: daysAgo(10), amount: 300, currency: 'CHF' });
      // The insurer refused (cover 0) an account kept in CHF, invoiced in USD: all of it, no CHF rate needed.
      const refused = await f.customer(s.db, { currency: 'CHF' });
      await s.db.query('UPDATE customers SET insurer_cover = 0 WHERE id = $1', [refused]);
      await f.invoice(s.db, { customerId: refused, dueDate: daysAgo(10), amount: 250 });
      const idle = await f.customer(s.db);
      await s.db.query(`INSERT INTO exchange_rates (currency, quote_currency, rate_date, rate) VALUES ('EUR', 'USD', $1, 1.10)`, [daysAgo(3)]);
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      // 990 + 550 USD open against 1,100 USD of cover.
      expect(facts.get(covered)!.uncoveredExposure).toBeCloseTo(440, 6);
      expect(facts.get(within)).toMatchObject({ uncoveredExposure: 0 });
      expect(facts.get(uninsured)).toMatchObject({ uncoveredExposure: 400 });
      expect(facts.get(unpriced)).toMatchObject({ uncoveredExposure: null });
      expect(facts.get(refused)).toMatchObject({ uncoveredExposure: 250 });
      expect(facts.get(idle)).toMatchObject({ uncoveredExposure: 0 });
      expect((await loadCustomerFacts(s.db, [covered]))[0].uncoveredExposure).toBeCloseTo(440, 6);
    });

    it('values with the latest rate whichever way it is quoted, as the agenda and the reports do', async () => {
      const gbp = await f.customer(s.db, { currency: 'GBP' });
      await f.invoice(s.db, { customerId: gbp, dueDate: daysAgo(10), amount: 1000, currency: 'GBP' });
      await s.db.query(`INSERT INTO exchange_rates (currency, quote_currency, rate_date, rate) VALUES
        ('GBP', 'USD', $1, 1.30), ('USD', 'GBP', $2, 0.8)`, [daysAgo(30), daysAgo(2)]);
      expect((await loadCustomerFacts(s.db, [gbp]))[0]).toMatchObject({ reportingOpenAmount: 1250 });
      await s.db.query(`INSERT INTO exchange_rates (currency, quote_currency, rate_date, rate) VALUES ('GBP', 'USD', $1, 1.27)`, [daysAgo(2)]);
      expect((await loadCustomerFacts(s.db, [gbp]))[0]).toMatchObject({ reportingOpenAmount: 1270 });
    });

    it("gives the date the customer's latest email promised to pay by, ignoring a date that is none and old emails", async () => {
      const promise = async (customerId: number, receivedDaysAgo: number, promisedDate: unknown) => {
        const msg = await f.inbound(s.db, { customerId, receivedAt: `${daysAgo(receivedDaysAgo)}T09:00:00Z`, subject: 'Re: reminder' });
        await f.computedField(s.db, {
          entityType: 'inbound', entityId: msg, name: 'inboundType', value: 'promise_to_pay', confidence: 0.9,
          reasons: [{ factor: 'promisedDate', text: 'promises to pay', value: promisedDate }],
        });
      };
      const recent = await f.customer(s.db);
      await promise(recent, 20, daysAgo(10));
      await promise(recent, 3, daysAgo(-7));
      // A later email whose date is no date (written by other code): the one before stands, and the query does not fail.
      await promise(recent, 1, '2026-02-30');
      const stale = await f.customer(s.db);
      await promise(stale, 120, daysAgo(100));
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      expect(facts.get(recent)!.emailPromisedDate).toBe(daysAgo(-7));
      expect(facts.get(stale)!.emailPromisedDate).toBeNull();
      // A saved search holding back reminders for customers who promised to pay by a date to come.
      const standing = await matchSearch(s.db, validateCriteria({ '>=': [{ var: 'emailPromisedDate' }, daysAgo(0)] }), 10);
      expect(standing).toMatchObject({ count: 1, sample: [{ emailPromisedDate: daysAgo(-7) }] });
    });

    it('gives the day insolvency proceedings were first reported, so a rule can move the customer to a legal scenario', async () => {
      const event = (customerId: number, kind: string, day: string) => s.db.query(
        `INSERT INTO external_events (external_id, customer_id, kind, occurred_at) VALUES ($1, $2, $3, $4)`,
        [`EV-${customerId}-${kind}-${day}`, customerId, kind, `${day}T10:00:00Z`],
      );
      const failing = await f.customer(s.db);
      await event(failing, 'insolvency', daysAgo(30));
      await event(failing, 'insolvency', daysAgo(5));
      const rescored = await f.customer(s.db);
      await event(rescored, 'risk_score_change', daysAgo(5));
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      expect(facts.get(failing)!.insolvencyDate).toBe(daysAgo(30));
      expect(facts.get(rescored)!.insolvencyDate).toBeNull();
      const insolvent = await matchSearch(s.db, validateCriteria({ '!=': [{ var: 'insolvencyDate' }, null] }), 10);
      expect(insolvent.count).toBe(1);
    });

    it("sums up a year's payments as a payer profile a search can select on, by the median delay unless they spread", async () => {
      const paying = async (daysLate: number[], dueDaysAgo = 60) => {
        const id = await f.customer(s.db);
        for (const late of daysLate) {
          await f.invoice(s.db, { customerId: id, dueDate: daysAgo(dueDaysAgo), amount: 100, openAmount: 0, settledDate: daysAgo(dueDaysAgo - late) });
        }
        return id;
      };
      const profiles = {
        on_time: await paying([-3, 0, 2, 1]),
        // One dispute paid 50 days late does not make a punctual customer late: the median does not move.
        slightly_late: await paying([7, 9, 10, 50, 8]),
        late: await paying([20, 25, 28]),
        very_late: await paying([35, 40, 45]),
        irregular: await paying([0, 0, 30, 45]),
        too_few_payments: await paying([40, 45]),
      };
      // Settled more than a year ago: not this year's habits.
      const old = await paying([40, 40, 40], 500);
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      expect(Object.fromEntries(Object.entries(profiles).map(([want, id]) => [want, facts.get(id)!.payerProfile]))).toEqual({
        on_time: 'on_time', slightly_late: 'slightly_late', late: 'late', very_late: 'very_late', irregular: 'irregular', too_few_payments: 'too_few_payments',
      });
      expect(facts.get(old)!.payerProfile).toBe('too_few_payments');
      const late = await matchSearch(s.db, validateCriteria({ in: [{ var: 'payerProfile' }, ['late', 'very_late']] }), 10);
      expect(late.count).toBe(2);
    });
  });
}
