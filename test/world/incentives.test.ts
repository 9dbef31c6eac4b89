import { describe, expect, it } from 'vitest';
import { INCENTIVE_POLICY, overdueWeights } from '../../src/world/incentives.js';
import { groupBy, mean, smallWorld } from './factories.js';

const world = smallWorld({ customers: 400 });
const offers = world.rows['incentive-offers'];
const day = (d: string | null): number => (d === null ? Number.NaN : Date.parse(d) / 86_400_000);

describe('when incentives are offered', () => {
  it('logs the propensity the logging policy gave the chosen lever', () => {
    for (const o of offers) {
      const truth = world.truth.offers[o.externalId];
      if (o.lever === 'discount') {
        expect(o.propensity).toBe(INCENTIVE_POLICY.discountOfferProbability[truth.segment]);
      } else {
        const c = world.truth.customers[o.customerExternalId];
        const weights = overdueWeights({ segment: c.segment, latentRiskScore: c.latentRiskScore } as never);
        const total = weights.reduce((a, [, w]) => a + w, 0);
        const w = weights.find(([lever]) => lever === o.lever)![1];
        expect(o.propensity).toBeCloseTo(w / total, 4);
      }
    }
  });

  it('offers every lever', () => {
    expect(new Set(offers.map((o) => o.lever))).toEqual(new Set(['discount', 'late_penalty', 'card_payment', 'collection_agency', 'service_termination']));
  });

  it('speeds payment up with pressure on small customers, as the true effects say', () => {
    const small = Object.values(world.truth.offers).filter((t) => t.segment !== 'strategic' && t.lever === 'service_termination' && t.treatedSettledDate && t.untreatedSettledDate);
    expect(small.length).toBeGreaterThan(3);
    expect(mean(small.map((t) => day(t.treatedSettledDate) - day(t.untreatedSettledDate)))).toBeLessThan(-3);
  });

  it('makes an accepted early-payment discount visible as a credit note and an early settlement', () => {
    const invoices = new Map(world.rows.invoices.map((i) => [i.externalId, i]));
    expect(world.truth.discounts.length).toBeGreaterThan(3);
    for (const d of world.truth.discounts) {
      const note = invoices.get(d.creditNoteExternalId)!;
      const invoice = invoices.get(d.invoiceExternalId)!;
      expect(note.kind).toBe('credit_note');
      expect(note.amount).toBe(d.amount);
      expect(day(invoice.settledDate) - day(invoice.issueDate)).toBeLessThanOrEqual(INCENTIVE_POLICY.discountTerms.withinDays);
    }
  });

  it('records churn after an offer and issues no invoice after the churn date', () => {
    const churned = Object.entries(world.truth.customers).filter(([, c]) => c.churnDate);
    const byCustomer = groupBy(world.rows.invoices, (i) => i.customerExternalId);
    for (const [id, c] of churned) {
      for (const inv of byCustomer.get(id) ?? []) if (inv.kind === 'invoice') expect(inv.issueDate <= c.churnDate!).toBe(true);
    }
  });
});
