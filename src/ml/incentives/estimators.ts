// Per-decision pseudo-outcomes of the off-policy estimators. For a decision i
// and an action a, the doubly-robust term is
//   ψ_i(a) = m̂_a(x_i) + 1[a_i = a] / p_i · (y_i − m̂_a(x_i)),
// unbiased for E[y | x_i, do(a)] when either the propensity p or the outcome
// model m̂ is right; inverse propensity (IPS) keeps only 1[a_i = a] y_i / p_i.
// Averaging ψ_i(lever) − ψ_i(none) over a group estimates the lever's effect
// on that group. Weights 1/p are capped at `maxWeight`.
import type { IncentiveConfig } from './config.js';
import type { Decision, DecisionPoints } from './decisions.js';
import { outcomeOf, predictActions, type OutcomeModel, type OutcomeVector } from './outcome-model.js';
import { customerPropensities, type PropensityTable } from './propensity.js';
import { STAGE_LEVERS, type Action, type Lever, type Stage } from './types.js';

const ZERO: OutcomeVector = Object.freeze({ daysToPay: 0, churned: 0, paidEarly: 0 });
const STAGE_ACTIONS: Record<Stage, readonly Action[]> = { pre_due: ['none', ...STAGE_LEVERS.pre_due], overdue: ['none', ...STAGE_LEVERS.overdue] };

export interface DecisionTerms {
  decision: Decision;
  propensity: number;
  /** DR pseudo-outcome per action of the decision's stage ('none' included). */
  dr: Partial<Record<Action, OutcomeVector>>;
  /** IPS pseudo-outcome per action (zero for actions not taken). */
  ips: Partial<Record<Action, OutcomeVector>>;
}

/** A taken discount, as days of delay the money given away is worth (0 without a cost of money). */
export function discountCostDays(points: DecisionPoints, config: IncentiveConfig): number {
  return config.costOfMoneyPerYear === null ? 0 : ((points.discountPct / 100) * 365) / config.costOfMoneyPerYear;
}

/** Terms of one customer's decisions (the customer's logged odds inform their "none" propensity). */
export function decisionTerms(
  decisions: Decision[],
  model: OutcomeModel,
  propensities: PropensityTable,
  config: IncentiveConfig,
): DecisionTerms[] {
  const p = customerPropensities(decisions, propensities);
  return decisions.map((d, i) => {
    const y = outcomeOf(d);
    const w = Math.min(config.maxWeight, 1 / p[i]);
    const dr: DecisionTerms['dr'] = {};
    const ips: DecisionTerms['ips'] = {};
    const actions = STAGE_ACTIONS[d.stage];
    const predicted = predictActions(model, d.stage, d.context, actions, config.outcomeCapDays);
    for (const a of actions) {
      const m = predicted[a]!;
      if (d.action === a) {
        dr[a] = { daysToPay: m.daysToPay + w * (y.daysToPay - m.daysToPay), churned: m.churned + w * (y.churned - m.churned), paidEarly: m.paidEarly + w * (y.paidEarly - m.paidEarly) };
        ips[a] = { daysToPay: w * y.daysToPay, churned: w * y.churned, paidEarly: w * y.paidEarly };
      } else {
        dr[a] = m;
        ips[a] = ZERO;
      }
    }
    return { decision: d, propensity: p[i], dr, ips };
  });
}

/** The three quantities a lever is judged on, for one decision: days, churn, and days-equivalent gain. */
export interface Contrast {
  daysToPay: number;
  churned: number;
  gain: number;
}

export function contrast(t: DecisionTerms, lever: Lever, costDays: number, churnCostDays: number, kind: 'dr' | 'ips' = 'dr'): Contrast {
  const a = t[kind][lever]!;
  const b = t[kind].none!;
  const days = a.daysToPay - b.daysToPay;
  const churn = a.churned - b.churned;
  const cost = lever === 'discount' ? costDays * a.paidEarly : 0;
  return { daysToPay: days, churned: churn, gain: gainDays(days, churn, cost, churnCostDays) };
}

/** Days-equivalent saved against doing nothing: days sooner, less lost customers and the discount given away. */
export function gainDays(daysToPayChange: number, churnChange: number, costDays: number, churnCostDays: number): number {
  return -(daysToPayChange + churnCostDays * churnChange + costDays);
}

/** Running mean and variance. */
export class Moments {
  n = 0;
  private sum = 0;
  private sumSq = 0;

  add(x: number): void {
    this.n++;
    this.sum += x;
    this.sumSq += x * x;
  }

  get mean(): number {
    return this.n ? this.sum / this.n : 0;
  }

  /** Sample variance of one observation. */
  get variance(): number {
    return this.n > 1 ? Math.max(0, (this.sumSq - (this.sum * this.sum) / this.n) / (this.n - 1)) : 0;
  }
}
