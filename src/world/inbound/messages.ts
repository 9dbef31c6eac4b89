// Inbound emails tied to what happens in the ledger: answers to reminders
// (typed by the true state of the invoices: promise, dispute, payment sent...),
// disputes raised on receipt of an invoice, and contact changes.
import { MS_PER_DAY, MS_PER_MINUTE, formatDay, formatTimestamp, type Day } from '../dates.js';
import type { ReminderSim } from '../dunning.js';
import type { InvoiceSim } from '../invoicing.js';
import { customerStream, type Random } from '../rng.js';
import type { Qualifications } from '../statuses.js';
import { fromLocal } from '../timezones.js';
import type { CustomerPlan, Period } from '../traits.js';
import type { MessageTruth } from '../truth.js';
import type { InboundType } from '../types.js';
import type { EmailRequest, EmailSource, Sentiment } from './source.js';

export interface MessageSim {
  externalId: string;
  customerExternalId: string | null;
  receivedAt: number;
  sender: string;
  subject: string;
  body: string;
  truth: MessageTruth;
}

interface Occasion {
  at: number;
  type: InboundType;
  sentiment: Sentiment;
  event: MessageTruth['event'];
  reminder: ReminderSim | null;
  invoices: InvoiceSim[];
  promisedDay: Day | null;
}

/** What a customer answering a reminder writes about, given the invoices' true state. */
function replyType(rng: Random, plan: CustomerPlan, reminder: ReminderSim, day: Day, promised: boolean): InboundType {
  if (promised) return 'promise_to_pay';
  const invoices = reminder.invoices;
  if (invoices.some((i) => i.disputed && i.disputeDay !== null && i.disputeDay <= day + 5)) return 'dispute';
  if (invoices.every((i) => i.settleDay !== null && i.settleDay <= day + 3)) return 'payment_confirmation';
  if (invoices.some((i) => i.instalmentPlan) && rng.chance(0.6)) return 'payment_plan';
  return rng.weighted<InboundType>([
    ['invoice_copy', 0.28],
    ['po_number', invoices.some((i) => i.poNumber === null) ? 0.2 : 0.06],
    ['payment_link', plan.payment.preferredMethod === 'card' || plan.segment === 'small' ? 0.2 : 0.05],
    ['other', 0.22],
    ['contact_update', 0.05],
    ['unsubscribe', 0.03],
    ['payment_plan', 0.04],
  ]);
}

function sentimentOf(rng: Random, type: InboundType, plan: CustomerPlan, day: Day): Sentiment {
  if (type === 'dispute') {
    const spiking = plan.drift?.kind === 'dispute_spike' && day >= plan.drift.startDay;
    return spiking || rng.chance(0.6) ? 'negative' : 'neutral';
  }
  if (type === 'unsubscribe') return rng.chance(0.5) ? 'negative' : 'neutral';
  if (type === 'payment_confirmation') return rng.chance(0.6) ? 'positive' : 'neutral';
  return rng.weighted<Sentiment>([
    ['neutral', 0.7],
    ['positive', 0.15],
    ['negative', 0.15],
  ]);
}

export function simulateInbound(
  seed: number,
  plan: CustomerPlan,
  invoices: InvoiceSim[],
  reminders: ReminderSim[],
  qualifications: Qualifications,
  contactChangeDays: Day[],
  period: Period,
  source: EmailSource,
): MessageSim[] {
  if (!plan.email) return [];
  const rng = customerStream(seed, plan.index, 'inbound');
  const endMs = (period.endDay + 1) * MS_PER_DAY;
  const occasions: Occasion[] = [];
  const promisedBy = new Map<ReminderSim, Day>();
  for (const p of qualifications.promises) promisedBy.set(p.reminder, p.promisedDay);

  for (const reminder of reminders) {
    if (reminder.repliedAt === null || reminder.step.channel !== 'email' || reminder.repliedAt >= endMs) continue;
    const day = Math.floor(reminder.repliedAt / MS_PER_DAY);
    const type = replyType(rng, plan, reminder, day, qualifications.promiseReplies.has(reminder));
    occasions.push({
      at: reminder.repliedAt,
      type,
      sentiment: sentimentOf(rng, type, plan, day),
      event: 'reminder_reply',
      reminder,
      invoices: reminder.invoices,
      promisedDay: promisedBy.get(reminder) ?? null,
    });
  }
  // Most disputes are raised by email when the invoice arrives, before any reminder.
  for (const invoice of invoices) {
    if (invoice.disputeDay === null || !rng.chance(0.8)) continue;
    const at = atCustomerHour(rng, plan, invoice.disputeDay);
    if (at >= endMs) continue;
    occasions.push({
      at,
      type: 'dispute',
      sentiment: sentimentOf(rng, 'dispute', plan, invoice.disputeDay),
      event: 'dispute_raised',
      reminder: null,
      invoices: [invoice],
      promisedDay: null,
    });
  }
  for (const day of contactChangeDays) {
    const at = atCustomerHour(rng, plan, day);
    if (at < endMs) {
      occasions.push({ at, type: 'contact_update', sentiment: 'neutral', event: 'contact_change', reminder: null, invoices: [], promisedDay: null });
    }
  }
  return occasions.sort((a, b) => a.at - b.at).map((o, i) => toMessage(rng, plan, o, i, source));
}

function atCustomerHour(rng: Random, plan: CustomerPlan, day: Day): number {
  const hour = Math.min(21, Math.max(6, plan.engagement.preferredReplyHour + rng.gaussian(0, plan.engagement.replyHourSpread)));
  return Math.round(fromLocal(plan.timezone, day, hour) / MS_PER_MINUTE) * MS_PER_MINUTE;
}

function toMessage(rng: Random, plan: CustomerPlan, o: Occasion, i: number, source: EmailSource): MessageSim {
  const request: EmailRequest = {
    type: o.type,
    language: plan.language,
    sentiment: o.sentiment,
    draw: rng.next(),
    context: {
      receivedAt: formatTimestamp(o.at),
      customerName: plan.name,
      contactName: plan.contactName,
      invoiceNumbers: o.invoices.map((inv) => inv.number),
      amount: o.invoices.reduce((a, inv) => a + inv.cents, 0) / 100,
      promisedDate: o.promisedDay === null ? null : formatDay(o.promisedDay),
      poNumber: o.invoices.find((inv) => inv.poNumber)?.poNumber ?? null,
      reminderTemplate: o.reminder?.step.template ?? null,
    },
  };
  const email = source.write(request);
  const externalId = `MSG-${plan.externalId.slice(4)}-${String(i + 1).padStart(4, '0')}`;
  // A few arrive from a personal address the platform cannot match to a customer.
  const unmatched = rng.chance(0.03);
  const sender = unmatched
    ? `${plan.contactName.split(' ')[0].toLowerCase()}.${rng.int(10, 99)}@gmail.com`
    : rng.chance(0.5) && plan.email
      ? plan.email
      : `${plan.contactName.toLowerCase().replace(/[^a-z]+/g, '.')}@${plan.domain}`;
  return {
    externalId,
    customerExternalId: unmatched ? null : plan.externalId,
    receivedAt: o.at,
    sender,
    subject: email.subject,
    body: email.body,
    truth: {
      customerExternalId: plan.externalId,
      type: email.type as InboundType,
      secondaryTypes: email.secondaryTypes,
      sentiment: email.sentiment,
      language: email.language,
      event: o.event,
      inReplyTo: o.reminder?.externalId ?? null,
      invoiceExternalIds: o.invoices.map((inv) => inv.externalId),
      source: source.kind,
      ...(email.entities === undefined ? {} : { entities: email.entities }),
    },
  };
}
