// Turns a customer's history into the ordered item sequences each signal reads,
// as known on `asOf`: anything dated later is dropped, so replaying a finished
// history date by date cannot leak the future.
import type { DriftConfig } from './config.js';
import { dayOf } from './dates.js';
import type { CustomerHistory } from './types.js';

/** Undisputed settled invoices: a disputed invoice's delay is the dispute's, not the payer's habit. */
export interface DelaySequence {
  n: number;
  /** In the order the settlements became known (settled date, then due date). */
  daysLate: number[];
  settledDay: number[];
  dueDay: number[];
  /** Disputed settled invoices left out, so a reason can say why it has so few. */
  disputedLeftOut: number;
}

/** Invoices whose dispute status is known (settled ones, and open ones already disputed), in issue order. */
export interface DisputeSequence {
  n: number;
  /** When the outcome became known: the dispute date, else the settlement date. */
  knownDay: number[];
  issueDay: number[];
  disputed: number[];
}

export interface PaymentSequence {
  n: number;
  day: number[];
  amount: number[];
  method: string[];
}

export interface ReminderSequence {
  n: number;
  sentDay: number[];
  /** 1 for an email (opens and clicks are tracked), 0 for a call or an SMS (only answers are). */
  email: number[];
  replied: number[];
  /** Opened by a person: opens flagged machineOpen are privacy-proxy fetches. */
  opened: number[];
  clicked: number[];
  machineOpen: number[];
}

export interface PreparedHistory {
  asOf: number;
  delays: DelaySequence;
  disputes: DisputeSequence;
  payments: PaymentSequence;
  reminders: ReminderSequence;
}

/** Positions in ascending key order, or null when the rows already are (the usual case). */
function orderOf(keys: number[]): number[] | null {
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) if (keys[i] < keys[i - 1]) sorted = false;
  if (sorted) return null;
  return keys.map((_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
}

function permute<T>(values: T[], idx: number[] | null): T[] {
  return idx ? idx.map((i) => values[i]) : values;
}

/** Each invoice's dates parsed once; NaN where a date is missing. */
interface InvoiceDays {
  n: number;
  settled: number[];
  due: number[];
  issue: number[];
  disputedOn: number[];
  disputed: number[];
}

function parseInvoices(history: CustomerHistory): InvoiceDays {
  const out: InvoiceDays = { n: history.invoices.length, settled: [], due: [], issue: [], disputedOn: [], disputed: [] };
  for (const inv of history.invoices) {
    out.settled.push(inv.settledDate ? dayOf(inv.settledDate) : NaN);
    out.due.push(dayOf(inv.dueDate));
    out.issue.push(dayOf(inv.issueDate));
    out.disputed.push(inv.disputed ? 1 : 0);
    out.disputedOn.push(inv.disputed && inv.disputedDate ? dayOf(inv.disputedDate) : NaN);
  }
  return out;
}

function prepareDelays(inv: InvoiceDays, asOf: number): DelaySequence {
  const keep: number[] = [];
  let disputedLeftOut = 0;
  // NaN (never settled) fails the comparison: open invoices carry no delay yet.
  for (let i = 0; i < inv.n; i++) {
    if (!(inv.settled[i] <= asOf)) continue;
    if (inv.disputed[i]) disputedLeftOut++;
    else keep.push(i);
  }
  keep.sort((a, b) => inv.settled[a] - inv.settled[b] || inv.due[a] - inv.due[b] || a - b);
  const out: DelaySequence = { n: keep.length, daysLate: [], settledDay: [], dueDay: [], disputedLeftOut };
  for (const i of keep) {
    out.settledDay.push(inv.settled[i]);
    out.dueDay.push(inv.due[i]);
    out.daysLate.push(inv.settled[i] - inv.due[i]);
  }
  return out;
}

function prepareDisputes(inv: InvoiceDays, asOf: number): DisputeSequence {
  const keep: number[] = [];
  const known: number[] = [];
  for (let i = 0; i < inv.n; i++) {
    const settled = inv.settled[i];
    const disputedOn = inv.disputedOn[i];
    if (disputedOn <= asOf) known[i] = settled < disputedOn ? settled : disputedOn;
    else if (settled <= asOf) known[i] = settled;
    else continue; // still open, no dispute known yet: its outcome is unknown
    keep.push(i);
  }
  // Issue order: a dispute spike is about the invoices issued since the change;
  // an old invoice settled late belongs to the baseline, not to the recent run
  // (measured on the synthetic world: in the order outcomes became known, such
  // invoices broke the run of a fresh spike).
  keep.sort((a, b) => inv.issue[a] - inv.issue[b] || known[a] - known[b] || a - b);
  const out: DisputeSequence = { n: keep.length, knownDay: [], issueDay: [], disputed: [] };
  for (const i of keep) {
    out.knownDay.push(known[i]);
    out.issueDay.push(inv.issue[i]);
    out.disputed.push(inv.disputed[i]);
  }
  return out;
}

function preparePayments(history: CustomerHistory, asOf: number): PaymentSequence {
  const day: number[] = [];
  const amount: number[] = [];
  const method: string[] = [];
  for (const p of history.payments) {
    const d = dayOf(p.paymentDate);
    if (d > asOf || !(p.amount > 0)) continue;
    day.push(d);
    amount.push(p.amount);
    method.push(p.method);
  }
  const idx = orderOf(day);
  return { n: day.length, day: permute(day, idx), amount: permute(amount, idx), method: permute(method, idx) };
}

/** A reaction counts only if it happened by asOf. */
function by(value: string | null | undefined, asOf: number): boolean {
  return !!value && dayOf(value) <= asOf;
}

function prepareReminders(history: CustomerHistory, asOf: number, config: DriftConfig): ReminderSequence {
  const channels = config.engagement.channels;
  const r: ReminderSequence = { n: 0, sentDay: [], email: [], replied: [], opened: [], clicked: [], machineOpen: [] };
  for (const c of history.communications) {
    const channel = c.channel ?? 'email';
    if (!channels.includes(channel)) continue;
    const sent = dayOf(c.sentAt);
    if (sent > asOf) continue;
    // A bounced reminder was never in front of the customer: not a chance to react.
    if (by(c.bouncedAt, asOf)) continue;
    const replied = by(c.repliedAt, asOf);
    const clicked = by(c.clickedAt, asOf);
    const anyOpen = by(c.openedAt, asOf);
    const opened = anyOpen && !c.machineOpen;
    // Too young to have been ignored: only reactions so far can be read.
    if (!(replied || clicked || opened) && asOf - sent < config.engagement.responseWindowDays) continue;
    r.sentDay.push(sent);
    r.email.push(channel === 'email' ? 1 : 0);
    r.replied.push(replied ? 1 : 0);
    r.opened.push(opened ? 1 : 0);
    r.clicked.push(clicked ? 1 : 0);
    r.machineOpen.push(anyOpen && c.machineOpen ? 1 : 0);
  }
  const idx = orderOf(r.sentDay);
  return {
    n: r.sentDay.length,
    sentDay: permute(r.sentDay, idx),
    email: permute(r.email, idx),
    replied: permute(r.replied, idx),
    opened: permute(r.opened, idx),
    clicked: permute(r.clicked, idx),
    machineOpen: permute(r.machineOpen, idx),
  };
}

export function prepareHistory(history: CustomerHistory, config: DriftConfig): PreparedHistory {
  const asOf = dayOf(history.asOf);
  // A whole date as asOf means the end of that day for timestamps.
  const asOfEnd = history.asOf.length === 10 ? asOf + 1 - 1e-9 : asOf;
  const invoices = parseInvoices(history);
  return {
    asOf,
    delays: prepareDelays(invoices, asOf),
    disputes: prepareDisputes(invoices, asOf),
    payments: preparePayments(history, asOf),
    reminders: prepareReminders(history, asOfEnd, config),
  };
}
