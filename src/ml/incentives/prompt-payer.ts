// No early-payment discount for a customer who already pays on time: whatever
// similar customers gained from one, this customer would mostly be paid for
// what it does anyway. "Pays on time" is the customer's own history: the
// median days late of its settled invoices (at least `minInvoicesForPayerBand`
// of them; the caller's `typicalDaysLate` when it passes none) is at most
// `latePayerDays`, the "prompt payers" of the reasons. The one evidence that
// outweighs it is the customer's own: after its past discounts it paid sooner
// than after the invoices it got none for, by more than a taken discount costs
// plus the minimum gain, so that on its own record the discount pays.
import { median } from 'simple-statistics';
import type { DecisionContext } from './decisions.js';
import type { DecisionTerms } from './estimators.js';

/** Fewer past decisions of either kind than this compare nothing. */
const MIN_OWN_DECISIONS = 3;

/** Days sooner the customer paid after its own past discounts than without one (null: too few of either). */
export function ownDiscountSpeedUp(own: readonly DecisionTerms[]): number | null {
  const daysAfter = (action: 'discount' | 'none') => own.filter((t) => t.decision.stage === 'pre_due' && t.decision.action === action).map((t) => t.decision.daysToPay);
  const withDiscount = daysAfter('discount');
  const without = daysAfter('none');
  if (withDiscount.length < MIN_OWN_DECISIONS || without.length < MIN_OWN_DECISIONS) return null;
  return median(without) - median(withDiscount);
}

const historyText = (c: DecisionContext) => (c.priorDaysLate === null ? 'its history' : `median ${c.priorDaysLate} days late`);

/** Why the discount is kept from this prompt payer, or undefined when it may be offered. */
export function promptPayerBlock(context: DecisionContext, own: readonly DecisionTerms[], costDays: number, minGainDays: number): string | undefined {
  if (context.payerBand !== 'prompt') return undefined;
  const speedUp = ownDiscountSpeedUp(own);
  if (speedUp !== null && speedUp - costDays >= minGainDays) return undefined;
  const tried = speedUp === null ? '' : `; its own past discounts sped payment by ${speedUp.toFixed(0)} days, not enough to pay for one`;
  return `pays on time already (${historyText(context)}): a discount would mostly pay for what it does anyway${tried}`;
}

/** Why a prompt payer may get the discount all the same (its own record), or undefined when no exception was made. */
export function promptPayerException(context: DecisionContext, own: readonly DecisionTerms[], costDays: number, minGainDays: number): string | undefined {
  if (context.payerBand !== 'prompt' || promptPayerBlock(context, own, costDays, minGainDays) !== undefined) return undefined;
  const discounts = own.filter((t) => t.decision.stage === 'pre_due' && t.decision.action === 'discount').length;
  return `pays on time (${historyText(context)}), but paid ${ownDiscountSpeedUp(own)!.toFixed(0)} days sooner after its own ${discounts} past discounts than without one`;
}
