// Off-policy value of a lever policy on logged decisions: what days-to-pay and
// churn would have been had the platform followed it. Doubly robust (outcome
// model plus a weighted correction where the policy agrees with the log) and
// self-normalised IPS (only the decisions where it agrees, reweighted).
import { Moments, type DecisionTerms } from './estimators.js';
import type { Action } from './types.js';

export interface PolicyEstimate {
  decisions: number;
  /** Decisions where the policy chose what the platform did. */
  agreement: number;
  daysToPay: number;
  churned: number;
  /** days + churn weight × churn + discount cost: lower is better. */
  objective: number;
  objectiveStandardError: number;
}

export interface ObjectiveWeights {
  churnCostDays: number;
  discountCostDays: number;
  maxWeight: number;
}

const objectiveOf = (action: Action, days: number, churn: number, early: number, w: ObjectiveWeights) =>
  days + w.churnCostDays * churn + (action === 'discount' ? w.discountCostDays * early : 0);

export function doublyRobustValue(terms: DecisionTerms[], policy: (t: DecisionTerms) => Action, w: ObjectiveWeights): PolicyEstimate {
  const days = new Moments();
  const churn = new Moments();
  const objective = new Moments();
  let agreement = 0;
  for (const t of terms) {
    const a = policy(t);
    const v = t.dr[a];
    if (!v) throw new RangeError(`action ${a} is not possible at stage ${t.decision.stage}`);
    if (a === t.decision.action) agreement++;
    days.add(v.daysToPay);
    churn.add(v.churned);
    objective.add(objectiveOf(a, v.daysToPay, v.churned, v.paidEarly, w));
  }
  return {
    decisions: terms.length,
    agreement,
    daysToPay: days.mean,
    churned: churn.mean,
    objective: objective.mean,
    objectiveStandardError: Math.sqrt(objective.variance / Math.max(1, objective.n)),
  };
}

export function selfNormalisedIpsValue(terms: DecisionTerms[], policy: (t: DecisionTerms) => Action, w: ObjectiveWeights): PolicyEstimate {
  let sw = 0;
  let days = 0;
  let churn = 0;
  let objective = 0;
  let agreement = 0;
  const contributions: Array<{ weight: number; value: number }> = [];
  for (const t of terms) {
    const a = policy(t);
    if (a !== t.decision.action) continue;
    agreement++;
    const weight = Math.min(w.maxWeight, 1 / t.propensity);
    const d = t.decision;
    const value = objectiveOf(a, d.daysToPay, d.churned ? 1 : 0, d.paidEarly ? 1 : 0, w);
    sw += weight;
    days += weight * d.daysToPay;
    churn += weight * (d.churned ? 1 : 0);
    objective += weight * value;
    contributions.push({ weight, value });
  }
  const mean = sw > 0 ? objective / sw : Number.NaN;
  const meanW = sw / Math.max(1, terms.length);
  const ss = contributions.reduce((s, c) => s + (c.weight * (c.value - mean)) ** 2, 0) / (meanW * meanW);
  return {
    decisions: terms.length,
    agreement,
    daysToPay: sw > 0 ? days / sw : Number.NaN,
    churned: sw > 0 ? churn / sw : Number.NaN,
    objective: mean,
    objectiveStandardError: terms.length > 1 ? Math.sqrt(ss / terms.length / terms.length) : Number.NaN,
  };
}

/** What the platform actually got (on-policy: plain means). */
export function loggedValue(terms: DecisionTerms[], w: ObjectiveWeights): PolicyEstimate {
  const objective = new Moments();
  const days = new Moments();
  const churn = new Moments();
  for (const t of terms) {
    const d = t.decision;
    days.add(d.daysToPay);
    churn.add(d.churned ? 1 : 0);
    objective.add(objectiveOf(d.action, d.daysToPay, d.churned ? 1 : 0, d.paidEarly ? 1 : 0, w));
  }
  return {
    decisions: terms.length,
    agreement: terms.length,
    daysToPay: days.mean,
    churned: churn.mean,
    objective: objective.mean,
    objectiveStandardError: Math.sqrt(objective.variance / Math.max(1, objective.n)),
  };
}
