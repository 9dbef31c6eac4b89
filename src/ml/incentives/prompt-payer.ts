// No early-payment discount for a customer who already pays on time: whatever
// similar customers gained from one, this customer would mostly be paid for
// what it does anyway. "Pays on time" is the customer's own history: the
// median days late of its settled invoices (at least `minInvoicesForPayerBand`
// of them; the caller's `typicalDaysLate` when it passes none) is at most
// `latePayerDays`, the "prompt payers" of the reasons. The one evidence that
// outweighs it is the customer's own: after its past discounts it paid sooner
// than after the invoices it got none for, by more than a taken discount costs
// plus the minimum gain, so that on its own record the discount pays.
//
// Both read a handful of invoices, and a median of two is noise: each is
// weighed by its count, as every effect of the model is (empirical Bayes,
// normal-normal, shrinkage.ts). The median days late is pulled toward the
// segment's typical customer, the speed-up after discounts toward none (the
// rule's premise), spread as widely as customers' delays differ: a discount
// moves a customer's payment day within that range, not beyond it. The noise
// of one invoice and how much customers differ are learned at training
// (`fitPayerPrior`). An artifact trained before keeps the raw medians.
import { mean, median, sumNthPowerDeviations } from 'simple-statistics';
import type { IncentiveConfig } from './config.js';
import { dayNumber, type DecisionContext } from './decisions.js';
import { discountCostDays, type DecisionTerms } from './estimators.js';
import { combine } from './shrinkage.js';
import type { IncentiveState } from './state.js';
import type { IncentiveCustomer } from './types.js';
import { groupBy } from '../../util/collections.js';

/** Fewer past decisions of either kind than this compare nothing. */
const MIN_OWN_DECISIONS = 3;
/** A median's sampling variance is π/2 that of a mean of as many values (normal data). */
const MEDIAN_EFFICIENCY = Math.PI / 2;
/** Days late are read within these bounds, as the outcome model reads them. */
const clampLate = (x: number) => Math.max(-30, Math.min(90, x));
const round2 = (x: number) => Math.round(x * 100) / 100;

/** How customers' typical delays spread, learned at training. */
export interface PayerPrior {
  /** Variance of one invoice's days late around its customer's own typical delay. */
  within: number;
  /** How much customers' median days late differ around their segment's beyond that noise (τ²). */
  between: number;
  /** Mean of customers' median days late, by segment, and over all. */
  segments: Record<string, number>;
  portfolio: number;
}

/** The spread of customers' delays: each customer's settled invoices up to its asOf (at least `minInvoicesForPayerBand`). */
export function fitPayerPrior(customers: readonly IncentiveCustomer[], config: IncentiveConfig): PayerPrior | undefined {
  const rows: Array<{ segment: string; median: number; n: number }> = [];
  let squares = 0;
  let freedom = 0;
  for (const c of customers) {
    const asOf = dayNumber(c.asOf);
    const late: number[] = [];
    for (const i of c.invoices ?? []) {
      const settled = dayNumber(i.settledDate);
      const due = dayNumber(i.dueDate);
      if (settled !== null && due !== null && (asOf === null || settled <= asOf)) late.push(clampLate(settled - due));
    }
    if (late.length < Math.max(2, config.minInvoicesForPayerBand)) continue;
    squares += sumNthPowerDeviations(late, 2);
    freedom += late.length - 1;
    rows.push({ segment: c.segment ?? 'unknown', median: median(late), n: late.length });
  }
  if (rows.length < 2 || freedom === 0) return undefined;
  const within = Math.max(1, squares / freedom);
  const bySegment = groupBy(rows, (r) => r.segment);
  const segments = Object.fromEntries([...bySegment].sort(([a], [b]) => a.localeCompare(b)).map(([k, xs]) => [k, round2(mean(xs.map((x) => x.median)))]));
  const excess = rows.reduce((s, r) => s + (r.median - segments[r.segment]) ** 2 - (MEDIAN_EFFICIENCY * within) / r.n, 0) / rows.length;
  return { within: round2(within), between: round2(Math.max(1, excess)), segments, portfolio: round2(mean(rows.map((r) => r.median))) };
}

/** What the prompt-payer rule reads from the artifact. */
export interface PromptPayerRule {
  /** A taken discount, in days. */
  costDays: number;
  minGainDays: number;
  latePayerDays: number;
  payers?: PayerPrior;
}

export function promptPayerRule(state: Pick<IncentiveState, 'config' | 'points' | 'payers'>): PromptPayerRule {
  const { minGainDays, latePayerDays } = state.config;
  return { costDays: discountCostDays(state.points, state.config), minGainDays, latePayerDays, payers: state.payers };
}

/** The customer's typical days late, its median weighed against its segment's by how many invoices it rests on (null: no history). */
export function typicalDaysLate(context: DecisionContext, payers: PayerPrior | undefined): number | null {
  const { priorDaysLate: raw, priorInvoices: n } = context;
  if (raw === null || n === undefined || !payers) return raw;
  const segment = payers.segments[context.segment] ?? payers.portfolio;
  return round2(combine({ mean: clampLate(raw), variance: (MEDIAN_EFFICIENCY * payers.within) / n, n }, { mean: segment, variance: payers.between }).mean);
}

const paysOnTime = (context: DecisionContext, rule: PromptPayerRule) => {
  const typical = typicalDaysLate(context, rule.payers);
  return typical !== null && typical <= rule.latePayerDays;
};

/** Days sooner the customer paid after its own past discounts than without one, raw and weighed by their counts (null: too few of either). */
export function ownDiscountSpeedUp(own: readonly DecisionTerms[], payers?: PayerPrior): { raw: number; weighed: number; discounts: number } | null {
  const daysAfter = (action: 'discount' | 'none') => own.filter((t) => t.decision.stage === 'pre_due' && t.decision.action === action).map((t) => t.decision.daysToPay);
  const withDiscount = daysAfter('discount');
  const without = daysAfter('none');
  if (withDiscount.length < MIN_OWN_DECISIONS || without.length < MIN_OWN_DECISIONS) return null;
  const raw = median(without) - median(withDiscount);
  if (!payers) return { raw, weighed: raw, discounts: withDiscount.length };
  const variance = MEDIAN_EFFICIENCY * payers.within * (1 / withDiscount.length + 1 / without.length);
  const weighed = combine({ mean: raw, variance, n: withDiscount.length + without.length }, { mean: 0, variance: payers.between }).mean;
  return { raw, weighed: round2(weighed), discounts: withDiscount.length };
}

function historyText(c: DecisionContext, rule: PromptPayerRule): string {
  if (c.priorDaysLate === null) return 'its history';
  const typical = typicalDaysLate(c, rule.payers);
  if (c.priorInvoices === undefined || typical!.toFixed(0) === c.priorDaysLate.toFixed(0)) return `median ${c.priorDaysLate} days late`;
  return `median ${c.priorDaysLate} days late on ${c.priorInvoices} invoices, ${typical!.toFixed(0)} weighed against its segment's`;
}

const sped = (s: { raw: number; weighed: number }) => `${s.raw.toFixed(0)} days${s.weighed.toFixed(0) === s.raw.toFixed(0) ? '' : ` (${s.weighed.toFixed(0)} weighed by how few they are)`}`;

/** Why the discount is kept from this prompt payer, or undefined when it may be offered. */
export function promptPayerBlock(context: DecisionContext, own: readonly DecisionTerms[], rule: PromptPayerRule): string | undefined {
  if (!paysOnTime(context, rule)) return undefined;
  const speedUp = ownDiscountSpeedUp(own, rule.payers);
  if (speedUp !== null && speedUp.weighed - rule.costDays >= rule.minGainDays) return undefined;
  const tried = speedUp === null ? '' : `; its own past discounts sped payment by ${sped(speedUp)}, not enough to pay for one`;
  return `pays on time already (${historyText(context, rule)}): a discount would mostly pay for what it does anyway${tried}`;
}

/** Why a prompt payer may get the discount all the same (its own record), or undefined when no exception was made. */
export function promptPayerException(context: DecisionContext, own: readonly DecisionTerms[], rule: PromptPayerRule): string | undefined {
  if (!paysOnTime(context, rule) || promptPayerBlock(context, own, rule) !== undefined) return undefined;
  const speedUp = ownDiscountSpeedUp(own, rule.payers)!;
  return `pays on time (${historyText(context, rule)}), but paid ${sped(speedUp)} sooner after its own ${speedUp.discounts} past discounts than without one`;
}
