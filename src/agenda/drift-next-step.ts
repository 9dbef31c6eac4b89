// Brief 001: once you know what is going on with a customer, pick who in the
// company has the next conversation (sales, customer support or finance).
// Each behaviour change the drift model flags points at one of them, and at
// what to ask. Pure.
import type { ActionReason, CustomerContext } from './types.js';
import type { DriftKind } from '../ml/drift/types.js';

// The drift model's own kinds: one it learns to flag is a compile error here until it has a step.
type FlaggedKind = DriftKind;

/** The customer's internal actors the next conversation may go through. */
type Actors = Pick<CustomerContext, 'salesRep' | 'adv'>;

// Most telling first: a customer that stops answering cannot be asked about the rest by email.
const ORDER: readonly FlaggedKind[] = ['engagement_drop', 'dispute_spike', 'method_shift', 'delay_creep'];

const sales = (c: Actors) => (c.salesRep ? `${c.salesRep} (sales)` : 'the sales rep');
const support = (c: Actors) => (c.adv ? `${c.adv} (ADV)` : c.salesRep ? `${c.salesRep} (sales)` : 'customer service');

const STEP: Record<FlaggedKind, (c: Actors) => string> = {
  engagement_drop: (c) => `call rather than email, and check with ${sales(c)} that the billing contact is still the right one: reminders go unanswered`,
  dispute_spike: (c) => `go through the recent disputes with ${support(c)}: several at once point to a product or service problem to fix before chasing`,
  method_shift: () => 'ask the customer why payments changed (smaller card payments after cheques can mean cash strain), and check the risk score and credit limit',
  delay_creep: () => 'ask the customer what changed in their payment run (approval, cash, a new contact) before the next due date',
};

/** The drift kinds the model flagged, read from its reasons (`value: true`). */
export function flaggedKinds(reasons: readonly { factor: string; value?: unknown }[]): FlaggedKind[] {
  const flagged = new Set(reasons.filter((r) => r.value === true).map((r) => r.factor));
  return ORDER.filter((k) => flagged.has(k));
}

/** The next conversation the flagged changes call for, most telling first; null when none is flagged. */
export function nextConversation(c: Actors, kinds: readonly FlaggedKind[]): ActionReason | null {
  if (kinds.length === 0) return null;
  return { factor: 'nextStep', text: `Next: ${kinds.map((k) => STEP[k](c)).join('; ')}`, value: kinds.join(',') };
}

/** A call when emails go unanswered: the agenda should not plan another email as the review. */
export const reviewType = (kinds: readonly FlaggedKind[]): 'call' | 'review' => (kinds.includes('engagement_drop') ? 'call' : 'review');
