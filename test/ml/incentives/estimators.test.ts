import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildEffectTable,
  decisionTerms,
  doublyRobustValue,
  fitOutcomeModel,
  fitPropensities,
  incentiveConfig,
  type Decision,
  type DecisionPoints,
} from '../../../src/ml/incentives/index.js';
import { SIMULATED_EFFECTS, simulatedLog } from './factories.js';

const config = incentiveConfig();
const points: DecisionPoints = { preDueDaysAfterIssue: 1, overdueDaysAfterDue: 20, discountPct: 2, discountWithinDays: 10 };

function estimate(decisions: Decision[]) {
  const propensities = fitPropensities(decisions);
  const model = fitOutcomeModel(decisions);
  const terms = decisions.flatMap((d) => decisionTerms([d], model, propensities, config));
  return { terms, effects: buildEffectTable(terms, points, config).overdue };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('when the logging policy is confounded (risky customers pay slower and get the agency more often)', () => {
  let log: Decision[];
  let terms: ReturnType<typeof estimate>['terms'];
  let effects: ReturnType<typeof estimate>['effects'];
  beforeAll(() => {
    log = simulatedLog(11, 12_000);
    ({ terms, effects } = estimate(log));
  });

  it('shows the confounding: raw means make the collection agency look slow', () => {
    const naive = mean(log.filter((d) => d.action === 'collection_agency').map((d) => d.daysToPay)) - mean(log.filter((d) => d.action === 'none').map((d) => d.daysToPay));
    expect(naive - SIMULATED_EFFECTS.collection_agency.days).toBeGreaterThan(4);
  });

  it('recovers every lever effect on days-to-pay with the doubly-robust and IPS estimators', () => {
    for (const lever of ['late_penalty', 'card_payment', 'collection_agency', 'service_termination'] as const) {
      const raw = effects[lever]!.portfolio.raw;
      expect(Math.abs(raw.daysToPay - SIMULATED_EFFECTS[lever].days)).toBeLessThan(1.5);
      expect(Math.abs(raw.ipsDaysToPay - SIMULATED_EFFECTS[lever].days)).toBeLessThan(3);
    }
  });

  it('recovers the churn a lever causes', () => {
    expect(Math.abs(effects.service_termination!.portfolio.raw.churned - SIMULATED_EFFECTS.service_termination.churn)).toBeLessThan(0.08);
    expect(Math.abs(effects.card_payment!.portfolio.raw.churned)).toBeLessThan(0.02);
  });

  it('values a policy off-policy: "always card payment" ≈ its true mean days-to-pay', () => {
    const truth = mean(log.map((d) => d.daysToPay - SIMULATED_EFFECTS[d.action as keyof typeof SIMULATED_EFFECTS].days + SIMULATED_EFFECTS.card_payment.days));
    const value = doublyRobustValue(terms, () => 'card_payment', { churnCostDays: 0, discountCostDays: 0, maxWeight: config.maxWeight });
    expect(Math.abs(value.daysToPay - truth)).toBeLessThan(1.5);
  });
});

describe('when a group has few decisions', () => {
  it('pulls its estimate toward the segment more than a large group’s', () => {
    const { effects } = estimate(simulatedLog(5, 6_000).map((d, i) => (i < 60 ? { ...d, context: { ...d.context, payerBand: 'late' as const } } : d)));
    const cells = Object.values(effects.card_payment!.cells);
    const small = cells.filter((c) => c.raw.n < 100);
    const large = cells.filter((c) => c.raw.n > 1000);
    expect(small.length).toBeGreaterThan(0);
    expect(Math.max(...small.map((c) => c.daysToPay.ownWeight))).toBeLessThan(Math.min(...large.map((c) => c.daysToPay.ownWeight)));
  });
});
