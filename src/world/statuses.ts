// Status qualifications as collectors record them on invoices: promises to
// pay taken on a reached call or an answered reminder, disputes, litigation,
// payment plans, "paid, not received". The last qualification stays on the
// invoice, also once it is settled, so promise keeping can be learned.
import { MS_PER_DAY, type Day } from './dates.js';
import type { ReminderSim } from './dunning.js';
import type { InvoiceSim } from './invoicing.js';
import { customerStream } from './rng.js';
import type { CustomerPlan, Period } from './traits.js';
import type { InvoiceStatus } from './types.js';

export interface Qualification {
  status: InvoiceStatus;
  day: Day;
  comment: string;
  owner: string | null;
  promisedDay: Day | null;
}

export interface PromiseSim {
  invoice: InvoiceSim;
  reminder: ReminderSim;
  recordedDay: Day;
  promisedDay: Day;
  kept: boolean;
}

export interface Qualifications {
  byInvoice: Map<InvoiceSim, Qualification>;
  promises: PromiseSim[];
  /** Reminders whose answer was a promise to pay. */
  promiseReplies: Set<ReminderSim>;
}

export function qualify(seed: number, plan: CustomerPlan, invoices: InvoiceSim[], reminders: ReminderSim[], period: Period): Qualifications {
  const rng = customerStream(seed, plan.index, 'statuses');
  const byInvoice = new Map<InvoiceSim, Qualification>();
  const promises: PromiseSim[] = [];
  const promiseReplies = new Set<ReminderSim>();
  const end = period.endDay;

  // Promises: an answer to a reminder about overdue, undisputed, unpaid invoices.
  for (const reminder of reminders) {
    if (reminder.repliedAt === null || reminder.step.channel === 'letter') continue;
    const day = Math.floor(reminder.repliedAt / MS_PER_DAY);
    if (day > end) continue;
    const open = reminder.invoices.filter(
      (i) => i.dueDay < day && !i.disputed && (i.settleDay === null || i.settleDay > day),
    );
    if (open.length === 0 || !rng.chance(0.65)) continue;
    promiseReplies.add(reminder);
    for (const invoice of open) {
      const horizon = invoice.settleDay === null ? rng.int(5, 15) : invoice.settleDay - day - plan.payment.promiseBiasDays + rng.gaussian(0, 2);
      const promisedDay = day + Math.max(1, Math.round(horizon));
      const kept = invoice.settleDay !== null && invoice.settleDay <= promisedDay;
      promises.push({ invoice, reminder, recordedDay: day, promisedDay, kept });
      byInvoice.set(invoice, {
        status: 'promise_to_pay',
        day,
        comment: reminder.step.channel === 'call' ? 'Promise taken on the phone' : 'Promise received by email',
        owner: null,
        promisedDay,
      });
    }
  }

  for (const invoice of invoices) {
    const open = invoice.settleDay === null || invoice.settleDay > end;
    if (invoice.instalmentPlan && invoice.settleDay !== null && invoice.settleDay > invoice.dueDay && !byInvoice.has(invoice)) {
      const first = invoice.chunks[0]?.day ?? invoice.dueDay;
      if (first <= end) byInvoice.set(invoice, { status: 'payment_plan', day: first, comment: `${invoice.chunks.length} instalments agreed`, owner: null, promisedDay: null });
    }
    if (invoice.disputed && invoice.disputeDay !== null && invoice.disputeDay <= end && invoice.disputeReason) {
      const [reason, owner] = invoice.disputeReason;
      let status: InvoiceStatus = 'dispute';
      let day = invoice.disputeDay;
      if (open && end - invoice.disputeDay > 120 && rng.chance(0.4)) {
        status = 'litigation';
        day = invoice.disputeDay + 120;
      } else if (open && rng.chance(0.2)) {
        status = 'waiting_credit_note';
        day = Math.min(end, invoice.disputeDay + rng.int(5, 30));
      }
      byInvoice.set(invoice, { status, day, comment: reason, owner, promisedDay: null });
    }
    if (open && plan.insolvencyDay !== null && invoice.issueDay <= plan.insolvencyDay) {
      const day = Math.min(end, plan.insolvencyDay + rng.int(5, 20));
      byInvoice.set(invoice, { status: 'litigation', day, comment: 'Claim filed with the insolvency administrator', owner: 'legal', promisedDay: null });
    } else if (open && invoice.dueDay < end && invoice.settleDay !== null && invoice.settleDay - end <= 5 && !byInvoice.has(invoice) && rng.chance(0.4)) {
      byInvoice.set(invoice, { status: 'paid_not_received', day: end - rng.int(0, 2), comment: 'Customer says the payment was sent', owner: null, promisedDay: null });
    }
  }
  return { byInvoice, promises, promiseReplies };
}
