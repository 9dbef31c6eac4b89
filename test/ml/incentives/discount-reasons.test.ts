// A recommendation's reasons must add up to it, and a customer who already
// pays on time gets no discount unless its own reactions to discounts say
// the discount moves it. Histories are hand-built; effects are learned on a
// small synthetic world.
import { beforeAll, describe, expect, it } from 'vitest';
import { createIncentiveModel, IncentivePredictor, NO_GUARDRAILS, type IncentiveCustomer, type IncentiveInput, type LeverAssessment } from '../../../src/ml/incentives/index.js';
import { customerOf, date, invoices, offer, START, trainOnSmallWorld, type TrainedIncentives } from './factories.js';

let trained: TrainedIncentives;
/** Discounts free (the pure DSO view): the discount clearly pays, so only the prompt-payer rule can keep it out. */
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

const promptPayer = (partial: Partial<IncentiveCustomer> = {}) => customerOf({ invoices: invoices(12, () => -2), ...partial });

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

describe('when the customer already pays on time', () => {
  it('offers no discount, and says why, even where discounts pay in general', () => {
    const p = dso.predict({ customer: promptPayer(), situation: PRE_DUE });
    expect(p.value.lever).toBe('none');
    const discount = p.value.assessments.find((a) => a.lever === 'discount')!;
    expect(discount.allowed).toBe(false);
    expect(discount.blockedBy).toMatch(/pays on time.*median -2 days late/);
    expect(p.reasons.find((r) => r.factor === 'guardrail:discount')?.text).toMatch(/pays on time/);
    // What the rule costs is measurable: without guardrails the same customer would get the discount.
    expect(dso.detail({ customer: promptPayer(), situation: PRE_DUE }, { guardrails: NO_GUARDRAILS }).recommendation.lever).toBe('discount');
  });

  it('judges it on its own invoices, not on the segment it belongs to', () => {
    const late = dso.predict({ customer: customerOf({ invoices: invoices(12, () => 20) }), situation: PRE_DUE });
    expect(late.value.assessments.find((a) => a.lever === 'discount')!.allowed).toBe(true);
    // Without settled invoices, the typical delay the caller passes is the history there is.
    const told = dso.predict({ customer: customerOf({ invoices: [], typicalDaysLate: 0 }), situation: PRE_DUE });
    expect(told.value.assessments.find((a) => a.lever === 'discount')!.blockedBy).toMatch(/pays on time/);
  });

  it('still offers it when its own past discounts show they make it pay much sooner', () => {
    // Pays 2 days early without a discount, 4 days after issue with one: 24 days sooner each time.
    const customer = customerWithDiscounts(-2, (k) => k % 2 === 1);
    const p = dso.predict({ customer, situation: PRE_DUE });
    const discount = p.value.assessments.find((a) => a.lever === 'discount')!;
    expect(discount.allowed).toBe(true);
    expect(p.value.lever).toBe('discount');
    // The evidence that lifted the rule comes right after the effect, then the customer's discounts themselves.
    expect(p.reasons[1]).toMatchObject({ factor: 'promptPayerException' });
    // 24 days at the median, weighed by how few discounts and invoices without one they are (5 and 6).
    expect(p.reasons[1].text).toMatch(/pays on time \(median -2 days late\), but paid 24 days \(19 weighed by how few they are\) sooner after its own 5 past discounts/);
    expect(p.reasons[2]).toMatchObject({ factor: 'history:discount' });
    expect(p.reasons[2].text).toMatch(/paid 3, 3, 3 days later/);
    // With a discount priced at the cost of money, 24 days sooner does not pay for one: the rule holds.
    const priced = trained.predictor.predict({ customer, situation: PRE_DUE }).value.assessments.find((a) => a.lever === 'discount')!;
    expect(priced.blockedBy).toMatch(/sped payment by 24 days \(19 weighed by how few they are\), not enough to pay for one/);
  });

  it('keeps the discount out when its own past discounts changed nothing', () => {
    // Offered discounts on odd invoices, paid 2 days early all the same.
    const customer = customerOf({
      invoices: invoices(13, () => -2),
      offers: [1, 3, 5, 7, 9].map((k) => offer('discount', k, START + 30 * k + 1, 0.1)),
      asOf: date(START + 400),
    });
    const p = dso.predict({ customer, situation: PRE_DUE });
    expect(p.value.lever).toBe('none');
  });
});

describe('when the customer has paid only a few invoices', () => {
  // Similar small customers pay about 5 days early: two invoices 6 and 8 days late are too few to call this one a late payer.
  const twoLate = () => customerOf({ invoices: invoices(2, (k) => (k === 0 ? 6 : 8)) });
  const twelveLate = () => customerOf({ invoices: invoices(12, (k) => (k % 2 ? 6 : 8)) });
  const discountOf = (customer: IncentiveCustomer) => dso.predict({ customer, situation: PRE_DUE }).value.assessments.find((a) => a.lever === 'discount')!;

  it('weighs its median days late against its segment\'s by how many invoices it rests on, before calling it a prompt payer or not', () => {
    expect(discountOf(twoLate()).blockedBy).toMatch(/^pays on time already \(median 7 days late on 2 invoices, 4 weighed against its segment's\)/);
    // Twelve invoices as late are evidence enough: a late payer, offered the discount.
    expect(discountOf(twelveLate()).allowed).toBe(true);
  });

  it('reads the raw median with an artifact trained before the spread of delays was kept', () => {
    const { payers: _, ...before } = dso.state;
    const old = new IncentivePredictor(before);
    expect(old.predict({ customer: twoLate(), situation: PRE_DUE }).value.assessments.find((a) => a.lever === 'discount')!.allowed).toBe(true);
  });

  it('weighs the speed-up after its own discounts by how few they are', () => {
    // Three discounts and four invoices without: far less sure than five and six.
    const customer = customerWithDiscounts(-2, (k) => k % 2 === 1 && k < 7, { invoices: invoices(7, (k) => (k % 2 === 1 ? -26 : -2)), asOf: date(START + 300) });
    const discount = trained.predictor.predict({ customer, situation: PRE_DUE }).value.assessments.find((a) => a.lever === 'discount')!;
    expect(discount.blockedBy).toMatch(/sped payment by 24 days \((1[0-9]) weighed by how few they are\), not enough to pay for one/);
  });
});

describe("when pricing the discount for a customer that was offered some before", () => {
  // Standard late payers (20 days; similar customers took about half the discounts offered them) with a discount
  // offered on odd invoices: one took every one (paid 4 days after issue), one none.
  const standard = { segment: 'standard' };
  const tookAll = () => customerWithDiscounts(20, (k) => k % 2 === 1, standard);
  const tookNone = () => customerOf({
    invoices: invoices(13, () => 20),
    offers: [1, 3, 5, 7, 9, 11].map((k) => offer('discount', k, START + 30 * k + 1, 0.1, { terms: { discountPct: 2, withinDays: 10 } })),
    ...standard,
  });
  const neverOffered = () => customerOf({ invoices: invoices(13, () => 20), ...standard });
  const discountOf = (customer: IncentiveCustomer) => trained.predictor.predict({ customer, situation: PRE_DUE }).value.assessments.find((a) => a.lever === 'discount')!;

  it('counts its own share of discounts taken, pulled toward similar customers\', not theirs alone', () => {
    const group = discountOf(neverOffered());
    const all = discountOf(tookAll());
    const none = discountOf(tookNone());
    expect(group.takeUp).toBeUndefined();
    expect(all.takeUp).toMatchObject({ taken: 5, offered: 5 });
    expect(none.takeUp).toMatchObject({ taken: 0, offered: 5 });
    expect(all.costDays).toBeGreaterThan(group.costDays);
    expect(none.costDays).toBeLessThan(group.costDays);
    // Shrunk, not its own share alone: five offers do not make it certain.
    expect(all.takeUp!.share).toBeLessThan(1);
    expect(none.takeUp!.share).toBeGreaterThan(0);
  });

  it('never counts the discount as a gain: a small group\'s share below 0 is none', () => {
    // Similar small late payers are 6 decisions, whose doubly-robust share of discounts taken is below 0.
    const cell = trained.predictor.state.effects.pre_due.discount!.cells['small|late|low'];
    expect(cell.raw.paidEarlyUnderLever).toBeLessThan(0);
    expect(discountOf(customerOf({ invoices: invoices(13, () => 20) })).costDays).toBe(0);
  });

  it('says so beside the discount\'s worth', () => {
    const p = trained.predictor.predict({ customer: tookNone(), situation: PRE_DUE });
    const text = p.reasons.map((r) => r.text).join(' | ');
    expect(text).toMatch(/this customer took 0 of its 5 discounts: counted as \d+ % likely to take it/);
  });
});
