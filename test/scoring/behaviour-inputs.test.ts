import { describe, it, expect } from 'vitest';
import { overdueSituations } from '../../src/scoring/behaviour-inputs.js';
import { guardrailBlock, incentiveConfig } from '../../src/ml/incentives/index.js';
import type { PortfolioSlice, SliceCustomer } from '../../src/scoring/histories.js';
import type { InvoiceRecord } from '../../src/ml/payment-delay/index.js';

const customer = (id: number): SliceCustomer => ({
  id, externalId: `C${id}`, segment: null, timezone: null, riskScore: null, paymentMethod: null, latePenalties: false, insolvencyDate: null,
});
const invoice = (id: number, customerId: number, dueDate: string, disputed = false): InvoiceRecord => ({
  invoiceId: String(id), customerId: String(customerId), issueDate: '2026-01-01', dueDate, amount: 100, disputed,
  settledDate: null, paymentTermsDays: 30,
});

describe('when a slice is turned into overdue situations', () => {
  const slice = {
    customers: [customer(1), customer(2), customer(3), customer(4)],
    invoices: [
      invoice(10, 1, '2026-10-01'), invoice(11, 1, '2026-10-21'), invoice(12, 1, '2026-12-01'), invoice(20, 2, '2026-12-15'), invoice(30, 3, '2026-09-01'),
      invoice(40, 4, '2026-08-01', true), invoice(41, 4, '2026-10-11'),
    ],
    // Invoice 30 is settled: not in the open amounts.
    openAmounts: new Map([['10', 50], ['11', 70], ['12', 900], ['20', 40], ['40', 5000], ['41', 60]]),
    histories: new Map(),
    offers: new Map(),
  } as unknown as PortfolioSlice;
  const s = overdueSituations(slice, '2026-10-31');

  it('ages each customer by its oldest open invoice and sums only what is past due', () => {
    expect(s.get(1)).toEqual({ daysOverdue: 30, overdueAmount: 120, overdueInvoices: [{ daysOverdue: 30, amount: 50 }, { daysOverdue: 10, amount: 70 }] });
  });
  it('gives a negative age when nothing is due yet', () => {
    expect(s.get(2)).toEqual({ daysOverdue: -45, overdueAmount: 0, overdueInvoices: [] });
  });
  it('ignores settled invoices', () => {
    expect(s.get(3)).toEqual({ daysOverdue: -30, overdueAmount: 0, overdueInvoices: [] });
  });
  it('leaves disputed invoices out: no lever is pulled on a contested debt', () => {
    expect(s.get(4)).toEqual({ daysOverdue: 20, overdueAmount: 60, overdueInvoices: [{ daysOverdue: 20, amount: 60 }] });
  });
});

describe('when overdue invoices are in another currency than the reporting one', () => {
  // 6,000 JPY 90 days overdue is about 40 USD: past termination's 5,000 only if yen were dollars.
  const jpy = { ...invoice(50, 5, '2026-08-01'), currency: 'JPY' };
  const usd = { ...invoice(51, 5, '2026-08-01'), currency: 'USD' };
  const slice = {
    customers: [customer(5)],
    invoices: [jpy, usd],
    openAmounts: new Map([['50', 6_000], ['51', 30]]),
    histories: new Map(),
    offers: new Map(),
  } as unknown as PortfolioSlice;
  const rates = new Map<string, number | null>([['USD', 1], ['JPY', 0.0067]]);

  it('weighs each overdue invoice at its value in the reporting currency', () => {
    const s = overdueSituations(slice, '2026-10-30', rates).get(5)!;
    expect(s.overdueInvoices?.map((i) => Math.round(i.amount!))).toEqual([40, 30]);
  });

  it('so escalation thresholds, set in the reporting currency, are not met in yen', () => {
    const s = overdueSituations(slice, '2026-10-30', rates).get(5)!;
    const context = { segment: 'small', riskBand: 'low' as const, payerBand: 'late' as const, priorDaysLate: 30, logAmount: 4 };
    expect(guardrailBlock('service_termination', s, context, {}, incentiveConfig().guardrails)).toMatch(/^70 overdue by 60 days or more, 5000 required/);
  });

  describe('and no rate values one of them', () => {
    // 6,000 yen taken as 6,000 dollars would pass termination's 5,000 on its own: it must neither count nor vanish.
    const bigJpy = new Map([['50', 6_000], ['51', 30]]);
    const context = { segment: 'small', riskBand: 'low' as const, payerBand: 'late' as const, priorDaysLate: 30, logAmount: 4 };
    const situationWith = (rated: ReadonlyMap<string, number | null>) => overdueSituations({ ...slice, openAmounts: bigJpy }, '2026-10-30', rated).get(5)!;

    it('leaves the amount out of what is overdue and keeps it as owed', () => {
      const s = situationWith(new Map([['USD', 1], ['JPY', null]]));
      expect(s.overdueAmount).toBe(30);
      expect(s.overdueInvoices).toEqual([{ daysOverdue: 90, amount: null, owed: { amount: 6_000, currency: 'JPY' } }, { daysOverdue: 90, amount: 30 }]);
    });

    it('does so too for a currency no exchange rate names at all', () => {
      expect(situationWith(new Map([['USD', 1]])).overdueInvoices?.[0]).toMatchObject({ amount: null, owed: { currency: 'JPY' } });
    });

    it('so it does not trigger an escalation, and the reason names what was left out', () => {
      const s = situationWith(new Map([['USD', 1], ['JPY', null]]));
      expect(guardrailBlock('service_termination', s, context, {}, incentiveConfig().guardrails))
        .toBe('30 overdue by 60 days or more, 5000 required; besides 6000 JPY that no exchange rate values, left out');
    });
  });
});
