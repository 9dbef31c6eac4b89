// Hand-built planning facts for the pure planner tests: no database.
import type {
  Closure, CustomerContext, DunningScenario, InboundEmail, MissedDebitInvoice, PlanningFacts, PreDueInvoice, QualifiedInvoice,
  ScenarioInvoice, UnappliedCredit,
} from '../../src/agenda/types.js';

export const ASOF = '2026-10-20';

export function customerCtx(id: number, extra: Partial<CustomerContext> = {}): CustomerContext {
  return {
    customerId: id, externalId: `C${id}`, name: `Customer ${id}`, segment: null, collectorId: 1, collector: 'alice',
    currency: 'USD', riskScore: null, salesRep: null, adv: null, openAmount: 0, overdueAmount: 0, undisputedOverdueAmount: 0, byCurrency: [], maxDaysOverdue: null,
    lateProbability: null, driftScore: null, driftAlert: null, driftReasons: [], driftOn: null,
    recommendedLever: null, leverConfidence: null, leverReasons: [], leverOn: null, lastIncentiveOn: null,
    ...extra,
  };
}

let invoiceSeq = 100;

const base = (customerId: number, dueDate: string, openAmount: number) => {
  const id = ++invoiceSeq;
  return { invoiceId: id, externalId: `I${id}`, number: `F-${id}`, customerId, dueDate, amount: openAmount, openAmount, currency: 'USD' };
};

export const scenarioInvoice = (customerId: number, dueDate: string, openAmount: number, extra: Partial<ScenarioInvoice> = {}): ScenarioInvoice =>
  ({ ...base(customerId, dueDate, openAmount), scenarioId: 1, sends: [], ...extra });

export const qualifiedInvoice = (customerId: number, dueDate: string, openAmount: number, extra: Partial<QualifiedInvoice>): QualifiedInvoice =>
  ({
    ...base(customerId, dueDate, openAmount), status: 'promise_to_pay', statusDate: null, statusComment: null,
    resolutionOwner: null, promisedDate: null, lastPaymentOn: null, ...extra,
  });

export const preDueInvoice = (customerId: number, dueDate: string, openAmount: number, lateProbability: number): PreDueInvoice =>
  ({ ...base(customerId, dueDate, openAmount), lateProbability, probabilitySource: 'invoice', modelReasons: [] });

/** What the payment-delay model stores on an invoice of a due-date payer left unpaid after its due date. */
export const MISSED_DUE_DATE_REASONS = [
  { factor: 'daysOverdue', text: 'already 3 days overdue and unpaid on 2026-10-20', weight: 9.8, value: 3 },
  {
    factor: 'missedDueDate',
    text: 'usually paid on the due date itself (98% of its settled invoices), not this time: such invoices that missed the day (a failed direct debit, say) were paid a median of 10 days after it',
    weight: 6.1,
    value: 10,
  },
  { factor: 'paymentHistory', text: 'paid 0 of the last 10 invoices late, median on the due date; 0 of 31 late in all', weight: 3.2, value: 0 },
];

export const missedDebitInvoice = (customerId: number, dueDate: string, openAmount: number): MissedDebitInvoice =>
  ({ ...base(customerId, dueDate, openAmount), modelReasons: MISSED_DUE_DATE_REASONS });

/** An unapplied credit note of a customer with `overdue` (amount, invoices, oldest days) in USD. */
export const unappliedCredit = (
  customerId: number, issueDate: string, openAmount: number, overdue: { amount: number; invoices: number; maxDays: number },
): UnappliedCredit => {
  const id = ++invoiceSeq;
  return {
    creditNoteId: id, externalId: `N${id}`, number: `CN-${id}`, customerId, issueDate, openAmount, currency: 'USD',
    overdueAmount: overdue.amount, overdueInvoices: overdue.invoices, maxDaysOverdue: overdue.maxDays,
  };
};

/** Standard scenario: courtesy email at -5, first reminder at +3 (both level 1, automatic), call at +15, letter at +30. */
export const STANDARD: DunningScenario = {
  id: 1,
  externalId: 'STD',
  name: 'Standard',
  steps: [
    { dayOffset: -5, channel: 'email', level: 1, template: 'courtesy', automatic: true },
    { dayOffset: 3, channel: 'email', level: 1, template: 'first-reminder', automatic: true },
    { dayOffset: 15, channel: 'call', level: 2, template: 'collector-call', automatic: false },
    { dayOffset: 30, channel: 'letter', level: 3, template: 'formal-notice', automatic: false },
  ],
};

export function facts(parts: Partial<Omit<PlanningFacts, 'customers'>> & { customers?: CustomerContext[] } = {}): PlanningFacts {
  const customers = parts.customers ?? [customerCtx(1)];
  return {
    asOf: parts.asOf ?? ASOF,
    customers: new Map(customers.map((c) => [c.customerId, c])),
    scenarios: parts.scenarios ?? new Map([[1, STANDARD]]),
    scenarioInvoices: parts.scenarioInvoices ?? [],
    qualifiedInvoices: parts.qualifiedInvoices ?? [],
    preDueInvoices: parts.preDueInvoices ?? [],
    missedDebitInvoices: parts.missedDebitInvoices ?? [],
    inbound: parts.inbound ?? [],
    emailPromises: parts.emailPromises ?? [],
    unappliedCredits: parts.unappliedCredits ?? [],
    rates: parts.rates ?? [],
    closures: parts.closures ?? new Map<string, Closure>(),
    risk: parts.risk ?? [],
  };
}

export const email = (messageId: number, receivedOn: string, fields: InboundEmail['fields'], customerId = 1): InboundEmail =>
  ({ messageId, externalId: `M${messageId}`, customerId, receivedOn, subject: `Subject ${messageId}`, fields });

export const field = (name: string, value: number | string | boolean): InboundEmail['fields'][number] => ({
  name,
  num: typeof value === 'number' ? value : null,
  text: typeof value === 'string' ? value : null,
  bool: typeof value === 'boolean' ? value : null,
  confidence: null,
  reasons: [],
});
