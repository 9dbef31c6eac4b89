// Payment incentives: a logging policy that offers levers partly at random
// (its propensities are logged so uplift can be evaluated off-policy) and the
// true per-segment effects on time-to-pay and churn that a model should recover.
import type { Day } from './dates.js';
import { distinctDays, type Chunk, type InvoiceSim } from './invoicing.js';
import type { Random } from './rng.js';
import type { CustomerPlan } from './traits.js';
import type { Lever, Segment } from './types.js';

type PressureLever = Exclude<Lever, 'discount'>;

/** True effects. daysToPayShift moves the remaining time to pay (negative = faster). */
export const INCENTIVE_EFFECTS: {
  discount: Record<Segment, { acceptProbability: number }>;
  pressure: Record<PressureLever, Record<Segment, { daysToPayShift: number; churnProbability: number }>>;
} = {
  discount: {
    small: { acceptProbability: 0.5 },
    standard: { acceptProbability: 0.4 },
    large: { acceptProbability: 0.25 },
    strategic: { acceptProbability: 0.1 },
  },
  pressure: {
    late_penalty: {
      small: { daysToPayShift: -6, churnProbability: 0.02 },
      standard: { daysToPayShift: -4, churnProbability: 0.02 },
      large: { daysToPayShift: -2, churnProbability: 0.04 },
      strategic: { daysToPayShift: 3, churnProbability: 0.08 },
    },
    card_payment: {
      small: { daysToPayShift: -9, churnProbability: 0 },
      standard: { daysToPayShift: -5, churnProbability: 0 },
      large: { daysToPayShift: -2, churnProbability: 0 },
      strategic: { daysToPayShift: 0, churnProbability: 0 },
    },
    collection_agency: {
      small: { daysToPayShift: -14, churnProbability: 0.15 },
      standard: { daysToPayShift: -10, churnProbability: 0.2 },
      large: { daysToPayShift: -6, churnProbability: 0.3 },
      strategic: { daysToPayShift: -4, churnProbability: 0.4 },
    },
    service_termination: {
      small: { daysToPayShift: -18, churnProbability: 0.25 },
      standard: { daysToPayShift: -12, churnProbability: 0.3 },
      large: { daysToPayShift: -8, churnProbability: 0.35 },
      strategic: { daysToPayShift: -5, churnProbability: 0.45 },
    },
  },
};

/** The logging policy, stated so an evaluator can recompute any propensity. */
export const INCENTIVE_POLICY = {
  discountDecision: 'one day after issue, every invoice not paid by direct debit',
  discountOfferProbability: { small: 0.08, standard: 0.06, large: 0.04, strategic: 0.02 } as Record<Segment, number>,
  discountTerms: { discountPct: 2, withinDays: 10 },
  overdueDecisionDaysAfterDue: 20,
  overdueDecision: 'invoices still not fully paid 20 days after due, customer not insolvent',
  overdueWeights:
    'none 1; late_penalty 0.3; card_payment 0.35 (small, standard) else 0.1; collection_agency 0.15 if latentRiskScore >= 50 else 0.05; service_termination 0.1 small, 0.01 strategic, else 0.03',
  outcomeWindowDays: 30,
};

export function overdueWeights(plan: CustomerPlan): Array<[PressureLever | 'none', number]> {
  const s = plan.segment;
  return [
    ['none', 1],
    ['late_penalty', 0.3],
    ['card_payment', s === 'small' || s === 'standard' ? 0.35 : 0.1],
    ['collection_agency', plan.latentRiskScore >= 50 ? 0.15 : 0.05],
    ['service_termination', s === 'small' ? 0.1 : s === 'strategic' ? 0.01 : 0.03],
  ];
}

export interface OfferSim {
  invoice: InvoiceSim;
  lever: Lever;
  offeredDay: Day;
  propensity: number;
  terms: Record<string, number | string>;
  untreatedSettleDay: Day | null;
  treatedSettleDay: Day | null;
  accepted: boolean;
  churnDay: Day | null;
}

/** Pre-due decision: maybe offer an early-payment discount; mutates the invoice if accepted. */
export function decideDiscount(rng: Random, plan: CustomerPlan, invoice: InvoiceSim): OfferSim | null {
  if (plan.payment.preferredMethod === 'direct_debit' || invoice.chunks.length === 0) return null;
  const p = INCENTIVE_POLICY.discountOfferProbability[plan.segment];
  const offered = rng.chance(p);
  const acceptDraw = rng.next();
  const payDraw = rng.int(3, INCENTIVE_POLICY.discountTerms.withinDays);
  if (!offered) return null;
  const offeredDay = invoice.issueDay + 1;
  const untreated = invoice.settleDay;
  // Customers short of cash (long delays) seldom take an early-payment discount.
  const cashStrapped = plan.payment.delayLocationDays > 5 || (plan.drift?.kind === 'delay_creep' && invoice.driftAffected);
  const acceptProbability = Math.min(
    0.95,
    INCENTIVE_EFFECTS.discount[plan.segment].acceptProbability * plan.incentives.discountSensitivity * (cashStrapped ? 0.2 : 1),
  );
  // Instalment payers and disputed invoices cannot pay in full early.
  const accepted = !invoice.disputed && !invoice.instalmentPlan && untreated !== null && acceptDraw < acceptProbability;
  if (accepted) {
    const discount = Math.round((invoice.cents * INCENTIVE_POLICY.discountTerms.discountPct) / 100);
    const day = invoice.issueDay + payDraw;
    invoice.chunks = [{ day, cents: invoice.cents - discount, method: invoice.chunks[0].method }];
    invoice.discountCents = discount;
    invoice.settleDay = day;
  }
  return {
    invoice,
    lever: 'discount',
    offeredDay,
    propensity: p,
    terms: { ...INCENTIVE_POLICY.discountTerms },
    untreatedSettleDay: untreated,
    treatedSettleDay: invoice.settleDay,
    accepted,
    churnDay: null,
  };
}

/** Overdue decision: maybe apply a pressure lever; mutates the remaining schedule. */
export function decideOverdue(rng: Random, plan: CustomerPlan, invoice: InvoiceSim, endDay: Day): OfferSim | null {
  const offeredDay = invoice.dueDay + INCENTIVE_POLICY.overdueDecisionDaysAfterDue;
  const untreated = invoice.settleDay;
  const stillOpen = untreated === null || untreated > offeredDay;
  const solvent = plan.insolvencyDay === null || offeredDay < plan.insolvencyDay;
  if (!stillOpen || !solvent || offeredDay > endDay) return null;
  const weights = overdueWeights(plan);
  const total = weights.reduce((a, [, w]) => a + w, 0);
  const lever = rng.weighted(weights);
  const churnDraw = rng.next();
  const churnLag = rng.int(10, 40);
  if (lever === 'none') return null;
  const propensity = weights.find(([l]) => l === lever)![1] / total;
  const effect = INCENTIVE_EFFECTS.pressure[lever][plan.segment];
  const sensitivity = lever === 'card_payment' ? plan.incentives.discountSensitivity : plan.incentives.pressureSensitivity;
  const shift = effect.daysToPayShift * sensitivity;
  let treated = untreated;
  if (untreated !== null) {
    const remaining = untreated - offeredDay;
    const newRemaining = Math.max(1, Math.round(remaining + shift));
    const ratio = newRemaining / remaining;
    invoice.chunks = invoice.chunks.map(
      (c): Chunk =>
        c.day <= offeredDay
          ? c
          : {
              day: offeredDay + Math.max(1, Math.round((c.day - offeredDay) * ratio)),
              cents: c.cents,
              method: lever === 'card_payment' ? 'card' : c.method,
            },
    );
    distinctDays(invoice.chunks);
    treated = Math.max(...invoice.chunks.map((c) => c.day));
    invoice.settleDay = treated;
  }
  const churned = churnDraw < effect.churnProbability * plan.incentives.churnSensitivity;
  return {
    invoice,
    lever,
    offeredDay,
    propensity: Math.round(propensity * 10000) / 10000,
    terms: termsFor(lever, invoice),
    untreatedSettleDay: untreated,
    treatedSettleDay: treated,
    accepted: treated !== null && untreated !== null && treated < untreated,
    churnDay: churned ? offeredDay + churnLag : null,
  };
}

function termsFor(lever: PressureLever, invoice: InvoiceSim): Record<string, number | string> {
  switch (lever) {
    case 'late_penalty':
      return { penaltyRatePct: 1.5, perMonth: 'yes' };
    case 'card_payment':
      return { link: `https://pay.mycompany-na.com/i/${invoice.externalId}` };
    case 'collection_agency':
      return { agency: 'NorthPoint Recovery', noticeDays: 10 };
    case 'service_termination':
      return { noticeDays: 15 };
  }
}
