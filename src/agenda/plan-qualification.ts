// Follow-ups triggered by the status a collector gave an invoice (brief 003:
// a status is also an action trigger). Pure.
//
// Invoices qualified together (same customer, status, date and owner) are one
// episode and get one action. Promises and payment plans are checked once per
// promised date; disputes, litigation, credit notes and "paid, not received"
// come back at their rhythm while the status stays (see keys.ts).
import { addDays, daysBetween } from './dates.js';
import { invoiceList, plural } from './format.js';
import { groupBy, invoiceTask, summarise, type InvoiceGroupSummary } from './invoices.js';
import { keyPart, recurrence } from './keys.js';
import type { AgendaPolicy } from './policy.js';
import { priority, risk, urgency } from './priority.js';
import type {
  ActionReason, ActionType, CustomerContext, IsoDate, PlanningFacts, QualificationStatus, QualifiedInvoice,
  Suggestion, SuggestionKind,
} from './types.js';

interface Planned {
  dedupeKey: string;
  dueDate: IsoDate;
  reason: string;
  reasons: ActionReason[];
}

interface Episode {
  members: QualifiedInvoice[];
  first: QualifiedInvoice;
  customer: CustomerContext | undefined;
  g: InvoiceGroupSummary;
  facts: PlanningFacts;
  policy: AgendaPolicy;
}

interface Rule {
  kind: SuggestionKind;
  type: ActionType;
  /** Invoices with the same episode key are handled together. */
  episode(i: QualifiedInvoice): string | null;
  plan(e: Episode): Planned | null;
}

function commentReason(i: QualifiedInvoice): ActionReason[] {
  return i.statusComment ? [{ factor: 'statusComment', text: `collector's comment: "${i.statusComment}"`, value: i.statusComment }] : [];
}

function since(i: QualifiedInvoice, asOf: IsoDate): ActionReason {
  if (!i.statusDate) return { factor: 'statusDate', text: `status ${i.status} set on an unknown date`, value: null };
  const days = daysBetween(i.statusDate, asOf);
  return { factor: 'statusDate', text: `status ${i.status} since ${i.statusDate} (${plural(days, 'day')})`, value: i.statusDate };
}

/** A follow-up that repeats every `every` days after the status date while the status stays. */
function recurring(e: Episode, base: string, every: number, reason: (days: number | null) => string): Planned | null {
  const { first, facts } = e;
  // An undated status is followed up from today: better a follow-up than none.
  const anchor = first.statusDate ?? addDays(facts.asOf, -every);
  const r = recurrence(base, facts.closures, anchor, every, every);
  if (r.dueDate > facts.asOf) return null;
  const days = first.statusDate ? daysBetween(first.statusDate, facts.asOf) : null;
  return {
    dedupeKey: r.dedupeKey,
    dueDate: r.dueDate,
    reason: reason(days),
    reasons: [since(first, facts.asOf), e.g.amountReason, ...ownerReason(first), ...commentReason(first)],
  };
}

function ownerReason(i: QualifiedInvoice): ActionReason[] {
  return [{
    factor: 'resolutionOwner',
    text: i.resolutionOwner ? `resolution owner: ${i.resolutionOwner}` : 'no resolution owner named',
    value: i.resolutionOwner,
  }];
}

const dated = (i: QualifiedInvoice) => i.statusDate ?? 'undated';

const RULES: Record<QualificationStatus, Rule> = {
  promise_to_pay: {
    kind: 'promise_broken',
    type: 'call',
    episode: (i) => (i.promisedDate ? `${i.customerId}|${i.promisedDate}` : null),
    plan: ({ first, g, facts, policy }) => {
      const promised = first.promisedDate!;
      const dueDate = addDays(promised, policy.promiseGraceDays + 1);
      if (dueDate > facts.asOf) return null;
      const late = daysBetween(promised, facts.asOf);
      const partial = first.lastPaymentOn && first.statusDate && first.lastPaymentOn >= first.statusDate;
      return {
        dedupeKey: `qual:promise:c${first.customerId}:${promised}`,
        dueDate,
        reason: `Promise broken: call the customer. Promised to pay ${invoiceList(g.refs)} by ${promised}; ` +
          `${g.amounts} still open ${plural(late, 'day')} later`,
        reasons: [
          { factor: 'promisedDate', text: `promised to pay by ${promised}${first.statusDate ? ` (promise recorded ${first.statusDate})` : ''}`, value: promised },
          g.amountReason,
          { factor: 'daysSincePromise', text: `${plural(late, 'day')} past the promised date`, value: late },
          ...(partial ? [{ factor: 'partialPayment', text: `part paid on ${first.lastPaymentOn}, the rest is still open`, value: first.lastPaymentOn }] : []),
          ...commentReason(first),
        ],
      };
    },
  },
  payment_plan: {
    kind: 'payment_plan_missed',
    type: 'call',
    // The platform keeps the next instalment's date in promised_date.
    episode: (i) => (i.promisedDate ? `${i.customerId}|${i.promisedDate}` : null),
    plan: ({ members, first, g, facts, policy }) => {
      const instalment = first.promisedDate!;
      const dueDate = addDays(instalment, policy.paymentPlanGraceDays + 1);
      if (dueDate > facts.asOf) return null;
      const paidFrom = addDays(instalment, -policy.paymentPlanEarlyDays);
      if (members.some((m) => m.lastPaymentOn && m.lastPaymentOn >= paidFrom)) return null;
      const last = members.map((m) => m.lastPaymentOn).filter((d): d is string => !!d).sort().pop();
      return {
        dedupeKey: `qual:plan:c${first.customerId}:${instalment}`,
        dueDate,
        reason: `Payment plan instalment missed: call the customer. Instalment due ${instalment} on ${invoiceList(g.refs)}; ` +
          `no payment since ${last ?? 'the plan started'}`,
        reasons: [
          { factor: 'instalmentDate', text: `instalment due ${instalment}, nothing received since ${paidFrom}`, value: instalment },
          g.amountReason,
          { factor: 'lastPayment', text: last ? `last payment on these invoices: ${last}` : 'no payment received on these invoices', value: last ?? null },
          ...commentReason(first),
        ],
      };
    },
  },
  dispute: {
    kind: 'dispute_follow_up',
    type: 'follow_up',
    episode: (i) => `${i.customerId}|${keyPart(i.resolutionOwner)}|${dated(i)}`,
    plan: (e) => recurring(
      e,
      `qual:dispute:c${e.first.customerId}:${keyPart(e.first.resolutionOwner)}:${dated(e.first)}`,
      e.policy.disputeFollowUpDays,
      (days) => `Dispute open ${days === null ? '' : `${plural(days, 'day')} `}on ${e.g.text}: ` +
        (e.first.resolutionOwner ? `ask ${e.first.resolutionOwner} where the resolution stands` : 'name a resolution owner and follow up'),
    ),
  },
  litigation: {
    kind: 'litigation_review',
    type: 'review',
    episode: (i) => `${i.customerId}|${dated(i)}`,
    plan: (e) => recurring(
      e,
      `qual:litigation:c${e.first.customerId}:${dated(e.first)}`,
      e.policy.litigationReviewDays,
      (days) => `Review with legal: litigation ${days === null ? '' : `for ${plural(days, 'day')} `}on ${e.g.text}`,
    ),
  },
  waiting_credit_note: {
    kind: 'credit_note_chase',
    type: 'follow_up',
    episode: (i) => `${i.customerId}|${keyPart(i.resolutionOwner)}|${dated(i)}`,
    plan: (e) => {
      const who = e.first.resolutionOwner ?? (e.customer?.adv ? `${e.customer.adv} (ADV)` : e.customer?.salesRep ? `${e.customer.salesRep} (sales)` : 'sales / ADV');
      return recurring(
        e,
        `qual:credit-note:c${e.first.customerId}:${keyPart(e.first.resolutionOwner)}:${dated(e.first)}`,
        e.policy.creditNoteChaseDays,
        (days) => `Chase ${who} for the credit note awaited ${days === null ? '' : `for ${plural(days, 'day')} `}on ${e.g.text}`,
      );
    },
  },
  paid_not_received: {
    kind: 'payment_check',
    type: 'call',
    episode: (i) => `${i.customerId}|${dated(i)}`,
    plan: (e) => recurring(
      e,
      `qual:paid-not-received:c${e.first.customerId}:${dated(e.first)}`,
      e.policy.paymentCheckDays,
      (days) => `Customer says it paid${e.first.statusDate ? ` (${e.first.statusDate})` : ''} but nothing is received ` +
        `${days === null ? '' : `${plural(days, 'day')} later `}on ${e.g.text}: ask for the remittance advice`,
    ),
  },
};

export function planQualificationFollowUps(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const out: Suggestion[] = [];
  const byRule = groupBy(facts.qualifiedInvoices.filter((i) => RULES[i.status]), (i) => i.status);
  for (const [status, invoices] of byRule) {
    const rule = RULES[status as QualificationStatus];
    const episodes = groupBy(invoices.filter((i) => rule.episode(i) !== null), (i) => rule.episode(i)!);
    for (const members of episodes.values()) {
      const first = members[0];
      const customer = facts.customers.get(first.customerId);
      const g = summarise(members, facts.asOf, customer);
      const planned = rule.plan({ members, first, customer, g, facts, policy });
      if (!planned) continue;
      out.push({
        ...planned,
        ...invoiceTask('qualification', first.customerId, customer, g),
        kind: rule.kind,
        type: rule.type,
        priority: priority(g.amount, urgency(rule.kind, g.maxDaysOverdue), risk(customer), g.currency),
      });
    }
  }
  return out;
}
