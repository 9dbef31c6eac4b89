// A recommendation's reasons must add up to it. Histories are hand-built;
// effects are learned on a small synthetic world.
import { beforeAll, describe, expect, it } from 'vitest';
import { createIncentiveModel, type IncentiveCustomer, type IncentiveInput, type IncentivePredictor, type LeverAssessment } from '../../../src/ml/incentives/index.js';
import { customerOf, invoices, offer, START, trainOnSmallWorld, type TrainedIncentives } from './factories.js';

let trained: TrainedIncentives;
/** Discounts free (the pure DSO view): the discount clearly pays. */
let dso: IncentivePredictor;
beforeAll(async () => {
  trained = await trainOnSmallWorld();
  const kind = createIncentiveModel({ costOfMoneyPerYear: null });
  dso = (await kind.load(await kind.train({ customers: trained.customers }))) as IncentivePredictor;
});

const PRE_DUE = { daysOverdue: -20, overdueAmount: 1_000 };

/** Every 30 days an invoice; those with a discount (on `discounted`) paid 4 days after issue, the others `daysLate` after due. */
function customerWithDiscounts(daysLate: number, discounted: (k: number) => boolean, partial: Partial<IncentiveCustomer> = {}): IncentiveCustomer {
  const count = 13;
  return customerOf({
    invoices: invoices(count, (k) => (discounted(k) ? -26 : daysLate)),
    offers: Array.from({ length: count }, (_, k) => k)
      .filter(discounted)
      .map((k) => offer('discount', k, START + 30 * k + 1, 0.1, { terms: { discountPct: 2, withinDays: 10 } })),
    ...partial,
  });
}

function expectComponentsAddUp(a: LeverAssessment, churnCostDays: number) {
  expect(a.gainDays).toBeCloseTo(-(a.daysToPayChange + churnCostDays * a.churnChange + a.costDays), 1);
}

describe('when stating why a lever is (not) recommended', () => {
  const inputs = (): IncentiveInput[] => [
    { customer: customerWithDiscounts(20, (k) => k % 2 === 1), situation: PRE_DUE },
    ...trained.customers.slice(0, 60).flatMap((customer) => [
      { customer, situation: PRE_DUE },
      { customer, situation: { daysOverdue: 70, overdueAmount: 20_000 } },
    ]),
  ];

  it('states a gain that is the days saved, less churn and the discount given away, as the reasons state them', () => {
    for (const p of [trained.predictor, dso]) {
      const { churnCostDays } = p.state.config;
      for (const input of inputs()) {
        for (const a of p.predict(input).value.assessments) if (a.decisions > 0) expectComponentsAddUp(a, churnCostDays);
      }
    }
  });

  it('decides on that gain: the recommended lever is the allowed one with the best stated gain, and clears the bar', () => {
    const { minGainDays, minProbabilityBetter } = dso.state.config;
    for (const input of inputs()) {
      const rec = dso.predict(input).value;
      const allowed = rec.assessments.filter((a) => a.allowed);
      if (rec.lever === 'none') continue;
      expect(rec.gainDays).toBe(Math.max(...allowed.map((a) => a.gainDays)));
      expect(rec.gainDays).toBeGreaterThanOrEqual(minGainDays);
      expect(allowed[0].probabilityBetter).toBeGreaterThanOrEqual(minProbabilityBetter);
    }
  });

  it('says in words what adds up to the gain: days cut, less the discount given away', () => {
    const p = trained.predictor.predict({ customer: customerWithDiscounts(20, (k) => k % 2 === 1), situation: PRE_DUE });
    const discount = p.value.assessments.find((a) => a.lever === 'discount')!;
    const said = p.reasons.find((r) => r.factor === 'effect:discount' || r.factor === 'noLeverWorthIt')!;
    const text = p.reasons.map((r) => r.text).join(' | ');
    const cut = Number(/discount cut ([\d.]+) days/.exec(text)?.[1]);
    const cost = Number(/given away is worth ([\d.]+) days/.exec(text)?.[1]);
    // The texts round to a day from 10 days up.
    expect(Math.abs(cut - cost - discount.gainDays)).toBeLessThanOrEqual(1);
    expect(said.value ?? said.weight).toBe(discount.gainDays);
  });
});
