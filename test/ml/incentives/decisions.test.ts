import { describe, expect, it } from 'vitest';
import { customerDecisions, incentiveConfig, inferDecisionPoints, type DecisionPoints } from '../../../src/ml/incentives/index.js';
import { START, customerOf, date, invoices, offer } from './factories.js';

const config = incentiveConfig();
const points: DecisionPoints = { preDueDaysAfterIssue: 1, overdueDaysAfterDue: 20, discountPct: 2, discountWithinDays: 10 };
const overdue = (c: ReturnType<typeof customerOf>) => customerDecisions(c, points, config).filter((d) => d.stage === 'overdue');

describe('when rebuilding the decisions of a customer', () => {
  it('finds a silent "none" decision for each invoice still open 20 days after due, none for invoices paid before', () => {
    const c = customerOf({ invoices: invoices(6, (k) => (k % 2 === 0 ? 5 : 35)) });
    const d = overdue(c);
    expect(d.map((x) => x.invoiceExternalId)).toEqual(['INV-1', 'INV-3', 'INV-5']);
    expect(d.every((x) => x.action === 'none' && x.loggedPropensity === null && x.daysToPay === 15)).toBe(true);
  });

  it('attaches a logged offer to its decision with the logged propensity', () => {
    const c = customerOf({ invoices: invoices(3, () => 35), offers: [offer('card_payment', 1, START + 30 + 30 + 20, 0.2)] });
    const d = overdue(c).find((x) => x.invoiceExternalId === 'INV-1')!;
    expect(d.action).toBe('card_payment');
    expect(d.loggedPropensity).toBe(0.2);
  });

  it('caps days to pay and counts a never-paid invoice at the cap', () => {
    const c = customerOf({ invoices: invoices(2, (k) => (k === 0 ? 200 : null)), asOf: '2026-06-30' });
    expect(overdue(c).map((x) => x.daysToPay)).toEqual([config.outcomeCapDays, config.outcomeCapDays]);
  });

  it('leaves out decisions too recent for their outcome to be known', () => {
    const c = customerOf({ invoices: invoices(12, () => 40), asOf: '2025-12-01' });
    const last = Date.parse('2025-12-01') / 86_400_000 - config.outcomeCapDays;
    expect(customerDecisions(c, points, config).every((x) => x.day <= last)).toBe(true);
  });

  it('gives a direct-debit customer no discount decisions', () => {
    const c = customerOf({ invoices: invoices(4, () => 0), paymentMethod: 'direct_debit' });
    expect(customerDecisions(c, points, config).filter((x) => x.stage === 'pre_due')).toHaveLength(0);
    expect(customerDecisions({ ...c, paymentMethod: 'transfer' }, points, config).filter((x) => x.stage === 'pre_due')).toHaveLength(4);
  });

  it('knows only the delays settled before each decision (no look-ahead)', () => {
    const c = customerOf({ invoices: invoices(8, (k) => (k < 4 ? 2 : 60)) });
    const d = overdue(c);
    expect(d[0].context.payerBand).toBe('prompt');
    expect(d[0].context.priorDaysLate).toBe(2);
  });

  it('marks churn only on the offer the platform logged as churned', () => {
    const c = customerOf({
      invoices: invoices(4, () => 35),
      offers: [offer('service_termination', 1, START + 80, 0.05, { outcome: 'churned' }), offer('late_penalty', 2, START + 110, 0.2)],
    });
    const churned = overdue(c).filter((x) => x.churned).map((x) => x.invoiceExternalId);
    expect(churned).toEqual(['INV-1']);
  });

  it('attributes an unlogged stop in ordering to the decisions just before it', () => {
    const c = customerOf({ invoices: invoices(5, () => 35), asOf: date(START + 30 * 4 + 300) });
    const churned = overdue(c).filter((x) => x.churned).map((x) => x.invoiceExternalId);
    // Orders every 30 days, last one issued on day 120: stopped around day 150; decisions on days 80..140 precede it within 60 days.
    expect(churned).toEqual(['INV-2', 'INV-3']);
  });
});

describe('when learning the decision points from the offers', () => {
  it('reads the days after issue and after due the platform decides at, and the discount terms', () => {
    const c = customerOf({
      invoices: invoices(3, () => 35),
      offers: [
        offer('discount', 0, START + 1, 0.08, { terms: { discountPct: 3, withinDays: 15 } }),
        offer('late_penalty', 1, START + 30 + 30 + 20, 0.2),
      ],
    });
    expect(inferDecisionPoints([c], config)).toEqual({ preDueDaysAfterIssue: 1, overdueDaysAfterDue: 20, discountPct: 3, discountWithinDays: 15 });
  });
});
