// An agenda item, from a suggestion of the planner or from an action it does
// not own (a manual one), and the order the agenda shows them in. The live read
// (read.ts) and the stored plan (stored-plan.ts) build theirs here, so the two
// show the same items.
import { daysBetween } from './dates.js';
import { readModelReasons } from './format.js';
import { floorIn, otherBalances, rankedInReporting, ratesOf } from './currencies.js';
import type { AgendaPolicy } from './policy.js';
import { codePointOrder } from './keys.js';
import { priority, risk, urgency } from './priority.js';
import type { ActionReason, CurrencyBalance, ExchangeRate, InvoiceRef, IsoDate, PlanningFacts, Priority, Suggestion } from './types.js';

export interface AgendaItem {
  id: number | null;
  state: 'planned' | 'suggested';
  dedupeKey: string | null;
  origin: string;
  kind: string;
  type: string;
  task: boolean;
  dueDate: IsoDate;
  reason: string;
  reasons: ActionReason[];
  priority: Priority;
  customer: { externalId: string; name: string; segment: string | null };
  collector: string | null;
  /**
   * `atStake` is in `currency`, the task's own; the customer's balances are in
   * `balanceCurrency`, what it owes in any other in `otherBalances`.
   */
  amounts: {
    atStake: number; currency: string; customerOpen: number; customerOverdue: number; balanceCurrency: string;
    otherBalances: CurrencyBalance[];
  };
  invoices: Omit<InvoiceRef, 'invoiceId'>[];
}

export interface StoredAction {
  id: number;
  dedupeKey: string | null;
  origin: string;
  type: string;
  status: string;
  /** Closed by a person (done or cancelled); the planner's cancellations are not. */
  closedByPerson: boolean;
  dueDate: IsoDate;
  reason: string;
  reasons: unknown;
  collector: string | null;
  customerExternalId: string;
  customerName: string;
  segment: string | null;
  currency: string;
  riskScore: number | null;
  customerOpen: number;
  customerOverdue: number;
  byCurrency: CurrencyBalance[];
  maxDaysOverdue: number | null;
  invoiceExternalId: string | null;
  invoiceNumber: string | null;
  invoiceOpen: number | null;
  invoiceDueDate: IsoDate | null;
  invoiceCurrency: string | null;
}

export function fromSuggestion(s: Suggestion, facts: Pick<PlanningFacts, 'customers'>, stored?: { id: number }): AgendaItem {
  const c = facts.customers.get(s.customerId);
  return {
    id: stored?.id ?? null,
    state: stored ? 'planned' : 'suggested',
    dedupeKey: s.dedupeKey,
    origin: s.origin,
    kind: s.kind,
    type: s.type,
    task: s.task,
    dueDate: s.dueDate,
    reason: s.reason,
    reasons: s.reasons,
    priority: s.priority,
    customer: { externalId: c?.externalId ?? '', name: c?.name ?? '', segment: c?.segment ?? null },
    collector: c?.collector ?? null,
    amounts: {
      atStake: s.priority.amountAtStake,
      currency: s.currency,
      customerOpen: c?.openAmount ?? 0,
      customerOverdue: c?.overdueAmount ?? 0,
      balanceCurrency: c?.currency ?? s.currency,
      otherBalances: c ? otherBalances(c.byCurrency, c.currency) : [],
    },
    invoices: s.invoices.map(({ invoiceId: _id, ...rest }) => rest),
  };
}

/** An action the planner does not own: ranked on its invoice, or on the customer's overdue balance. */
export function fromManual(a: StoredAction, date: IsoDate, policy: AgendaPolicy, rates: ExchangeRate[]): AgendaItem {
  const days = a.invoiceDueDate ? daysBetween(a.invoiceDueDate, date) : a.maxDaysOverdue ?? 0;
  // On its invoice, in the invoice's currency; else on the customer's balance, in the balance currency.
  const currency = a.invoiceOpen !== null ? (a.invoiceCurrency ?? a.currency) : a.currency;
  const atStake = Math.max(a.invoiceOpen ?? (a.customerOverdue || a.customerOpen), floorIn(policy, currency, rates));
  return {
    id: a.id,
    state: 'planned',
    dedupeKey: a.dedupeKey,
    origin: a.origin,
    kind: 'manual',
    type: a.type,
    task: true,
    dueDate: a.dueDate,
    reason: a.reason,
    // Written by other code: keep what reads as a reason, in the agenda's shape.
    reasons: readModelReasons(a.reasons, 20),
    priority: rankedInReporting(
      priority(atStake, urgency('manual', days), risk({ riskScore: a.riskScore, lateProbability: null }), currency),
      currency, ratesOf(rates, policy.reportingCurrency), policy.reportingCurrency,
    ),
    customer: { externalId: a.customerExternalId, name: a.customerName, segment: a.segment },
    collector: a.collector,
    amounts: {
      atStake, currency, customerOpen: a.customerOpen, customerOverdue: a.customerOverdue, balanceCurrency: a.currency,
      otherBalances: otherBalances(a.byCurrency, a.currency),
    },
    invoices: a.invoiceExternalId
      ? [{ externalId: a.invoiceExternalId, number: a.invoiceNumber!, openAmount: a.invoiceOpen ?? 0, dueDate: a.invoiceDueDate!, daysOverdue: days }]
      : [],
  };
}

export const itemOrder = (a: AgendaItem, b: AgendaItem) =>
  b.priority.score - a.priority.score || codePointOrder(a.dueDate, b.dueDate) || codePointOrder(a.dedupeKey ?? '', b.dedupeKey ?? '') || (a.id ?? 0) - (b.id ?? 0);
