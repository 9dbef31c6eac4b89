// Unapplied credit notes on an account with overdue invoices in the same
// currency: offset them (or refund them) before chasing. A reminder for the
// full overdue amount of a customer who holds credit reads as a mistake and
// invites a dispute, and the cash the overdue amount promises is not all
// coming. Pure.
import { groupBy } from '../util/collections.js';
import { roundMoney } from '../util/round.js';
import { addDays, maxIso } from './dates.js';
import { documentList, lateness, money, plural, sumOpen } from './format.js';
import { priority, risk, urgency } from './priority.js';
import type { ActionReason, PlanningFacts, Suggestion, UnappliedCredit } from './types.js';

const oldestFirst = (a: UnappliedCredit, b: UnappliedCredit) =>
  (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.creditNoteId - b.creditNoteId);

/** `sorted`: one customer's notes in one currency, oldest first (creditsHeld). */
function creditOffset(facts: PlanningFacts, sorted: UnappliedCredit[]): Suggestion {
  const first = sorted[0];
  const { customerId, currency, overdueAmount, overdueInvoices, maxDaysOverdue } = first;
  const customer = facts.customers.get(customerId);
  const credits = sumOpen(sorted);
  const net = roundMoney(Math.max(overdueAmount - credits, 0));
  const list = documentList(sorted, 'credit note');
  const overdue = `${money(overdueAmount, currency)} overdue on ${plural(overdueInvoices, 'invoice')}`;
  const netText = net > 0 ? `net of it, ${money(net, currency)} is overdue` : 'it covers everything overdue';
  return {
    origin: 'qualification',
    task: true,
    customerId,
    collectorId: customer?.collectorId ?? null,
    invoiceId: null,
    invoices: [],
    currency,
    // The oldest note anchors the episode: a note added later joins it, the
    // anchor applied starts a new one for what is left.
    dedupeKey: `qual:credit:c${customerId}:n${first.creditNoteId}`,
    kind: 'credit_offset',
    type: 'review',
    // Since both held: the credit issued and an invoice overdue.
    dueDate: maxIso([first.issueDate, addDays(facts.asOf, 1 - maxDaysOverdue)]),
    reason: `Offset credit before chasing: ${list} (${money(credits, currency)}) unapplied while ${overdue}; ${netText}. ` +
      'Apply it to the oldest invoices, or refund it, before the next reminder',
    reasons: [
      { factor: 'openCredits', text: `${list} unapplied: ${money(credits, currency)}, the oldest issued ${first.issueDate}`, value: credits },
      { factor: 'overdueAmount', text: `${overdue}, the oldest ${lateness(maxDaysOverdue)}`, value: overdueAmount },
      { factor: 'netOverdue', text: `overdue once the credit is offset: ${money(net, currency)}`, value: net },
    ],
    // What offsetting settles: the smaller of the credit and the overdue amount.
    priority: priority(Math.min(credits, overdueAmount), urgency('credit_offset', maxDaysOverdue), risk(customer), currency),
  };
}

const heldKey = (customerId: number, currency: string) => `${customerId} ${currency}`;

/** Unapplied credit notes by customer and currency, oldest first. */
export const creditsHeld = (facts: PlanningFacts): Map<string, UnappliedCredit[]> =>
  groupBy([...facts.unappliedCredits].sort(oldestFirst), (c) => heldKey(c.customerId, c.currency));

/** One review per customer and currency holding unapplied credit while invoices in it are overdue. */
export function planCreditOffsets(facts: PlanningFacts): Suggestion[] {
  return [...creditsHeld(facts).values()].filter((notes) => notes[0].overdueInvoices > 0).map((notes) => creditOffset(facts, notes));
}

/**
 * For a reminder about a customer's invoices in `currency`: the credit it holds
 * in that currency (`held`: creditsHeld, built once per plan), so nobody chases
 * the full amount unawares. Null with none.
 */
export function heldCreditReason(held: Map<string, UnappliedCredit[]>, customerId: number, currency: string): ActionReason | null {
  const sorted = held.get(heldKey(customerId, currency));
  if (!sorted) return null;
  const credits = sumOpen(sorted);
  return {
    factor: 'openCredits',
    text: `the customer holds ${money(credits, currency)} of unapplied credit (${documentList(sorted, 'credit note')}): offset it before chasing the full amount`,
    value: credits,
  };
}
