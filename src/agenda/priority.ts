// Priority = amount at stake × urgency × risk (brief 002: prioritise by amount
// due, risk level and payment behaviour). A product, not a weighted sum, so a
// small invoice never outranks a large one on urgency alone unless it is much
// later, and each factor stays readable on its own in the agenda.
import type { CustomerContext, Priority, SuggestionKind } from './types.js';
import { money } from './format.js';

/**
 * How pressing each kind of action is before lateness counts. A broken
 * promise is a broken commitment: the most urgent call. Reviews that need
 * other people (legal, sales) move slower.
 */
export const KIND_URGENCY: Record<SuggestionKind | 'manual', number> = {
  promise_broken: 1.5,
  payment_plan_missed: 1.4,
  missed_debit: 1.2,
  scenario_step: 1.0,
  credit_offset: 1.0,
  payment_check: 0.9,
  answer_email: 0.8,
  dispute_follow_up: 0.8,
  credit_note_chase: 0.8,
  drift_review: 0.7,
  pre_due_call: 0.6,
  incentive: 0.6,
  litigation_review: 0.5,
  // A claim not declared in time is lost: the most pressing of all.
  insolvency: 2.0,
  risk_downgrade: 0.9,
  credit_limit_exceeded: 0.8,
  cover_exceeded: 0.8,
  // A signal to check, not a loss in the making: below the overruns.
  company_change: 0.6,
  // Routine, due once a year: ranked below every signal, raised by lateness.
  limit_review: 0.5,
  manual: 1.0,
};

// Lateness raises urgency linearly up to 120 days (×3); beyond that an
// invoice is a recovery file more than a collection call.
const LATENESS_CAP_DAYS = 120;
const LATENESS_DAYS_PER_UNIT = 60;

export function urgency(kind: SuggestionKind | 'manual', daysOverdue: number, boost = 1): number {
  const lateness = 1 + Math.min(Math.max(daysOverdue, 0), LATENESS_CAP_DAYS) / LATENESS_DAYS_PER_UNIT;
  return KIND_URGENCY[kind] * lateness * boost;
}

/**
 * 0.5 (safe) to 1.5 (risky): the mean of what is known of the customer, the
 * external risk score and the payment-delay model's late probability. 1 when
 * nothing is known, so an unscored customer is neither favoured nor buried.
 */
export function risk(customer: Pick<CustomerContext, 'riskScore' | 'lateProbability'> | undefined): number {
  const known: number[] = [];
  if (customer?.riskScore !== null && customer?.riskScore !== undefined) known.push(clamp01(customer.riskScore / 100));
  if (customer?.lateProbability !== null && customer?.lateProbability !== undefined) known.push(clamp01(customer.lateProbability));
  if (known.length === 0) return 1;
  return 0.5 + known.reduce((a, b) => a + b, 0) / known.length;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * `valued`: the amount at stake in the reporting currency, when `currency` is
 * another one (currencies.ts); the score weighs it, the text shows both.
 */
export function priority(
  amountAtStake: number,
  urgencyValue: number,
  riskValue: number,
  currency: string,
  valued?: { amount: number; currency: string },
): Priority {
  const u = r2(urgencyValue);
  const k = r2(riskValue);
  const stake = valued ? `${money(amountAtStake, currency)} (${money(valued.amount, valued.currency)})` : money(amountAtStake, currency);
  return {
    score: Math.round((valued?.amount ?? amountAtStake) * u * k),
    amountAtStake,
    urgency: u,
    risk: k,
    text: `${stake} at stake × urgency ${u.toFixed(2)} × risk ${k.toFixed(2)}`,
  };
}
