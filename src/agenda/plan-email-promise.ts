// A promise to pay made by email and not kept. The platform may never qualify
// the invoices (brief 003's promise follow-up needs someone to record it): the
// inbound triage read the promised date, so the planner follows it like a
// recorded promise. Only each customer's latest dated promise counts: a new
// email with a new date replaces the one before, and the action on the old one
// is no longer suggested.
import { addDays, daysBetween } from './dates.js';
import { invoiceList, plural } from './format.js';
import { groupBy, invoiceTask, summarise } from './invoices.js';
import type { AgendaPolicy } from './policy.js';
import { priority, risk, urgency } from './priority.js';
import type { EmailPromiseInvoice, PlanningFacts, Suggestion } from './types.js';

/**
 * What the promise was about: the invoices the email named, when the customer
 * has them (one paid since is no longer open, so a promise kept leaves none);
 * otherwise every open invoice due by the promised date.
 */
export function promisedInvoices<T extends Pick<EmailPromiseInvoice, 'named' | 'namedKnown' | 'dueDate' | 'promisedDate'>>(members: T[]): T[] {
  const first = members[0];
  return first.namedKnown ? members.filter((m) => m.named) : members.filter((m) => m.dueDate <= first.promisedDate);
}

/**
 * Open invoices a standing email promise covers (its date plus the grace days
 * not passed yet), by id. Calling a customer who has just written when they
 * will pay burns the relation: a collector's reminder on them waits, and once
 * the promise breaks the call above comes first and the scenario resumes.
 */
export function promisedByEmail(facts: PlanningFacts, policy: AgendaPolicy): Map<number, EmailPromiseInvoice> {
  const standing = new Map<number, EmailPromiseInvoice>();
  for (const members of groupBy(facts.emailPromises, (i) => String(i.messageId)).values()) {
    if (addDays(members[0].promisedDate, policy.promiseGraceDays) < facts.asOf) continue;
    for (const m of promisedInvoices(members)) standing.set(m.invoiceId, m);
  }
  return standing;
}

export function planEmailPromises(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const out: Suggestion[] = [];
  for (const members of groupBy(facts.emailPromises, (i) => String(i.messageId)).values()) {
    const first = members[0];
    const promised = first.promisedDate;
    const dueDate = addDays(promised, policy.promiseGraceDays + 1);
    if (dueDate > facts.asOf) continue;
    const concerned = promisedInvoices(members);
    if (concerned.length === 0) continue;
    const customer = facts.customers.get(first.customerId);
    const g = summarise(concerned, facts.asOf, customer);
    const late = daysBetween(promised, facts.asOf);
    const partial = concerned.map((m) => m.lastPaymentOn).filter((d): d is string => !!d && d >= first.receivedOn).sort().pop();
    const email = `"${first.subject || '(no subject)'}" of ${first.receivedOn}`;
    out.push({
      ...invoiceTask('ml', first.customerId, customer, g),
      dedupeKey: `ml:promise:c${first.customerId}:m${first.messageId}`,
      kind: 'promise_broken',
      type: 'call',
      dueDate,
      reason: `Promise broken: call the customer. Their email ${email} promised to pay ${invoiceList(g.refs)} by ${promised}; ` +
        `${g.amounts} still open ${plural(late, 'day')} later`,
      reasons: [
        { factor: 'promisedDate', text: `promised by email to pay by ${promised}`, value: promised },
        { factor: 'inboundMessage', text: `email ${email}, read as a promise to pay by the inbound triage`, value: first.messageExternalId },
        g.amountReason,
        { factor: 'daysSincePromise', text: `${plural(late, 'day')} past the promised date`, value: late },
        ...(partial ? [{ factor: 'partialPayment', text: `part paid on ${partial}, the rest is still open`, value: partial }] : []),
      ],
      priority: priority(g.amount, urgency('promise_broken', g.maxDaysOverdue), risk(customer), g.currency),
    });
  }
  return out;
}
