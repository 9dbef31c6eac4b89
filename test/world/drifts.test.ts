import { describe, expect, it } from 'vitest';
import type { DriftKind, InvoiceRow } from '../../src/world/index.js';
import { dayNumber, groupBy, mean, smallWorld } from './factories.js';

const world = smallWorld();
const { rows, truth } = world;
const invoicesOf = groupBy(rows.invoices.filter((i) => i.kind === 'invoice'), (i) => i.customerExternalId);
const daysLate = (i: InvoiceRow): number => dayNumber(i.settledDate!) - dayNumber(i.dueDate);
const driftsOf = (kind: DriftKind) => truth.drifts.filter((d) => d.kind === kind);
const split = (customer: string, startDate: string) => {
  const all = invoicesOf.get(customer) ?? [];
  return { before: all.filter((i) => i.issueDate < startDate), after: all.filter((i) => i.issueDate >= startDate) };
};

describe('when customers drift', () => {
  it('has every kind of drift plus noisy-but-stable customers', () => {
    for (const kind of ['delay_creep', 'method_shift', 'engagement_drop', 'dispute_spike'] as const) {
      expect(driftsOf(kind).length, kind).toBeGreaterThanOrEqual(3);
    }
    expect(Object.values(truth.customers).filter((c) => c.noisyStable).length).toBeGreaterThanOrEqual(3);
  });

  it('points at the first invoice issued on or after the start, with a baseline before it and at least three affected', () => {
    for (const d of truth.drifts) {
      const { before, after } = split(d.customerExternalId, d.startDate);
      expect(before.length, d.customerExternalId).toBeGreaterThanOrEqual(3);
      expect(after.length, d.customerExternalId).toBeGreaterThanOrEqual(3);
      expect(d.firstAffectedInvoiceExternalId).toBe(after[0].externalId);
      expect(d.firstAffectedInvoiceIndex).toBe(Number(after[0].externalId.slice(-4)) - 1);
    }
  });
});

describe('when a customer drifts by delay creep', () => {
  it('pays 7-10 days late before and 15 or more after, on at least three settled invoices', () => {
    // Disputes and early-payment discounts have their own timing; judge plain payments.
    const discounted = new Set(truth.discounts.map((d) => d.invoiceExternalId));
    const plain = (i: InvoiceRow) => i.settledDate !== null && !i.disputed && !discounted.has(i.externalId);
    for (const d of driftsOf('delay_creep')) {
      const { before, after } = split(d.customerExternalId, d.startDate);
      const settledAfter = after.filter(plain);
      expect(settledAfter.length, d.customerExternalId).toBeGreaterThanOrEqual(3);
      const pre = mean(before.filter(plain).map(daysLate));
      expect(pre).toBeGreaterThanOrEqual(5);
      expect(pre).toBeLessThanOrEqual(12);
      expect(mean(settledAfter.map(daysLate))).toBeGreaterThanOrEqual(15);
    }
  });
});

describe('when a customer drifts by method shift', () => {
  it('moves from one monthly cheque to several smaller card payments per invoice', () => {
    const payments = new Map(rows.payments.map((p) => [p.externalId, p]));
    const allocationsOf = groupBy(rows['payment-allocations'], (a) => a.invoiceExternalId);
    for (const d of driftsOf('method_shift')) {
      const { before, after } = split(d.customerExternalId, d.startDate);
      const methods = (inv: InvoiceRow) => (allocationsOf.get(inv.externalId) ?? []).map((a) => payments.get(a.paymentExternalId)!.method);
      // A card-payment link offered on an invoice legitimately moves that invoice to card.
      const cardOffers = new Set(rows['incentive-offers'].filter((o) => o.lever === 'card_payment').flatMap((o) => o.invoiceExternalIds));
      for (const inv of before.filter((i) => i.settledDate && !cardOffers.has(i.externalId))) expect(methods(inv)).toEqual(['cheque']);
      const settledAfter = after.filter((i) => i.settledDate);
      expect(settledAfter.length).toBeGreaterThanOrEqual(2);
      for (const inv of settledAfter) {
        const m = methods(inv);
        expect(m.every((x) => x === 'card')).toBe(true);
        expect(m.length).toBeGreaterThanOrEqual(2);
      }
    }
  });
});

describe('when a customer drifts by engagement drop', () => {
  it('stops opening and answering reminders, apart from machine opens', () => {
    const comms = groupBy(rows.communications.filter((c) => c.channel === 'email'), (c) => c.customerExternalId);
    let humanBefore = 0;
    let sentBefore = 0;
    let humanAfter = 0;
    let sentAfter = 0;
    for (const d of driftsOf('engagement_drop')) {
      for (const c of comms.get(d.customerExternalId) ?? []) {
        const human = (c.openedAt !== null && !c.machineOpen) || c.repliedAt !== null ? 1 : 0;
        if (c.sentAt.slice(0, 10) < d.startDate) {
          sentBefore++;
          humanBefore += human;
        } else {
          sentAfter++;
          humanAfter += human;
        }
      }
    }
    expect(sentBefore).toBeGreaterThanOrEqual(5);
    expect(sentAfter).toBeGreaterThanOrEqual(3);
    expect(humanBefore / sentBefore).toBeGreaterThan(0.4);
    expect(humanAfter / sentAfter).toBeLessThan(0.15);
  });
});

describe('when a customer drifts by dispute spike', () => {
  it('disputes almost every invoice after the start, about once a quarter before', () => {
    let quarters = 0;
    let disputedBefore = 0;
    let after = 0;
    let disputedAfter = 0;
    for (const d of driftsOf('dispute_spike')) {
      const s = split(d.customerExternalId, d.startDate);
      quarters += (dayNumber(d.startDate) - dayNumber(truth.customers[d.customerExternalId].startDate)) / 91;
      disputedBefore += s.before.filter((i) => i.disputed).length;
      // Disputes are raised within 25 days of issue: judge invoices old enough.
      const old = s.after.filter((i) => dayNumber(truth.period.endDate) - dayNumber(i.issueDate) > 25);
      after += old.length;
      disputedAfter += old.filter((i) => i.disputed).length;
    }
    expect(disputedBefore / quarters).toBeGreaterThan(0.4);
    expect(disputedBefore / quarters).toBeLessThan(2);
    expect(disputedAfter / after).toBeGreaterThan(0.75);
  });
});

describe('when a customer is noisy but stable', () => {
  it('varies far more than a stable punctual customer, with no drift recorded', () => {
    // Median absolute deviation: robust to the odd early-payment discount or failed debit.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const spread = (id: string) => {
      const late = (invoicesOf.get(id) ?? []).filter((i) => i.settledDate && !i.disputed).map(daysLate);
      const m = median(late);
      return median(late.map((x) => Math.abs(x - m)));
    };
    const entries = Object.entries(truth.customers);
    const noisy = entries.filter(([, c]) => c.noisyStable).map(([id]) => spread(id));
    // Pay runs and direct debits shape delays on their own; compare with plain on-time transfer payers.
    const stable = entries
      .filter(([, c]) => !c.noisyStable && !c.drift && c.payment.profile === 'on_time' && c.payment.monthlyPayRunDay === null && c.payment.preferredMethod !== 'direct_debit')
      .map(([id]) => spread(id));
    expect(entries.filter(([, c]) => c.noisyStable).every(([, c]) => c.drift === null)).toBe(true);
    expect(mean(noisy)).toBeGreaterThan(3 * mean(stable.filter((x) => Number.isFinite(x))));
  });
});
