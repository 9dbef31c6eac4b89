// What the platform should record for an email the triage read: the
// qualification a collector would otherwise set by hand (brief 003's invoice
// statuses), on the invoices the email is about. The platform owns invoice
// statuses; the service only suggests, so until the platform records one the
// agenda follows the email itself (plan-email-promise.ts).
import { promisedInvoices } from '../agenda/plan-email-promise.js';
import { documentList } from '../agenda/format.js';
import type { IsoDate } from '../agenda/types.js';

export type QualificationStatus = 'promise_to_pay' | 'payment_plan' | 'dispute' | 'paid_not_received';

/** Email types that name a qualification, and the status each asks for. */
export const QUALIFICATION_OF_TYPE: Readonly<Record<string, QualificationStatus>> = {
  promise_to_pay: 'promise_to_pay',
  payment_plan: 'payment_plan',
  dispute: 'dispute',
  payment_confirmation: 'paid_not_received',
};

/** One of the customer's invoices (kind invoice), open or not. */
export interface CustomerInvoice {
  externalId: string;
  number: string;
  dueDate: IsoDate;
  openAmount: number;
  currency: string;
  status: string | null;
  promisedDate: IsoDate | null;
}

/** What the triage read in the email. */
export interface EmailSaid {
  type: string;
  receivedOn: IsoDate;
  promisedDate: IsoDate | null;
  invoiceNumbers: string[];
}

export interface QualifiedInvoice {
  externalId: string;
  number: string;
  dueDate: IsoDate;
  openAmount: number;
  currency: string;
  /** Its status on the platform now (null: not qualified). */
  currentStatus: string | null;
}

export interface SuggestedQualification {
  status: QualificationStatus;
  /** The promised day (promise_to_pay) or the next instalment (payment_plan). */
  promisedDate: IsoDate | null;
  invoices: QualifiedInvoice[];
  reason: string;
}

const normalise = (ref: string) => ref.trim().toUpperCase();

/** Invoices the email is about, or null when it does not say which. */
function concerned(said: EmailSaid, invoices: CustomerInvoice[]): CustomerInvoice[] | null {
  const named = new Set(said.invoiceNumbers.map(normalise));
  const isNamed = (i: CustomerInvoice) => named.has(normalise(i.number)) || named.has(normalise(i.externalId));
  const namedKnown = invoices.some(isNamed);
  const open = invoices.filter((i) => i.openAmount > 0);
  if (open.length === 0) return [];
  if (said.type === 'promise_to_pay') {
    if (!said.promisedDate) return null;
    const promisedDate = said.promisedDate;
    // The agenda's rule, so both read the same promise: the invoices named, else every one due by the date.
    const members = open.map((i) => ({ invoice: i, named: isNamed(i), namedKnown, dueDate: i.dueDate, promisedDate }));
    return promisedInvoices(members).map((m) => m.invoice);
  }
  if (namedKnown) return open.filter(isNamed);
  // A plan covers what is owed when it is asked for; a dispute or a payment sent is about invoices it must name.
  if (said.type === 'payment_plan') return open.filter((i) => i.dueDate <= said.receivedOn);
  return null;
}

/** Already recorded as the email asks: nothing for the platform to change. */
function alreadyQualified(i: CustomerInvoice, status: QualificationStatus, promisedDate: IsoDate | null): boolean {
  if (i.status !== status) return false;
  return status !== 'promise_to_pay' && status !== 'payment_plan' ? true : i.promisedDate === promisedDate;
}

function reasonText(said: EmailSaid, status: QualificationStatus, invoices: QualifiedInvoice[], promisedDate: IsoDate | null): string {
  const refs = documentList(invoices, 'invoice');
  const email = `the email of ${said.receivedOn}`;
  switch (status) {
    case 'promise_to_pay': return `${email} promises to pay ${refs} by ${promisedDate}`;
    case 'payment_plan': return `${email} asks for a payment plan on ${refs}${promisedDate ? `, next instalment ${promisedDate}` : ''}`;
    case 'dispute': return `${email} disputes ${refs}`;
    case 'paid_not_received': return `${email} says ${refs} ${invoices.length === 1 ? 'was' : 'were'} paid`;
  }
}

/**
 * The qualification the email asks the platform to record, or null when it
 * asks for none, does not say on which invoices, or when they already carry it.
 * Invoices in litigation are left out: a legal process owns them.
 */
export function suggestQualification(said: EmailSaid, invoices: CustomerInvoice[]): SuggestedQualification | null {
  const status = QUALIFICATION_OF_TYPE[said.type];
  if (!status) return null;
  const promisedDate = status === 'promise_to_pay' || status === 'payment_plan' ? said.promisedDate : null;
  const about = concerned(said, invoices);
  if (!about) return null;
  const changing = about
    .filter((i) => i.status !== 'litigation' && !alreadyQualified(i, status, promisedDate))
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.externalId < b.externalId ? -1 : 1))
    .map((i): QualifiedInvoice => ({
      externalId: i.externalId, number: i.number, dueDate: i.dueDate, openAmount: i.openAmount, currency: i.currency, currentStatus: i.status,
    }));
  if (changing.length === 0) return null;
  return { status, promisedDate, invoices: changing, reason: reasonText(said, status, changing, promisedDate) };
}
