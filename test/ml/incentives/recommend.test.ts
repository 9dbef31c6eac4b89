import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createIncentiveModel,
  guardrailBlock,
  IncentiveArtifactError,
  incentiveConfig,
  NO_GUARDRAILS,
  type IncentiveInput,
  type IncentivePredictor,
} from '../../../src/ml/incentives/index.js';
import { trainOnSmallWorld, type TrainedIncentives } from './factories.js';

let trained: TrainedIncentives;
let predictor: IncentivePredictor;
beforeAll(async () => {
  trained = await trainOnSmallWorld();
  predictor = trained.predictor;
});

const ESCALATION = ['collection_agency', 'service_termination'];

describe('when a customer is only a few days late', () => {
  it('never proposes service termination or a collection agency, whoever the customer and whatever the amount', () => {
    const input = fc.record({
      customer: fc.integer({ min: 0, max: 149 }),
      daysOverdue: fc.integer({ min: 1, max: 10 }),
      overdueAmount: fc.double({ min: 0, max: 5e6, noNaN: true }),
    });
    fc.assert(
      fc.property(input, ({ customer, daysOverdue, overdueAmount }) => {
        const p = predictor.predict({ customer: trained.customers[customer], situation: { daysOverdue, overdueAmount } });
        return !ESCALATION.includes(p.value.lever) && p.value.assessments.filter((a) => ESCALATION.includes(a.lever)).every((a) => !a.allowed);
      }),
      { numRuns: 80 },
    );
  });

  it('says why escalation was not considered', () => {
    const p = predictor.predict({ customer: trained.customers[0], situation: { daysOverdue: 5, overdueAmount: 50_000 } });
    expect(p.reasons.find((r) => r.factor === 'guardrail:service_termination')?.text).toMatch(/5 days overdue, 60 required/);
  });
});

describe('when checking the guardrails', () => {
  const config = incentiveConfig();
  const context = { segment: 'small', riskBand: 'low' as const, payerBand: 'late' as const, priorDaysLate: 30, logAmount: 4 };

  it('allows escalation only past the configured age and amount', () => {
    const g = config.guardrails;
    expect(guardrailBlock('collection_agency', { daysOverdue: 44, overdueAmount: 1e6 }, context, {}, g)).toMatch(/44 days overdue/);
    expect(guardrailBlock('collection_agency', { daysOverdue: 60, overdueAmount: 999 }, context, {}, g)).toMatch(/999 overdue/);
    expect(guardrailBlock('collection_agency', { daysOverdue: 60, overdueAmount: 5_000 }, context, {}, g)).toBeUndefined();
  });

  it('weighs only the amount that is late enough: a small old invoice beside a large new one does not escalate', () => {
    const g = config.guardrails;
    const situation = { daysOverdue: 100, overdueAmount: 6_050, overdueInvoices: [{ daysOverdue: 100, amount: 50 }, { daysOverdue: 1, amount: 6_000 }] };
    expect(guardrailBlock('service_termination', situation, context, {}, g)).toMatch(/50 overdue by 60 days or more/);
    expect(guardrailBlock('collection_agency', { ...situation, overdueInvoices: [{ daysOverdue: 100, amount: 6_050 }] }, context, {}, g)).toBeUndefined();
  });

  it('leaves an amount no exchange rate values out of the thresholds, saying so, and escalates on the valued part alone when it is enough', () => {
    const g = config.guardrails;
    const unvalued = { daysOverdue: 100, amount: null, owed: { amount: 9_000, currency: 'XOF' } };
    const blocked = guardrailBlock('collection_agency', { daysOverdue: 100, overdueAmount: 400, overdueInvoices: [unvalued, { daysOverdue: 100, amount: 400 }] }, context, {}, g);
    expect(blocked).toBe('400 overdue by 45 days or more, 1000 required; besides 9000 XOF that no exchange rate values, left out');
    expect(guardrailBlock('collection_agency', { daysOverdue: 100, overdueAmount: 1_200, overdueInvoices: [unvalued, { daysOverdue: 100, amount: 1_200 }] }, context, {}, g)).toBeUndefined();
  });

  it('offers no discount to a customer whose payment method excludes it', () => {
    const methods = config.discountExcludedMethods;
    expect(methods).toContain('direct_debit');
    expect(guardrailBlock('discount', { daysOverdue: -10, overdueAmount: 0 }, context, { paymentMethod: 'direct_debit' }, config.guardrails, methods)).toMatch(/direct_debit/);
    expect(guardrailBlock('discount', { daysOverdue: -10, overdueAmount: 0 }, context, { paymentMethod: 'transfer' }, config.guardrails, methods)).toBeUndefined();
    const p = predictor.predict({ customer: { ...trained.customers[0], paymentMethod: 'direct_debit' }, situation: { daysOverdue: -10, overdueAmount: 0 } });
    expect(p.value.lever).toBe('none');
    expect(p.value.assessments.find((a) => a.lever === 'discount')).toMatchObject({ allowed: false });
  });

  it('never terminates the service of a strategic account', () => {
    expect(guardrailBlock('service_termination', { daysOverdue: 400, overdueAmount: 1e7 }, { ...context, segment: 'strategic' }, {}, config.guardrails)).toMatch(/never for strategic/);
  });

  it('keeps late penalties out where the contract has no clause, unless configured otherwise', () => {
    expect(guardrailBlock('late_penalty', { daysOverdue: 30, overdueAmount: 100 }, context, { latePenalties: false }, config.guardrails)).toMatch(/no late-penalty clause/);
    expect(guardrailBlock('late_penalty', { daysOverdue: 30, overdueAmount: 100 }, context, { latePenalties: false }, NO_GUARDRAILS)).toBeUndefined();
  });
});

describe('when the customer is in insolvency proceedings', () => {
  // 70 days and 20,000 overdue: past every escalation threshold, so only the proceedings can keep a lever out.
  const situation = { daysOverdue: 70, overdueAmount: 20_000 };
  const escalated = () => trained.customers.find((c) => predictor.predict({ customer: c, situation }).value.lever !== 'none')!;

  it('suggests no lever at all, escalation or not, and says the debt is frozen', () => {
    const customer = escalated();
    const p = predictor.predict({ customer: { ...customer, insolvencyDate: '2025-06-02' }, situation });
    expect(p.value.lever).toBe('none');
    expect(p.value.assessments.every((a) => !a.allowed && /insolvency proceedings since 2025-06-02/.test(a.blockedBy ?? ''))).toBe(true);
    expect(p.reasons[0]).toMatchObject({ factor: 'noLeverWorthIt', text: expect.stringMatching(/^no lever may be used: in insolvency proceedings since 2025-06-02/) });
    const preDue = predictor.predict({ customer: { ...customer, insolvencyDate: '2025-06-02' }, situation: { daysOverdue: -10, overdueAmount: 0 } });
    expect(preDue.value.lever).toBe('none');
    expect(predictor.detail({ customer: { ...customer, insolvencyDate: '2025-06-02' }, situation }, { guardrails: NO_GUARDRAILS }).recommendation.lever).toBe('none');
  });

  it('is not held back by proceedings reported after its asOf', () => {
    const customer = escalated();
    const later = predictor.predict({ customer: { ...customer, insolvencyDate: '2099-01-01' }, situation });
    expect(later.value).toEqual(predictor.predict({ customer, situation }).value);
  });
});

describe('when recommending', () => {
  const input = (i: number, daysOverdue: number): IncentiveInput => ({ customer: trained.customers[i], situation: { daysOverdue, overdueAmount: 20_000 } });

  it('offers only the early-payment discount (or nothing) before the due date', () => {
    const p = predictor.predict(input(3, 0));
    expect(p.value.stage).toBe('pre_due');
    expect(p.value.assessments.map((a) => a.lever)).toEqual(['discount']);
    expect(['discount', 'none']).toContain(p.value.lever);
  });

  it('explains the recommendation with the effect, the group it was learned on and its size', () => {
    const p = predictor.predict(input(7, 90));
    const effects = p.reasons.filter((r) => r.factor.startsWith('effect:'));
    expect(effects.length).toBeGreaterThan(0);
    for (const r of effects) expect(r.text).toMatch(/(days-to-pay|no clear effect).*\(n=\d+\)/);
  });

  it("tells how this customer reacted right after the recommendation: the agenda shows the first three reasons", () => {
    const reacted = trained.customers
      .map((c) => predictor.predict({ customer: c, situation: { daysOverdue: 70, overdueAmount: 20_000 } }))
      .filter((p) => p.reasons.some((r) => r.factor.startsWith('history:')));
    expect(reacted.length).toBeGreaterThan(0);
    for (const p of reacted) {
      expect(p.reasons[0].factor).toMatch(/^(effect:|noLeverWorthIt)/);
      expect(p.reasons[1].factor).toMatch(/^history:/);
      // The recommended lever's own history first, when the customer had it.
      const own = p.reasons.find((r) => r.factor === `history:${p.value.lever}`);
      if (own) expect(p.reasons[1]).toBe(own);
    }
  });

  it('recommends a lever only when it clears the minimum gain and certainty', () => {
    const { minGainDays, minProbabilityBetter } = predictor.state.config;
    let levers = 0;
    for (let i = 0; i < 40; i++) {
      const rec = predictor.predict(input(i, 70)).value;
      if (rec.lever === 'none') continue;
      levers++;
      const chosen = rec.assessments.find((a) => a.lever === rec.lever)!;
      expect(chosen.allowed).toBe(true);
      expect(chosen.gainDays).toBeGreaterThanOrEqual(minGainDays);
      expect(chosen.probabilityBetter).toBeGreaterThanOrEqual(minProbabilityBetter);
      expect(rec.assessments.filter((a) => a.allowed)[0].lever).toBe(rec.lever);
    }
    expect(levers).toBeGreaterThan(0);
  });
});

describe('when training and reloading', () => {
  it('round-trips the artifact through JSON with identical recommendations', async () => {
    const reloaded = await createIncentiveModel().load(JSON.parse(JSON.stringify(trained.artifact)));
    for (let i = 0; i < 30; i++) {
      const situation = { daysOverdue: (i * 7) % 90, overdueAmount: 1_000 * i };
      expect(reloaded.predict({ customer: trained.customers[i], situation })).toEqual(predictor.predict({ customer: trained.customers[i], situation }));
    }
  });

  it('is deterministic: the same log gives the same artifact', async () => {
    const again = await createIncentiveModel().train({ customers: trained.customers });
    expect(JSON.stringify(again)).toBe(JSON.stringify(trained.artifact));
  });

  it('refuses an artifact of another model', async () => {
    await expect(createIncentiveModel().load({ state: { model: 'send-time' } })).rejects.toBeInstanceOf(IncentiveArtifactError);
  });

  it('estimates, off-policy, that following it beats what the platform did (on the log it learned from)', async () => {
    const metrics = await createIncentiveModel().evaluate(trained.artifact, { customers: trained.customers });
    expect(metrics.overdue_policyObjectiveDR).toBeLessThan(metrics.overdue_loggedObjective);
  });
});
